/**
 * Two runs side by side (`npm run lab -- compare A B`): every figure both result.json files
 * hold, with its delta and ratio, and the series both pages draw. Pure: reading the files is
 * the command's job (lab/cli/commands/compare.ts).
 */
import type { CheckResult, RunRecord, Series } from '../model/record';
import { formatDuration, formatRate, formatSize } from '../model/units';
import { pathColors, PATH_COLORS } from './chart-data';

/** What a result.json holds: the record with its checks on top (lab/report/result-json.ts). */
export type RunDoc = RunRecord & { checks: CheckResult[] };

export interface DeltaRow {
  section: 'check' | 'traffic' | 'mptcp' | 'path' | 'counter';
  name: string;
  unit: string;
  a?: number;
  b?: number;
  /** b − a, when both are numbers. */
  delta?: number;
  /** b / a, when both are numbers and a ≠ 0. */
  ratio?: number;
  aText: string;
  bText: string;
  /** Check rows: each run's verdict. */
  statusA?: CheckResult['status'];
  statusB?: CheckResult['status'];
  /** The two differ (a value, or a check's verdict). */
  differs: boolean;
}

export interface RunLabel {
  key: 'A' | 'B';
  runId: string;
  topology: string;
  startedAt: string;
  source: string;
}

export interface Comparison {
  a: RunLabel;
  b: RunLabel;
  rows: DeltaRow[];
}

/** A number in its unit, for tables: 1.86 Gbit/s, 2.50 GB, 1.08 s, 3 joins. */
export function formatValue(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (unit === 'bit/s') return formatRate(v);
  if (unit === 'bytes') return formatSize(v);
  if (unit === 'ms') return formatDuration(v);
  if (unit === 'bool') return v ? 'yes' : 'no';
  const n = Number.isInteger(v) ? String(v) : v.toFixed(2);
  return unit && unit !== 'count' ? `${n} ${unit}` : n;
}

/** A delta in its unit, signed: +12.0 Mbit/s, −1.08 s. */
export function formatDelta(d: number | undefined, unit: string): string {
  if (d === undefined || !Number.isFinite(d)) return '';
  if (d === 0) return '0';
  const sign = d > 0 ? '+' : '−';
  return sign + formatValue(Math.abs(d), unit === 'bool' ? 'count' : unit);
}

function row(section: DeltaRow['section'], name: string, unit: string, a: number | undefined, b: number | undefined, extra: Partial<DeltaRow> = {}): DeltaRow {
  const both = a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b);
  return {
    section,
    name,
    unit,
    ...(a !== undefined ? { a } : {}),
    ...(b !== undefined ? { b } : {}),
    ...(both ? { delta: b - a } : {}),
    ...(both && a !== 0 ? { ratio: b / a } : {}),
    aText: formatValue(a, unit),
    bText: formatValue(b, unit),
    differs: a !== b,
    ...extra,
  };
}

function mean(s: Series): number | undefined {
  return s.v.length ? s.v.reduce((x, y) => x + y, 0) / s.v.length : undefined;
}

const union = (xs: readonly string[], ys: readonly string[]) => [...new Set([...xs, ...ys])];

function label(key: 'A' | 'B', d: RunDoc): RunLabel {
  return { key, runId: d.runId, topology: d.topology, startedAt: d.startedAt, source: d.plan?.source ?? '' };
}

