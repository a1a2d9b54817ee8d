import { baselineFrom } from './baseline';
import { gainText } from '../report/summary';
import { formatRate } from '../model/units';

const pass = (goodputBps: number, mptcp: Partial<{ clientCapable: boolean; mptcpSocket: boolean }> = {}) => ({
  traffic: { goodputBps } as never,
  mptcp: {
    clientCapable: mptcp.clientCapable ?? false,
    serverCapable: mptcp.clientCapable ?? false,
    fellBack: false,
    maxSubflows: 1,
    joins: 0,
    reason: mptcp.clientCapable ? 'plain TCP was asked, but the run used MPTCP: pc2 MPCapableSYNTX=1' : 'plain TCP by plan',
    ...(mptcp.mptcpSocket !== undefined ? { connection: { mptcp: mptcp.mptcpSocket, subflows: 1, fallback: false, source: 'pc1 at 1.30 s' } } : {}),
  },
});

describe('baselineFrom', () => {
  it('states the gain over a pass that really was plain TCP', () => {
    const b = baselineFrom(pass(1.8e9), pass(0.9e9, { mptcpSocket: false }));
    expect(b).toEqual({ protocol: 'tcp', goodputBps: 0.9e9, gainRatio: 2 });
    expect(gainText(b, formatRate)).toMatch(/gain ×2\.00/);
  });
  it('states no gain when the "TCP" pass opened MPTCP (by its counters or its socket), and says why', () => {
    for (const tcp of [pass(1.8e9, { clientCapable: true }), pass(1.8e9, { mptcpSocket: true })]) {
      const b = baselineFrom(pass(1.8e9), tcp);
      expect(b.invalid).toMatch(/the plain-TCP pass used MPTCP/);
      expect(gainText(b, formatRate)).toMatch(/^plain TCP baseline not usable: the plain-TCP pass used MPTCP.*no gain stated$/);
    }
  });
});
