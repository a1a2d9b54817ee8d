/**
 * MPTCP's reaction to a middlebox, from its own counters (MPTcpExt deltas over the run) on
 * the two hosts of the connection under test, the traffic's client and server:
 * - fallback: did the connection fall back to TCP? Any of the fallback counters
 *   (MPCapableFallbackACK/SYNACK, MPFallbackTokenInit, DSSCorruptionFallback, DssFallback,
 *   MPCapableDataFallback, SimultConnectFallback, MD5SigFallback, FallbackFailed) or an
 *   infinite mapping sent or received (InfiniteMapTx/Rx: RFC 8684's fallback after MP_FAIL).
 * - checksumErrors: DSS checksum errors (DataCsumErr), with the MP_FAILs that report them.
 * - subflowReset: MP_RSTs, counted once per reset: the larger of ΣMPRstTx and ΣMPRstRx
 *   (one reset is Tx on one end and Rx on the other; a lost one is still seen on its sender).
 * Each reports the counters by name and host as its measured figure.
 */
import type { PlanCheck } from '../model/plan';
import type { CheckDetail, CheckResult, RunRecord } from '../model/record';
import { cannotMeasure, verdict } from './bounds';

export const FALLBACK_COUNTERS = [
  'MPCapableFallbackACK',
  'MPCapableFallbackSYNACK',
  'MPFallbackTokenInit',
  'DSSCorruptionFallback',
  'DssFallback',
  'MPCapableDataFallback',
  'SimultConnectFallback',
  'MD5SigFallback',
  'FallbackFailed',
  'InfiniteMapTx',
  'InfiniteMapRx',
] as const;
export const CHECKSUM_COUNTERS = ['DataCsumErr', 'MPFailTx', 'MPFailRx'] as const;
export const RESET_COUNTERS = ['MPRstTx', 'MPRstRx'] as const;

/** The connection's two hosts, client first. */
function hostsOf(record: RunRecord): string[] {
  return [...new Set([record.plan.traffic.client, record.plan.traffic.server])];
}

/** name → host → delta, for the hosts that report MPTcpExt counters at all; `missing` lists the others. */
function readCounters(record: RunRecord, names: readonly string[]): { by: Record<string, Record<string, number>>; missing: string[] } {
  const by: Record<string, Record<string, number>> = {};
  const missing: string[] = [];
  for (const h of hostsOf(record)) {
    const c = record.counters[h] ?? {};
    if (!Object.keys(c).some((k) => k.startsWith('MPTcpExt.'))) {
      missing.push(h);
      continue;
    }
    for (const n of names) (by[n] ??= {})[h] = c[`MPTcpExt.${n}`] ?? 0;
  }
  return { by, missing };
}

const sum = (per: Record<string, number> | undefined) => Object.values(per ?? {}).reduce((a, b) => a + b, 0);

/** `DataCsumErr 1 (pc2 1, pc1 0)`; with `nonZeroOnly`, counters at 0 are left out (`none` if all are). */
function shown(by: Record<string, Record<string, number>>, names: readonly string[], nonZeroOnly = false): string {
  const parts = names
    .filter((n) => !nonZeroOnly || sum(by[n]) > 0)
    .map((n) => `${n} ${sum(by[n])} (${Object.entries(by[n] ?? {}).map(([h, v]) => `${h} ${v}`).join(', ')})`);
  return parts.length ? parts.join(', ') : 'none';
}

function details(by: Record<string, Record<string, number>>, names: readonly string[]): CheckDetail[] {
  return names.flatMap((n) => Object.entries(by[n] ?? {}).map(([h, v]) => ({ name: `${h} MPTcpExt.${n}`, value: v, unit: 'count' })));
}

function unreadable(name: string, kind: PlanCheck['kind'], expected: string, missing: string[]): CheckResult {
  return cannotMeasure(name, kind, expected, `no MPTcpExt counters were read on ${missing.join(' and ')} (the lab reads them from /proc/PID/net/netstat before and after the traffic)`);
}

