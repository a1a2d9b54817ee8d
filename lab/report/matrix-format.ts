/**
 * Wording shared by the matrix/repeat writers (console, HTML, JUnit), so the three say the
 * same thing: figure texts with their ranges, verdict words, titles, the problem lines.
 */
import { formatValue } from './html-sections';
import type { CheckTally, FigureStats, RunsSummary, VariantSummary } from '../model/summary';

/** A figure's value in its unit; counts are plain numbers. */
export function figureValue(value: number, unit: string): string {
  return unit === 'count' ? String(Math.round(value * 100) / 100) : formatValue(value, unit);
}

/** `1.80–1.90 Gbit/s` (the unit once when both ends share it). */
export function rangeText(s: FigureStats): string {
  const lo = figureValue(s.min, s.unit);
  const hi = figureValue(s.max, s.unit);
  const unit = / (\S+)$/.exec(hi)?.[1];
  return unit && lo.endsWith(` ${unit}`) ? `${lo.slice(0, -unit.length - 1)}–${hi}` : `${lo}–${hi}`;
}

/** One run: the value; several: `median (min–max)`; none: `–`. */
export function figureText(s: FigureStats | undefined, separator = ' '): string {
  if (!s) return '–';
  const median = figureValue(s.median, s.unit);
  return s.n > 1 && s.min !== s.max ? `${median}${separator}(${rangeText(s)})` : median;
}

/** Figures keyed `<detail>:<check>` (e.g. `failover time:failover:vlan181`), with the check's name. */
export function timeFigures(v: VariantSummary, detail: 'failover time' | 'recovery time'): Array<{ check: string; stats: FigureStats }> {
  const prefix = `${detail}:`;
  return Object.entries(v.figures).filter(([k]) => k.startsWith(prefix)).map(([k, stats]) => ({ check: k.slice(prefix.length), stats }));
}

/** The failover or recovery column: one figure, or one line per cut/restore (`vlan181: 180 ms`). */
export function timesText(v: VariantSummary, detail: 'failover time' | 'recovery time', separator = ' '): string {
  const times = timeFigures(v, detail);
  if (times.length === 0) return '–';
  if (times.length === 1) return figureText(times[0]?.stats, separator);
  return times.map((t) => `${t.check.replace(/^[^:]+:/, '')}: ${figureText(t.stats, separator)}`).join('\n');
}

/** `PASS`, `FAIL`, `FLAKY` (nothing failed outright, but something passed only sometimes) or `NO CHECKS`. */
export function variantVerdict(v: VariantSummary): 'PASS' | 'FAIL' | 'FLAKY' | 'NO CHECKS' {
  if (v.counts.failed > 0) return 'FAIL';
  if (v.counts.flaky > 0) return 'FLAKY';
  if (v.exitCode !== 0) return 'FAIL';
  return v.counts.passed + v.counts.skipped === 0 ? 'NO CHECKS' : 'PASS';
}

/** `7 passed, 1 failed` (+ flaky and skipped when there are any). */
export function variantCountsText(v: VariantSummary): string {
  const c = v.counts;
  return [`${c.passed} passed`, `${c.failed} failed`, ...(c.flaky ? [`${c.flaky} flaky`] : []), ...(c.skipped ? [`${c.skipped} skipped`] : [])].join(', ');
}

/** `seed: matrix of 4 variants, 1 run each` or `seed: 5 repeated runs`. */
export function summaryTitle(s: RunsSummary): string {
  const only = s.variants.length === 1 ? s.variants[0] : undefined;
  if (only && s.repeated) return `${s.topology}: ${only.runs.length} repeated runs${only.label === 'base' ? '' : ` of ${only.label}`}`;
  const counts = new Set(s.variants.map((v) => v.runs.length));
  const each = counts.size === 1 ? `${[...counts][0]} run${s.repeated ? 's' : ''} each` : `${s.runs} runs`;
  return `${s.topology}: matrix of ${s.variants.length} variant${s.variants.length === 1 ? '' : 's'}, ${each}`;
}

/** The one word a banner shows, over every variant. */
export function overallVerdict(s: RunsSummary): 'PASS' | 'FAIL' | 'NO CHECKS' {
  if (s.exitCode !== 0) return 'FAIL';
  return s.variants.every((v) => variantVerdict(v) === 'NO CHECKS') ? 'NO CHECKS' : 'PASS';
}

