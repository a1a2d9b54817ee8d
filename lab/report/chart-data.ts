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
  events: Array<{ kind: 'cut' | 'restore' | 'impair'; path: string; s: number; color: string }>;
  outages: Array<{ path: string; fromS: number; toS: number; color: string }>;
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
    events: events.map((e) => ({ kind: e.kind, path: e.path, s: e.actualMs / 1000, color: color(e.path) })),
    outages,
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
