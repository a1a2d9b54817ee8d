/**
 * The bench's result rows and their renderings: a terminal table (cli-table3, no colours)
 * and a Markdown table for the README. Every figure is shown as median (min–max) over its
 * repeats; a ratio is the median of per-pair ratios of interleaved runs. Pure.
 */
import Table from 'cli-table3';
import type { Stats } from './stats';

export type Unit = 'ms' | 'bit/s' | 'fraction' | 'ratio' | 'cpu';

/** A bound on the row's ratio (checked on its median). */
export interface Target {
  op: '<=' | '>=';
  value: number;
}

export interface BenchRow {
  /** `bring-up`, `fidelity`, `cost`, `failover`, `scale`. */
  section: string;
  /** What is measured: `two-vlan bring-up (startLab)`. */
  figure: string;
  unit: Unit;
  measured?: Stats;
  /** What the figure is compared with: `plain script`. */
  baselineName?: string;
  baselineUnit?: Unit;
  baseline?: Stats;
  /** Statistics of per-pair measured / baseline (or a fraction of a capacity). */
  ratio?: Stats;
  target?: Target;
  /** One short remark (what the ratio means, why a figure is missing). */
  note?: string;
}

/** `unmeasured`: the row has a target but no ratio to compare with it: a miss, never a pass. */
export type Verdict = 'ok' | 'over' | 'under' | 'unmeasured' | 'n/a';

/** The rows whose target was missed or could not be judged (the bench exits 1 on any). */
export function missedTargets<R extends Pick<BenchRow, 'ratio' | 'target'>>(rows: readonly R[]): R[] {
  return rows.filter((r) => ['over', 'under', 'unmeasured'].includes(verdictOf(r)));
}

/** Whether the ratio's median meets the target. */
export function verdictOf(row: Pick<BenchRow, 'ratio' | 'target'>): Verdict {
  if (!row.target) return 'n/a';
  const m = row.ratio?.median;
  if (m === undefined || !Number.isFinite(m)) return 'unmeasured';
  if (row.target.op === '<=') return m <= row.target.value ? 'ok' : 'over';
  return m >= row.target.value ? 'ok' : 'under';
}

/** One value in a unit: `812 ms`, `1.87 Gbit/s`, `0.94`, `3.1%`. */
export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ms':
      return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
    case 'bit/s':
      if (value >= 1e9) return `${(value / 1e9).toFixed(2)} Gbit/s`;
      if (value >= 1e6) return `${(value / 1e6).toFixed(0)} Mbit/s`;
      return `${(value / 1e3).toFixed(0)} kbit/s`;
    case 'cpu':
      // CPU seconds per wall second: 0.031 → 3.1% of a core.
      return `${(value * 100).toFixed(value < 0.1 ? 2 : 1)}%`;
    case 'fraction':
    case 'ratio':
      return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(value < 0.1 ? 3 : 2);
  }
}

/** `812 ms (776–901)`; with one value just `812 ms`; `—` when not measured. */
export function formatStats(s: Stats | undefined, unit: Unit): string {
  if (!s) return '—';
  const mid = formatValue(s.median, unit);
  if (s.n === 1) return mid;
  // The range without repeating the unit.
  const bare = (v: number) => formatValue(v, unit).replace(/ (ms|s|Gbit\/s|Mbit\/s|kbit\/s)$/, '');
  return `${mid} (${bare(s.min)}–${bare(s.max)})`;
}

export function formatTarget(t: Target | undefined): string {
  return t ? `${t.op === '<=' ? '≤' : '≥'} ${t.value}` : '';
}

const VERDICT_TEXT: Record<Verdict, string> = { ok: 'ok', over: 'OVER', under: 'UNDER', unmeasured: 'NOT MEASURED', 'n/a': '' };

function cells(row: BenchRow): string[] {
  const value = row.baseline ? formatStats(row.baseline, row.baselineUnit ?? row.unit) : undefined;
  const baseline = value && row.baselineName ? `${row.baselineName}: ${value}` : (value ?? row.baselineName ?? '');
  const n = row.measured?.n ?? row.ratio?.n;
  return [
    row.figure,
    formatStats(row.measured, row.unit),
    baseline,
    formatStats(row.ratio, 'ratio'),
    formatTarget(row.target),
    VERDICT_TEXT[verdictOf(row)],
    n === undefined ? '' : String(n),
  ];
}

const HEAD = ['figure', 'measured', 'baseline (same run)', 'ratio', 'target', '', 'n'];

/** The terminal table, grouped by section, with the notes under it. */
export function renderTable(rows: readonly BenchRow[], opts: { width?: number } = {}): string {
  const table = new Table({
    head: HEAD,
    style: { head: [], border: [], compact: false },
    wordWrap: true,
    ...(opts.width ? { colWidths: [Math.max(24, opts.width - 110), 26, 34, 20, 8, 7, 4] } : {}),
  });
  let section: string | undefined;
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      table.push([{ content: `[${section}]`, colSpan: HEAD.length }]);
    }
    table.push(cells(row));
  }
  const notes = noteLines(rows);
  return table.toString() + (notes.length ? `\n${notes.join('\n')}` : '');
}

function noteLines(rows: readonly BenchRow[]): string[] {
  return rows.filter((r) => r.note).map((r) => `  * ${r.figure}: ${r.note}`);
}

/** The same rows as a Markdown table (for the README). */
export function renderMarkdown(rows: readonly BenchRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`| section | ${HEAD.slice(0, 5).join(' | ')} | |`, `| --- | --- | --- | --- | --- | --- | --- |`];
  for (const row of rows) {
    const c = cells(row);
    lines.push(`| ${[row.section, ...c.slice(0, 6)].map(esc).join(' | ')} |`);
  }
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}
