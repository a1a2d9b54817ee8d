/**
 * The per-subflow series and the MPTCP-level counter series of one traffic pass, taken on
 * the path sampler's clock (traffic-run calls `tick` from every sample, with the sample's
 * index): the sender's subflows (subflow-diag.ts: one sock_diag helper asking for each known
 * subflow by its id, about 0.05 ms a read, every 100 ms; or the ss session, about 5 ms a read,
 * every 500 ms) and at once when a counter moved, and MPTcpExt counters of the traffic's
 * hosts (/proc/PID/net/netstat read from the Docker host, synchronously: a few tens of µs)
 * about every 50 ms of samples. A join or a removal seen in the counters makes the next read dump
 * the table. A subflow read runs beside the path sample, never in its way (a read still
 * running when the next is due is skipped and counted), and is stamped when it answered.
 * Costs: see lab/bench/cost.ts (the reader's CPU, its children included).
 */
import { readFileSync } from 'node:fs';
import type { MptcpCounterSeries, SubflowSeries } from '../model/record';
import { subflowReader, type SubflowReaderKind } from './subflow-diag';
import { subflowSeriesFrom, type SubflowReading, type SubflowStat } from './subflow-stats';
import { parseProcStatTicks, TICK_MS } from './proc-cpu';

/** The counters kept as series: reinjections, stale and recovered subflows, what the receiver saw twice or out of order, subflow changes. */
export const COUNTER_SERIES = ['MPTCPRetrans', 'SubflowStale', 'SubflowRecover', 'DuplicateData', 'OFOQueue', 'MPJoinAckRx', 'RmSubflow', 'Blackhole'] as const;

/** The MPTcpExt values of /proc/PID/net/netstat text (only that line pair is parsed; pure). */
export function parseMptcpExt(text: string): Record<string, number> {
  const head = text.indexOf('MPTcpExt:');
  if (head < 0) return {};
  const eol = text.indexOf('\n', head);
  const valuesAt = text.indexOf('MPTcpExt:', eol);
  if (eol < 0 || valuesAt < 0) return {};
  const names = text.slice(head + 9, eol).trim().split(/\s+/);
  const end = text.indexOf('\n', valuesAt);
  const values = text.slice(valuesAt + 9, end < 0 ? undefined : end).trim().split(/\s+/);
  const out: Record<string, number> = {};
  names.forEach((n, i) => {
    const v = Number(values[i]);
    if (Number.isFinite(v)) out[n] = v;
  });
  return out;
}

/** How often the subflows are read by default: every 100 ms through sock_diag (about 0.05 ms a read), every 500 ms through ss (about 5 ms). */
export const SUBFLOW_MS: Record<SubflowReaderKind, number> = { sock_diag: 100, ss: 500 };

/** Counters that move when a subflow joins or goes: the next subflow read dumps the table (a lookup by id finds only the known ones). */
const MEMBERSHIP_COUNTERS = ['MPCapableSYNACKRX', 'MPCapableACKRX', 'MPJoinSynAckRx', 'MPJoinAckRx', 'RmSubflow', 'MPRstRx', 'MPRstTx'] as const;

/** How often each is read, in samples, for a sampling interval: subflows about every `subflowMs`, counters every `counterMs` (at least every sample). */
export function cadenceFor(intervalMs: number, opts: { subflowMs?: number; counterMs?: number } = {}): { subflowEvery: number; counterEvery: number } {
  return {
    subflowEvery: Math.max(1, Math.round((opts.subflowMs ?? SUBFLOW_MS.ss) / intervalMs)),
    counterEvery: Math.max(1, Math.round((opts.counterMs ?? 50) / intervalMs)),
  };
}

export interface PassSubflowsOptions {
  /** The data sender's init PID (its side has cwnd, RTT, RTO, retransmits) and name. */
  sender: { name: string; pid: number };
  /** Hosts whose MPTcpExt counters become series (by name → init PID). */
  counterHosts: Record<string, number>;
  port: number;
  clock: () => number;
  /** The sampling interval, ms: with subflowMs (default SUBFLOW_MS of the reader in use) and counterMs (default 50), the cadences (cadenceFor). */
  intervalMs: number;
  subflowMs?: number;
  counterMs?: number;
  /** Tests: the reader (default: subflowReader, sock_diag with ss as the fallback). */
  reader?: PassReader;
  readText?: (path: string) => string;
}

export interface PassSubflows {
  /** Called from each path sample (index k); times are kept on the lab clock until result(). */
  tick(k: number): void;
  /** Waits for a read in flight and ends the session. */
  close(): Promise<void>;
  /**
   * RunRecord.subflowSeries and mptcpSeries (counter values relative to the first reading), times
   * relative to t0, the traffic start: the sampler runs from before the start, so the first
   * readings come out negative rather than stamped against an earlier origin.
   */
  result(pathOfAddress: (address: string) => string | undefined, t0: number): { subflowSeries: SubflowSeries[]; mptcpSeries: Record<string, MptcpCounterSeries> };
  /** Reads done, skipped (the previous one still running) and failed, with the first error; which reader, every how many samples, dumps of the table. */
  readonly stats: { reads: number; skipped: number; failed: number; firstError?: string; reader: SubflowReaderKind; fallback?: string; every: number; dumps: number };
  /** CPU ms of the subflow session so far (its own and its reaped ss children), from /proc; NaN when unknown. */
  sessionCpuMs(): number;
}

