/**
 * Puts a tool on MPTCP. Debian bookworm's tools (iperf3 3.12, busybox, Node 18) have no
 * MPTCP switch, so `mptcpize run` (an LD_PRELOAD wrapper) turns their TCP sockets into
 * MPTCP sockets; plain TCP runs the argv as it is.
 */
import type { PlanTraffic } from '../model/plan';

export type TrafficProtocol = PlanTraffic['protocol'];

/** `['mptcpize', 'run', ...argv]` for mptcp, argv unchanged (copied) for tcp. */
export function wrapProtocol(argv: readonly string[], protocol: TrafficProtocol): string[] {
  return protocol === 'mptcp' ? ['mptcpize', 'run', ...argv] : [...argv];
}