/** The fallback counters, summed: expect ≥ 1, or forbid (= 0). */
export function checkFallback(record: RunRecord, check: Extract<PlanCheck, { kind: 'fallback' }>): CheckResult {
  const expected = check.expect ? 'fallback to TCP: a fallback counter ≥ 1' : 'no fallback: every fallback counter 0';
  const { by, missing } = readCounters(record, FALLBACK_COUNTERS);
  if (missing.length > 0) return unreadable('fallback', 'fallback', expected, missing);
  const total = FALLBACK_COUNTERS.reduce((a, n) => a + sum(by[n]), 0);
  const fell = total > 0;
  const ok = check.expect ? fell : !fell;
  const seen = shown(by, FALLBACK_COUNTERS, true);
  const conn = record.mptcp.connection;
  const socket = conn ? `; the connection's socket (${conn.source}): ${conn.mptcp ? (conn.fallback ? 'MPTCP, flagged fallback' : 'MPTCP') : 'plain TCP'}` : '';
  return verdict(ok, {
    name: 'fallback',
    kind: 'fallback',
    expected,
    measured: fell ? `fell back: ${seen}` : 'no fallback counter moved',
    bound: check.expect ? 1 : 0,
    value: total,
    unit: 'count',
    message: (fell ? `the connection fell back to TCP: ${seen}` : `no fallback: ${FALLBACK_COUNTERS.join(', ')} all 0 on ${hostsOf(record).join(' and ')}`) + socket,
    details: details(by, FALLBACK_COUNTERS).filter((d) => d.value > 0 || d.name.includes('InfiniteMap') || d.name.includes('FallbackSYNACK')),
  });
}

function inRange(v: number, c: { min?: number; max?: number }): boolean {
  return (c.min === undefined || v >= c.min) && (c.max === undefined || v <= c.max);
}

function rangeText(c: { min?: number; max?: number }): string {
  if (c.min !== undefined && c.max !== undefined) return c.min === c.max ? `= ${c.min}` : `${c.min}–${c.max}`;
  return c.min !== undefined ? `≥ ${c.min}` : `≤ ${c.max ?? 0}`;
}

/** ΣDataCsumErr over both hosts within min..max; MPFailTx/Rx beside it. */
export function checkChecksumErrors(record: RunRecord, check: Extract<PlanCheck, { kind: 'checksumErrors' }>): CheckResult {
  const expected = `DataCsumErr ${rangeText(check)}`;
  const { by, missing } = readCounters(record, CHECKSUM_COUNTERS);
  if (missing.length > 0) return unreadable('checksumErrors', 'checksumErrors', expected, missing);
  const errors = sum(by.DataCsumErr);
  const checksumOn = hostsOf(record).map((h) => `${h} ${record.plan.hosts.find((x) => x.name === h)?.mptcp.checksum ? 'on' : 'off'}`).join(', ');
  return verdict(inRange(errors, check), {
    name: 'checksumErrors',
    kind: 'checksumErrors',
    expected,
    measured: shown(by, CHECKSUM_COUNTERS),
    ...(check.min !== undefined ? { bound: check.min } : { bound: check.max }),
    value: errors,
    unit: 'count',
    message: `${errors} DSS checksum error${errors === 1 ? '' : 's'} counted (checksum ${checksumOn}): ${shown(by, CHECKSUM_COUNTERS)}`,
    details: details(by, CHECKSUM_COUNTERS),
  });
}

/** MP_RSTs (max of ΣMPRstTx, ΣMPRstRx) within min..max. */
export function checkSubflowReset(record: RunRecord, check: Extract<PlanCheck, { kind: 'subflowReset' }>): CheckResult {
  const expected = `MP_RSTs ${rangeText(check)}`;
  const { by, missing } = readCounters(record, RESET_COUNTERS);
  if (missing.length > 0) return unreadable('subflowReset', 'subflowReset', expected, missing);
  const resets = Math.max(sum(by.MPRstTx), sum(by.MPRstRx));
  return verdict(inRange(resets, check), {
    name: 'subflowReset',
    kind: 'subflowReset',
    expected,
    measured: shown(by, RESET_COUNTERS),
    ...(check.min !== undefined ? { bound: check.min } : { bound: check.max }),
    value: resets,
    unit: 'count',
    message: `${resets} subflow reset${resets === 1 ? '' : 's'} (MP_RST; the larger of sent and received): ${shown(by, RESET_COUNTERS)}`,
    details: details(by, RESET_COUNTERS),
  });
}
