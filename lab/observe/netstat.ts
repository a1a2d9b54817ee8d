/**
 * `/proc/<pid>/net/netstat` and `/proc/<pid>/net/snmp`: pairs of lines, a header
 * (`MPTcpExt: MPCapableSYNRX MPCapableSYNTX ...`) then its values (`MPTcpExt: 0 1 ...`).
 * Read from the Docker host, /proc/<container pid>/net/* shows the container's namespace.
 */

/** The prefix of MPTCP counters in parsed keys. */
export const MPTCP_PREFIX = 'MPTcpExt.';

/**
 * MPTCP counters worth a look after a run, by their names on kernel 6.18 (read from this
 * machine's /proc/net/netstat; older kernels lack some, which then read as absent).
 */
export const MPTCP_COUNTERS_OF_INTEREST = [
  // MP_CAPABLE handshake, and the ways it falls back to TCP
  'MPCapableSYNTX', 'MPCapableSYNRX', 'MPCapableSYNACKRX', 'MPCapableACKRX',
  'MPCapableFallbackACK', 'MPCapableFallbackSYNACK', 'MPCapableSYNTXDrop', 'MPCapableSYNTXDisabled',
  'MPCapableEndpAttempt', 'MPCapableDataFallback', 'MPFallbackTokenInit',
  'DssFallback', 'SimultConnectFallback', 'MD5SigFallback', 'FallbackFailed',
  // MP_JOIN: extra subflows
  'MPJoinSynTx', 'MPJoinSynRx', 'MPJoinSynBackupRx', 'MPJoinSynAckRx', 'MPJoinSynAckBackupRx', 'MPJoinAckRx',
  'MPJoinNoTokenFound', 'MPJoinRejected', 'MPJoinSynAckHMacFailure', 'MPJoinAckHMacFailure',
  'MPJoinSynTxCreatSkErr', 'MPJoinSynTxBindErr', 'MPJoinSynTxConnectErr',
  // address signalling
  'AddAddr', 'AddAddrTx', 'AddAddrTxDrop', 'AddAddrDrop', 'EchoAdd', 'EchoAddTx',
  'RmAddr', 'RmAddrTx', 'RmAddrTxDrop', 'RmAddrDrop', 'RmSubflow',
  // backup / priority, stale and recovered subflows
  'MPPrioTx', 'MPPrioRx', 'SubflowStale', 'SubflowRecover', 'Blackhole',
  // data integrity and infinite mappings
  'DataCsumErr', 'DSSNotMatching', 'DSSNoMatchTCP', 'DSSCorruptionFallback', 'DSSCorruptionReset',
  'NoDSSInWindow', 'InfiniteMapTx', 'InfiniteMapRx', 'MPFailTx', 'MPFailRx',
  // resets and fast close
  'MPFastcloseTx', 'MPFastcloseRx', 'MPRstTx', 'MPRstRx',
  // reordering and retransmission at the MPTCP level
  'MPTCPRetrans', 'DuplicateData', 'OFOQueue', 'OFOQueueTail', 'OFOMerge',
  // a gauge, not a counter: connections established now (its delta is the change)
  'MPCurrEstab',
] as const;

export type MptcpCounterName = (typeof MPTCP_COUNTERS_OF_INTEREST)[number];

/** Parses netstat/snmp-style text into `Prefix.Name → value` (e.g. `MPTcpExt.MPCapableSYNTX`). */
export function parseNetstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i + 1 < lines.length; i++) {
    const names = lines[i]!.trim().split(/\s+/);
    const values = lines[i + 1]!.trim().split(/\s+/);
    const prefix = names[0] ?? '';
    // A header pairs with the next line only if that line has the same prefix and numbers.
    if (!prefix.endsWith(':') || values[0] !== prefix || !values.slice(1).every((v) => /^-?\d+$/.test(v))) continue;
    const key = prefix.slice(0, -1);
    names.slice(1).forEach((name, j) => {
      const v = values[j + 1];
      if (v !== undefined) out[`${key}.${name}`] = Number(v);
    });
    i++;
  }
  return out;
}

/** after − before for every key in `after` (a key missing before counts from 0). */
export function diffCounters(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) out[k] = v - (before[k] ?? 0);
  return out;
}

/** The MPTCP counters of interest from parsed (or diffed) counters, by bare name; absent ones are left out. */
export function pickMptcpCounters(counters: Record<string, number>): Partial<Record<MptcpCounterName, number>> {
  const out: Partial<Record<MptcpCounterName, number>> = {};
  for (const name of MPTCP_COUNTERS_OF_INTEREST) {
    const v = counters[MPTCP_PREFIX + name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