/** `3 of 4 variants passed; 1 flaky check` (for repeats: runs that passed). */
export function overallCounts(s: RunsSummary): string {
  const flaky = s.variants.reduce((n, v) => n + v.counts.flaky, 0);
  const flakyText = s.repeated ? `; ${flaky} flaky check${flaky === 1 ? '' : 's'}` : '';
  const only = s.variants.length === 1 ? s.variants[0] : undefined;
  if (only && s.repeated) return `${only.runs.filter((r) => r.exitCode === 0).length} of ${only.runs.length} runs passed${flakyText}${missingText(s)}`;
  const ok = s.variants.filter((v) => v.exitCode === 0).length;
  return `${ok} of ${s.variants.length} variant${s.variants.length === 1 ? '' : 's'} passed${flakyText}${missingText(s)}`;
}

/** Run numbers (1-based) whose status is fail or error. */
export function failingRuns(t: CheckTally): number[] {
  return t.runs.flatMap((r, i) => (r.status === 'fail' || r.status === 'error' ? [i + 1] : []));
}

/** One line per failed or flaky check: what went wrong, with the first failing run's message. */
export function problemLines(s: RunsSummary): string[] {
  return s.variants.flatMap((v) =>
    Object.entries(v.checks).flatMap(([name, t]) => {
      if (t.verdict !== 'fail' && t.verdict !== 'flaky') return [];
      const runs = failingRuns(t);
      const first = t.runs[(runs[0] ?? 1) - 1];
      const where = s.variants.length > 1 || v.label !== 'base' ? ` [${v.label}]` : '';
      const word = t.verdict === 'flaky' ? 'FLAKY' : first?.status === 'error' && t.failed === 0 ? 'ERROR' : 'FAIL';
      const often = t.runs.length > 1 ? ` passed ${t.passed} of ${t.runs.length} runs (failing: run ${runs.join(', ')});` : '';
      return [`${word} ${name}${where}:${often} ${first?.message ?? ''}`];
    }),
  );
}

/** `d2` or, when engines of the same name ran on several machines (CI shards), `default@runner-3`. */
function engineNames(s: RunsSummary): Map<string, string> {
  const engines = s.engines ?? [];
  const hostsOf = new Map<string, Set<string>>();
  for (const e of engines) hostsOf.set(e.name, (hostsOf.get(e.name) ?? new Set()).add(e.host));
  return new Map(engines.map((e) => [`${e.name} ${e.host}`, (hostsOf.get(e.name)?.size ?? 0) > 1 ? `${e.name}@${e.host}` : e.name]));
}

/** `d1: 2 cells, d2: 2 cells`; undefined for a sweep on one engine with nothing moved. */
export function enginesText(s: RunsSummary): string | undefined {
  const engines = s.engines ?? [];
  if (engines.length < 2 && !(s.moves ?? []).length) return undefined;
  const names = engineNames(s);
  return engines.map((e) => `${names.get(`${e.name} ${e.host}`)} (${e.endpoint}): ${e.cells} cell${e.cells === 1 ? '' : 's'}`).join(', ');
}

/**
 * What the sweep did beyond its variants: which engines ran how many cells, the cells that
 * moved after their engine failed, and the cells no shard delivered. One line each.
 */
export function sweepLines(s: RunsSummary): string[] {
  const engines = enginesText(s);
  return [
    ...(engines ? [`engines: ${engines}`] : []),
    ...(s.moves ?? []).map((m) => `moved: cell ${m.cell + 1} (${m.label} run ${m.run}) from ${m.from} to ${m.to}: ${m.reason}`),
    ...(s.missing ?? []).map((m) => `MISSING cell ${m.cell + 1} (${m.label} run ${m.run}): no result${m.reason ? `: ${m.reason}` : ''}`),
  ];
}

/** `; 1 cell missing` for the banner, or nothing. */
export function missingText(s: RunsSummary): string {
  const n = s.missing?.length ?? 0;
  return n ? `; ${n} of ${s.cells?.total ?? n} cells missing` : '';
}
