/**
 * The data the report page's charts draw, compacted: seconds and Mbit/s rounded, colours
 * chosen here so the tables and the charts agree on each path's colour.
 */
import type { RunRecord, Series } from '../model/record';

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const PATH_COLORS = ['#0072B2', '#E69F00', '#009E73', '#56B4E9', '#D55E00', '#F0E442'];
export const AGGREGATE_COLOR = '#000000';
export const GOODPUT_COLOR = '#CC79A7';

export interface ChartLine {
  label: string;
  color: string;
  /** [seconds, value] pairs. */
  points: Array<[number, number]>;
}

export interface ChartData {
  endS: number;
  throughput: ChartLine[];
  subflows: ChartLine[];
  /** The sender's subflows over time (RTT in ms, cwnd in segments), coloured by path; empty when the record has no per-subflow series. */
  subflowRtt: ChartLine[];
  subflowCwnd: ChartLine[];
  /**
   * Retransmitted segments so far, per subflow (tcpi_total_retrans), and the sender's MPTCP-level
   * re-sends (MPTcpExt MPTCPRetrans, counted from the first reading) when its counter series exists.
   */
  subflowRetrans: ChartLine[];
  events: Array<{ kind: 'cut' | 'restore' | 'impair' | 'fault' | 'unfault'; path: string; s: number; color: string }>;
  outages: Array<{ path: string; fromS: number; toS: number; color: string }>;
  /** Middlebox faults in force (fault → unfault, or the end): drawn as a band with its mode. */
  faults: Array<{ path: string; mode: string; detail: string; fromS: number; toS: number; color: string }>;
}

/** Each fault's interval on the lab clock: from its event to the path's unfault, or the end of the run. */
export function faultIntervals(record: Pick<RunRecord, 'events'>, endMs: number): Array<{ path: string; mode: string; detail: string; fromMs: number; toMs: number }> {
  const events = [...record.events].sort((p, q) => p.actualMs - q.actualMs);
  return events.flatMap((e, i) => {
    if (e.kind !== 'fault') return [];
    const off = events.slice(i + 1).find((r) => r.kind === 'unfault' && r.path === e.path);
    return [{ path: e.path, mode: e.mode ?? 'fault', detail: e.detail ?? '', fromMs: e.actualMs, toMs: off?.actualMs ?? endMs }];
  });
}

/** The colour of each path, by its position in the plan. */
export function pathColors(record: RunRecord): Record<string, string> {
  return Object.fromEntries(record.plan.paths.map((p, i) => [p.name, PATH_COLORS[i % PATH_COLORS.length] ?? '#777']));
}

function points(series: Series, scale: number): Array<[number, number]> {
  return series.t.map((t, i) => [Math.round(t) / 1000, Math.round(((series.v[i] ?? 0) / scale) * 1000) / 1000]);
}

/** Chart series and markers for the report page. */
export function buildChartData(record: RunRecord): ChartData {
  const colors = pathColors(record);
  const color = (path: string) => colors[path] ?? '#777';
  const events = [...record.events].sort((p, q) => p.actualMs - q.actualMs);
  const endMs = Math.max(record.traffic.endedMs, ...record.aggregate.t, ...record.goodput.t);
  const outages = events.flatMap((e, i) => {
    if (e.kind !== 'cut') return [];
    const restore = events.slice(i + 1).find((r) => r.kind === 'restore' && r.path === e.path);
    return [{ path: e.path, fromS: e.actualMs / 1000, toS: (restore?.actualMs ?? endMs) / 1000, color: color(e.path) }];
  });
  return {
    endS: endMs / 1000,
    throughput: [
      ...record.paths.map((p) => ({ label: `${p.path} (link)`, color: color(p.path), points: points(p, 1e6) })),
      { label: 'aggregate (link)', color: AGGREGATE_COLOR, points: points(record.aggregate, 1e6) },
      { label: 'goodput (application)', color: GOODPUT_COLOR, points: points(record.goodput, 1e6) },
    ],
    subflows: [
      { label: 'all paths', color: AGGREGATE_COLOR, points: points(record.subflows, 1) },
      ...Object.entries(record.subflowsPerPath).map(([path, s]) => ({ label: path, color: color(path), points: points(s, 1) })),
    ],
    ...subflowLines(record, color),
    events: events.map((e) => ({ kind: e.kind, path: e.path, s: e.actualMs / 1000, color: color(e.path) })),
    outages,
    faults: faultIntervals(record, endMs).map((f) => ({ path: f.path, mode: f.mode, detail: f.detail, fromS: f.fromMs / 1000, toS: f.toMs / 1000, color: color(f.path) })),
  };
}

/** JSON safe inside a `<script>` element: no `</script>`, `<!--` or line separators can appear. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The sender's subflow series as chart lines: one line per subflow (host path id), gaps where a reading had no value. */
function subflowLines(record: RunRecord, color: (path: string) => string): Pick<ChartData, 'subflowRtt' | 'subflowCwnd' | 'subflowRetrans'> {
  const sender = (record.subflowSeries ?? []).filter((s) => s.host === record.traffic.sender);
  const line = (s: (typeof sender)[number], values: Array<number | null>): ChartLine => ({
    label: `${s.path || s.local} #${s.localId ?? '?'}`,
    color: color(s.path),
    points: s.t.flatMap((t, i) => (values[i] === null || values[i] === undefined ? [] : [[Math.round(t) / 1000, Math.round((values[i] as number) * 100) / 100] as [number, number]])),
  });
  const mptcp = record.mptcpSeries?.[record.traffic.sender];
  const reinjected = mptcp?.counters.MPTCPRetrans;
  const mptcpLine: ChartLine[] =
    sender.length > 0 && mptcp && reinjected
      ? [{ label: 'MPTCP level (MPTCPRetrans)', color: AGGREGATE_COLOR, points: mptcp.t.map((t, i) => [Math.round(t) / 1000, reinjected[i] ?? 0] as [number, number]) }]
      : [];
  return {
    subflowRtt: sender.map((s) => line(s, s.rttMs)),
    subflowCwnd: sender.map((s) => line(s, s.cwnd)),
    subflowRetrans: [...sender.map((s) => line(s, s.retrans)), ...mptcpLine],
  };
}