/** What passSubflows needs of a reader (subflow-diag.ts's SubflowReader). */
export interface PassReader {
  readonly kind: SubflowReaderKind;
  readonly fallback?: string;
  readonly pid?: number;
  readonly dumps: number;
  read(fresh?: boolean): Promise<SubflowStat[]>;
  close(): Promise<void>;
}

export function passSubflows(opts: PassSubflowsOptions): PassSubflows {
  const reader = opts.reader ?? subflowReader(opts.sender.pid, opts.port);
  // The reader's kind can change at its first read (a fallback to ss): the cadence follows it.
  const every = () => cadenceFor(opts.intervalMs, { subflowMs: opts.subflowMs ?? SUBFLOW_MS[reader.kind] }).subflowEvery;
  const counterEvery = cadenceFor(opts.intervalMs, { counterMs: opts.counterMs }).counterEvery;
  const readText = opts.readText ?? ((p: string) => readFileSync(p, 'utf8'));
  const readings: SubflowReading[] = [];
  const counters: Record<string, { t: number[]; values: Record<string, number[]>; base: Record<string, number> }> = {};
  const counts: { reads: number; skipped: number; failed: number; firstError?: string } = { reads: 0, skipped: 0, failed: 0 };
  const membership: Record<string, number> = {};
  let fresh = true;
  let inFlight: Promise<void> | undefined;
  // Counter-triggered reads at most every 200 ms: a busy transfer's MPTCPRetrans can step at every counter reading.
  let lastReadAt = -Infinity;
  /** True when a kept counter moved since the previous reading (a reinjection, a stale subflow...). */
  const readCounters = (tMs: number): boolean => {
    let moved = false;
    for (const [host, pid] of Object.entries(opts.counterHosts)) {
      let now: Record<string, number>;
      try {
        now = parseMptcpExt(readText(`/proc/${pid}/net/netstat`));
      } catch {
        continue;
      }
      const m = MEMBERSHIP_COUNTERS.reduce((sum, n) => sum + (now[n] ?? 0), 0);
      if (membership[host] !== undefined && membership[host] !== m) fresh = true;
      membership[host] = m;
      const c = (counters[host] ??= { t: [], values: Object.fromEntries(COUNTER_SERIES.map((n) => [n, [] as number[]])), base: now });
      c.t.push(tMs);
      for (const n of COUNTER_SERIES) {
        const series = c.values[n]!;
        const v = (now[n] ?? 0) - (c.base[n] ?? 0);
        if (series.length > 0 && series[series.length - 1] !== v) moved = true;
        series.push(v);
      }
    }
    return moved;
  };
  return {
    get stats() {
      return { ...counts, reader: reader.kind, ...(reader.fallback ? { fallback: reader.fallback } : {}), every: every(), dumps: reader.dumps };
    },
    tick(k) {
      // A counter step (MPTCP reinjected, a subflow went stale or recovered) brings the next subflow read forward: the moments that matter get the counters' resolution.
      const moved = k % counterEvery === 0 && readCounters(opts.clock());
      if (k % every() !== 0 && !(moved && opts.clock() - lastReadAt >= 200)) return;
      if (inFlight) {
        counts.skipped++;
        return;
      }
      lastReadAt = opts.clock();
      const dump = fresh;
      fresh = false;
      inFlight = reader
        .read(dump)
        .then((s) => {
          counts.reads++;
          readings.push({ tMs: opts.clock(), host: opts.sender.name, stats: s });
        })
        .catch((e: unknown) => {
          counts.failed++;
          counts.firstError ??= (e as Error).message;
        })
        .finally(() => (inFlight = undefined));
    },
    async close() {
      // A read that never answers must not hold the pass: wait 3 s at most (the helper's own timeout is 2 s).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([inFlight, new Promise<void>((r) => (timer = setTimeout(r, 3000)))]);
      clearTimeout(timer);
      await reader.close();
    },
    result(pathOfAddress, t0) {
      const mptcpSeries = Object.fromEntries(Object.entries(counters).map(([h, c]) => [h, { t: c.t.map((t) => Math.round(t - t0)), counters: c.values }]));
      return { subflowSeries: subflowSeriesFrom(readings.map((r) => ({ ...r, tMs: r.tMs - t0 })), pathOfAddress), mptcpSeries };
    },
    sessionCpuMs() {
      const pid = reader.pid;
      if (pid === undefined) return NaN;
      try {
        // The reader's own time and its waited-for children's (the ss session's ss processes).
        const ticks = parseProcStatTicks(readText(`/proc/${pid}/stat`), { children: true });
        return ticks === undefined ? NaN : ticks * TICK_MS;
      } catch {
        return NaN;
      }
    },
  };
}
