/**
 * Whether the traffic really ran over MPTCP, judged from the connection under test itself
 * (its MPTCP socket and subflows in `ss -tiMn` snapshots taken in both namespaces during the
 * traffic) with the hosts' MPTcpExt counter deltas as corroboration. Counters are
 * namespace-wide, so they alone cannot tell the connection under test from another one
 * (iperf3's control connection); the socket alone can be missed by a snapshot. Either one
 * showing a fallback, or MPTCP where plain TCP was asked, decides.
 */
import type { Plan } from '../model/plan';
import type { MptcpVerdict, RunRecord } from '../model/record';
import { MPTCP_PREFIX, parseSsMptcp } from '../observe';

/** Counters that say a connection left MPTCP for plain TCP (RFC 8684 fallback), on either end. */
export const FALLBACK_COUNTERS = [
  'MPCapableFallbackACK',
  'MPCapableFallbackSYNACK',
  'MPCapableDataFallback',
  'MPFallbackTokenInit',
  'MPCapableSYNTXDrop',
  'DssFallback',
  'DSSCorruptionFallback',
  'SimultConnectFallback',
  'MD5SigFallback',
  'FallbackFailed',
  'InfiniteMapTx',
  'InfiniteMapRx',
] as const;

type Connection = NonNullable<MptcpVerdict['connection']>;
type Snapshot = Pick<RunRecord['snapshots'][number], 'tMs' | 'host' | 'text'>;

/**
 * The connection under test in the snapshots: the MPTCP socket on the traffic's port with the
 * most established subflows (iperf3 keeps a second, idle one for control). `mptcp: false` when
 * the snapshots show TCP sockets on the port but no MPTCP socket; undefined when they show nothing.
 */
export function connectionFromSnapshots(snapshots: readonly Snapshot[], port: number): Connection | undefined {
  const onPort = (addr: string) => addr.endsWith(`:${port}`);
  let subflows = 0;
  let fallback = false;
  const seenIn: string[] = [];
  let plainTcp = false;
  for (const snap of snapshots) {
    const conns = parseSsMptcp(snap.text).filter((c) => onPort(c.local) || onPort(c.peer));
    if (conns.length === 0) {
      if (snap.text.split('\n').some((l) => /^tcp\s+ESTAB/.test(l) && l.split(/\s+/).slice(4, 6).some(onPort))) plainTcp = true;
      continue;
    }
    seenIn.push(`${snap.host} at ${(snap.tMs / 1000).toFixed(2)} s`);
    for (const c of conns) {
      const established = c.tcpSubflows.filter((sf) => sf.state === 'ESTAB').length;
      subflows = Math.max(subflows, established > 0 ? established : c.extraSubflows + 1);
      // One connection of the tool flagged as fallen back is enough: they share one path manager and fate.
      fallback ||= c.fallback;
    }
  }
  if (seenIn.length > 0) return { mptcp: true, subflows, fallback, source: seenIn.join(', ') };
  if (plainTcp) return { mptcp: false, subflows: 0, fallback: false, source: 'plain TCP sockets on the port, no MPTCP socket' };
  return undefined;
}

/**
 * Why the midway snapshot should look again, or undefined when what it saw is enough: the
 * connection on the port is not listed yet, or it is listed with fewer subflows than the plan
 * should give it (a look in the moment between MP_CAPABLE and the joins, which at a 100 ms RTT
 * lasts a few hundred ms, would otherwise be the only listing and make the subflows check fail).
 * A plain TCP connection is final: no join will come.
 */
export function whyLookAgain(snapshots: readonly Snapshot[], port: number, wantSubflows: number): string | undefined {
  const conn = connectionFromSnapshots(snapshots, port);
  if (!conn) return `no socket on port ${port} before`;
  if (conn.mptcp && conn.subflows < wantSubflows) return `the connection had ${conn.subflows} of the ${wantSubflows} subflows the plan gives it before`;
  return undefined;
}

function counter(m: Record<string, number> | undefined, k: string): number {
  return m?.[MPTCP_PREFIX + k] ?? m?.[k] ?? 0;
}

/** Decides whether MPTCP was really used; never reports MPTCP after a fallback, nor TCP for a run that used MPTCP. */
export function mptcpVerdict(
  plan: Plan,
  protocol: 'mptcp' | 'tcp',
  counters: Record<string, Record<string, number>>,
  sampledSubflows: number,
  connection?: Connection,
): MptcpVerdict {
  const { client: clientName, server: serverName } = plan.traffic;
  const c = counters[clientName];
  const s = counters[serverName];
  const synTx = counter(c, 'MPCapableSYNTX');
  const clientCapable = synTx > 0 && counter(c, 'MPCapableSYNACKRX') > 0;
  const serverCapable = counter(s, 'MPCapableSYNRX') > 0 && counter(s, 'MPCapableACKRX') > 0;
  const joins = counter(s, 'MPJoinAckRx') || counter(c, 'MPJoinSynAckRx');
  const fallbacks = FALLBACK_COUNTERS.flatMap((k) =>
    [[clientName, c] as const, [serverName, s] as const].filter(([, m]) => counter(m, k) > 0).map(([h, m]) => `${h} ${k}=${counter(m, k)}`),
  );
  // The connection's own subflows when it was seen; the sampled count includes other sockets on the port.
  const maxSubflows = connection?.mptcp ? connection.subflows : sampledSubflows;
  const base = { clientCapable, serverCapable, maxSubflows, joins, ...(connection ? { connection } : {}) };
  const seen = connection ? ` (socket: ${connection.mptcp ? `MPTCP, ${connection.subflows} subflow${connection.subflows === 1 ? '' : 's'}${connection.fallback ? ', fallback flag' : ''}` : 'plain TCP'}; ${connection.source})` : ' (the connection was not seen in a socket snapshot: counters only)';

  if (protocol === 'tcp') {
    const usedMptcp = synTx > 0 || connection?.mptcp === true;
    const reason = usedMptcp
      ? `plain TCP was asked, but the run used MPTCP: ${clientName} MPCapableSYNTX=${synTx}${seen}`
      : `plain TCP by plan, and no MPTCP was seen${seen}`;
    return { ...base, fellBack: false, reason };
  }
  let fellBack = fallbacks.length > 0 || connection?.fallback === true;
  let reason: string;
  if (connection && !connection.mptcp) {
    fellBack = fellBack || synTx > 0;
    reason = `the connection under test was plain TCP: no MPTCP socket carried it${seen}`;
  } else if (!clientCapable && synTx > 0) {
    fellBack = true;
    reason = `fell back to TCP: ${clientName} sent MP_CAPABLE SYNs (${synTx}) but no MP_CAPABLE SYN-ACK came back${seen}`;
  } else if (!clientCapable) reason = `${clientName} sent no MP_CAPABLE SYN: the application did not open an MPTCP socket${seen}`;
  else if (!serverCapable) {
    fellBack = true;
    reason = `${serverName} completed no MP_CAPABLE handshake${seen}`;
  } else if (fellBack) reason = `fell back to TCP: ${[...fallbacks, ...(connection?.fallback ? ['ss shows the fallback flag'] : [])].join(', ')}${seen}`;
  else reason = `MP_CAPABLE on both ends, ${joins} MP_JOIN${joins === 1 ? '' : 's'}, up to ${maxSubflows} subflow${maxSubflows === 1 ? '' : 's'}${seen}`;
  return { ...base, fellBack, reason };
}

/** True when the verdict says the run was MPTCP end to end. */
export function ranMptcp(v: MptcpVerdict): boolean {
  return v.clientCapable && v.serverCapable && !v.fellBack && v.connection?.mptcp !== false;
}
