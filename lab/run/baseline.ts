/**
 * The --baseline tcp figure: the same traffic over plain TCP, and MPTCP's gain over it. A
 * "plain TCP" pass that really opened MPTCP (mptcpize left on, a tool that asks for MPTCP
 * itself) measured MPTCP against MPTCP: it gets no gain figure, and says why.
 */
import type { RunRecord } from '../model/record';
import type { PassResult } from './traffic-run';

type Pass = Pick<PassResult, 'traffic' | 'mptcp'>;

/** The baseline record of a main pass and its plain-TCP pass. */
export function baselineFrom(main: Pass, tcp: Pass): NonNullable<RunRecord['baseline']> {
  const goodputBps = tcp.traffic.goodputBps;
  const usedMptcp = tcp.mptcp.clientCapable || tcp.mptcp.connection?.mptcp === true;
  if (usedMptcp) return { protocol: 'tcp', goodputBps, gainRatio: NaN, invalid: `the plain-TCP pass used MPTCP: ${tcp.mptcp.reason}` };
  return { protocol: 'tcp', goodputBps, gainRatio: goodputBps > 0 ? main.traffic.goodputBps / goodputBps : 0 };
}