/** Every figure of both runs, A then B: checks (value and verdict), traffic, MPTCP, paths, and the counters that differ. */
export function compareRuns(a: RunDoc, b: RunDoc): Comparison {
  const rows: DeltaRow[] = [];
  const checksA = new Map(a.checks.map((c) => [c.name, c]));
  const checksB = new Map(b.checks.map((c) => [c.name, c]));
  for (const name of union([...checksA.keys()], [...checksB.keys()])) {
    const ca = checksA.get(name);
    const cb = checksB.get(name);
    const unit = ca?.unit ?? cb?.unit ?? '';
    const r = row('check', name, unit, ca?.value, cb?.value, {
      ...(ca ? { statusA: ca.status } : {}),
      ...(cb ? { statusB: cb.status } : {}),
    });
    // A check without a number is compared by what it printed.
    if (ca?.value === undefined) r.aText = ca ? ca.measured : 'absent';
    if (cb?.value === undefined) r.bText = cb ? cb.measured : 'absent';
    r.differs = ca?.status !== cb?.status || ca?.value !== cb?.value || (ca?.value === undefined && r.aText !== r.bText);
    rows.push(r);
  }
  const ta = a.traffic;
  const tb = b.traffic;
  rows.push(
    row('traffic', 'goodput', 'bit/s', ta.goodputBps, tb.goodputBps),
    row('traffic', 'bytes received', 'bytes', ta.bytesReceived, tb.bytesReceived),
    row('traffic', 'duration', 'ms', ta.endedMs - ta.startedMs, tb.endedMs - tb.startedMs),
    row('traffic', 'completed', 'bool', Number(ta.completed), Number(tb.completed)),
    row('traffic', 'resumes', 'count', ta.resumes, tb.resumes),
    row('traffic', 'aggregate link mean', 'bit/s', mean(a.aggregate), mean(b.aggregate)),
    row('mptcp', 'subflows at most', 'count', a.mptcp.maxSubflows, b.mptcp.maxSubflows),
    row('mptcp', 'MP_JOINs', 'count', a.mptcp.joins, b.mptcp.joins),
    row('mptcp', 'fell back', 'bool', Number(a.mptcp.fellBack), Number(b.mptcp.fellBack)),
  );
  const pathsA = new Map(a.paths.map((p) => [p.path, p]));
  const pathsB = new Map(b.paths.map((p) => [p.path, p]));
  for (const path of union([...pathsA.keys()], [...pathsB.keys()])) {
    const pa = pathsA.get(path);
    const pb = pathsB.get(path);
    rows.push(
      row('path', `${path} bytes`, 'bytes', pa?.totalBytes, pb?.totalBytes),
      row('path', `${path} mean`, 'bit/s', pa && mean(pa), pb && mean(pb)),
      row('path', `${path} reverse bytes`, 'bytes', pa?.reverseBytes, pb?.reverseBytes),
    );
  }
  for (const host of union(Object.keys(a.counters), Object.keys(b.counters))) {
    const ka = a.counters[host] ?? {};
    const kb = b.counters[host] ?? {};
    for (const name of union(Object.keys(ka), Object.keys(kb)).sort()) {
      const va = ka[name] ?? 0;
      const vb = kb[name] ?? 0;
      if (va !== vb) rows.push(row('counter', `${host} ${name}`, 'count', va, vb));
    }
  }
  return { a: label('A', a), b: label('B', b), rows };
}

export interface CompareLine {
  label: string;
  color: string;
  /** Run B's lines are dashed. */
  dashed: boolean;
  points: Array<[number, number]>;
}

export interface CompareChartData {
  endS: number;
  aggregate: CompareLine[];
  paths: CompareLine[];
  goodput: CompareLine[];
}

/** Run A's colour and run B's, for the lines that are one per run. */
export const RUN_COLORS = { A: '#0072B2', B: '#D55E00' } as const;

function points(s: Series, scale: number): Array<[number, number]> {
  return s.t.map((t, i) => [Math.round(t) / 1000, Math.round(((s.v[i] ?? 0) / scale) * 1000) / 1000]);
}

/** Both runs' aggregate, per-path and goodput series (Mbit/s over seconds), for three charts. */
export function buildCompareChartData(a: RunDoc, b: RunDoc): CompareChartData {
  const runs = [
    ['A', a],
    ['B', b],
  ] as const;
  const colorsA = pathColors(a);
  const colorsB = pathColors(b);
  const pathNames = union(a.paths.map((p) => p.path), b.paths.map((p) => p.path));
  const color = (path: string) => colorsA[path] ?? colorsB[path] ?? PATH_COLORS[pathNames.indexOf(path) % PATH_COLORS.length] ?? '#777';
  const endMs = Math.max(...runs.flatMap(([, d]) => [d.traffic.endedMs, ...d.aggregate.t, ...d.goodput.t]));
  return {
    endS: endMs / 1000,
    aggregate: runs.map(([k, d]) => ({ label: `${k}: aggregate (link)`, color: RUN_COLORS[k], dashed: k === 'B', points: points(d.aggregate, 1e6) })),
    paths: runs.flatMap(([k, d]) => d.paths.map((p) => ({ label: `${k}: ${p.path}`, color: color(p.path), dashed: k === 'B', points: points(p, 1e6) }))),
    goodput: runs.map(([k, d]) => ({ label: `${k}: goodput (application)`, color: RUN_COLORS[k], dashed: k === 'B', points: points(d.goodput, 1e6) })),
  };
}
