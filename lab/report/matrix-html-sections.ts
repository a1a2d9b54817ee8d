/**
 * The summary page's static sections (they read without JavaScript, and tests check them
 * without a browser). Every value goes through `h()`.
 */
import { relative, sep } from 'node:path';
import { variantCountsText, failingRuns, figureText, figureValue, sweepLines, timeFigures, variantVerdict } from './matrix-format';
import type { CheckTally, RunsSummary, VariantSummary } from '../model/summary';
import { escapeXml as h } from './xml';

const VERDICT_CLASS = { PASS: 'pass', FAIL: 'fail', FLAKY: 'flaky', 'NO CHECKS': 'skipped' } as const;
const TALLY_LABEL: Record<CheckTally['verdict'], string> = { pass: '✔ PASS', fail: '✘ FAIL', flaky: '≈ FLAKY', skipped: '– SKIP' };

/** Extra styles on top of report.css: the flaky badge and the compact grid. */
export const MATRIX_CSS = `.status.flaky { background: #b35900; color: #fff; }
tr.flaky td { background: var(--err-bg); }
td .range { display: block; color: var(--muted); font-size: 12px; }
table.grid td, table.grid th { text-align: center; }
table.grid td:first-child, table.grid th:first-child { text-align: left; }`;

const lines = (text: string) => text.split('\n').map(h).join('<br>');

/** `1.86 Gbit/s` with the `(min–max)` range under it. */
function figureCell(text: string): string {
  const [median = '', ...rest] = text.split('\n');
  return `${h(median)}${rest.length ? `<span class="range">${rest.map(h).join('<br>')}</span>` : ''}`;
}

/** Failover or recovery times, one per cut or restore (named by path when several), each with its range. */
function timesCell(v: VariantSummary, detail: 'failover time' | 'recovery time'): string {
  const times = timeFigures(v, detail);
  if (times.length === 0) return '–';
  return times.map((t) => `${times.length > 1 ? `${h(t.check.replace(/^[^:]+:/, ''))}: ` : ''}${figureCell(figureText(t.stats, '\n'))}`).join('<br>');
}

/** One row per variant: goodput, aggregate, failover and recovery times, checks, verdict. */
export function variantsTable(s: RunsSummary): string {
  const rows = s.variants.map((v) => {
    const verdict = variantVerdict(v);
    const runs = s.repeated ? `<td class="num">${v.runs.length} (${v.runs.filter((r) => r.exitCode === 0).length} passed)</td>` : '';
    const flaky = s.repeated ? `<td class="mono">${lines(Object.entries(v.checks).filter(([, t]) => t.flaky).map(([n]) => n).join('\n') || '–')}</td>` : '';
    return `<tr class="${VERDICT_CLASS[verdict]}"><td class="mono">${h(v.label)}</td>${runs}` +
      `<td class="num">${figureCell(figureText(v.figures['goodput'], '\n'))}</td><td class="num">${figureCell(figureText(v.figures['aggregate'], '\n'))}</td>` +
      `<td class="num">${timesCell(v, 'failover time')}</td><td class="num">${timesCell(v, 'recovery time')}</td>` +
      `<td>${h(variantCountsText(v))}</td>${flaky}<td><span class="status ${VERDICT_CLASS[verdict]}">${h(verdict)}</span></td></tr>`;
  });
  const head = ['variant', ...(s.repeated ? ['runs'] : []), s.repeated ? 'goodput (min–max)' : 'goodput', 'aggregate (link)', 'failover time', 'recovery time', 'checks', ...(s.repeated ? ['flaky'] : []), 'verdict'];
  return `<table id="variants"><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Checks down, variants across: each cell the check's verdict there (with pass counts over repeats). */
export function checksGrid(s: RunsSummary): string {
  const names = [...new Set(s.variants.flatMap((v) => Object.keys(v.checks)))];
  if (names.length === 0) return '<p class="muted">The plan has no checks.</p>';
  const cell = (v: VariantSummary, name: string) => {
    const t = v.checks[name];
    if (!t) return '<td class="muted">–</td>';
    const of = t.runs.length > 1 ? ` ${t.passed}/${t.runs.length}` : '';
    const title = t.runs.map((r, i) => `run ${i + 1}: ${r.status} ${r.measured}`).join('\n');
    return `<td title="${h(title)}"><span class="status ${t.verdict}">${TALLY_LABEL[t.verdict]}${h(of)}</span><span class="range">${h(figureText(v.figures[`check:${name}`]))}</span></td>`;
  };
  const rows = names.map((n) => `<tr><td class="mono">${h(n)}</td>${s.variants.map((v) => cell(v, n)).join('')}</tr>`);
  return `<table id="check-grid" class="grid"><thead><tr><th>check</th>${s.variants.map((v) => `<th class="mono">${h(v.label)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Every failed or flaky check, with each failing run's message. */
export function problemsList(s: RunsSummary): string {
  const items = s.variants.flatMap((v) => Object.entries(v.checks).filter(([, t]) => t.verdict === 'fail' || t.verdict === 'flaky').map(([name, t]) => {
    const runs = failingRuns(t).map((i) => `<li>run ${i}: ${h(t.runs[i - 1]?.message ?? '')}</li>`).join('');
    const head = t.flaky ? `flaky: passed ${t.passed} of ${t.runs.length} runs` : `failed${t.runs.length > 1 ? ` in ${t.failed + t.errors} of ${t.runs.length} runs` : ''}`;
    return `<li><span class="mono">${h(name)}</span> [${h(v.label)}]: ${h(head)}; expected ${h(t.expected)}<ul class="details">${runs}</ul></li>`;
  }));
  return items.length ? `<ul id="problems">${items.join('')}</ul>` : '<p class="muted">None: every check passed in every run.</p>';
}

/** Per variant, every figure with min/median/max and how many runs measured it. */
export function figuresSections(s: RunsSummary): string {
  return s.variants.map((v) => {
    const rows = Object.entries(v.figures).map(([k, f]) =>
      `<tr><td class="mono">${h(k)}</td><td class="num">${h(figureValue(f.min, f.unit))}</td><td class="num">${h(figureValue(f.median, f.unit))}</td><td class="num">${h(figureValue(f.max, f.unit))}</td><td class="num">${f.n}</td></tr>`);
    return `<details><summary>${h(v.label)}: ${v.runs.length} run${v.runs.length === 1 ? '' : 's'}</summary><table class="figures"><thead><tr><th>figure</th><th>min</th><th>median</th><th>max</th><th>runs</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
  }).join('');
}

/** Each run with a link to its own report.html, relative to the summary's folder. */
export function runsList(s: RunsSummary, baseDir: string | undefined): string {
  const link = (outDir: string | undefined) => {
    if (!outDir || !baseDir) return '';
    const rel = relative(baseDir, outDir).split(sep).map(encodeURIComponent).join('/');
    return ` · <a href="${h(rel ? `${rel}/report.html` : 'report.html')}">report</a>`;
  };
  const items = s.variants.flatMap((v) => v.runs.map((r, i) =>
    `<li>${h(v.label)} #${i + 1}: <span class="mono">${h(r.runId)}</span> ${r.exitCode === 0 ? 'passed' : 'failed'}${r.engine !== undefined && (s.engines?.length ?? 0) > 1 ? ` on ${h(r.engine)}` : ''}${link(r.outDir)}</li>`));
  return `<ul id="runs">${items.join('')}</ul>`;
}

/** Engines, moved and missing cells (the console's lines), when the sweep has any to tell. */
export function sweepSection(s: RunsSummary): string {
  const lines = sweepLines(s);
  if (lines.length === 0) return '';
  return `<h2>Engines and cells</h2>\n<ul id="sweep">${lines.map((l) => `<li${l.startsWith('MISSING') ? ' class="fail"' : ''}>${h(l)}</li>`).join('')}</ul>`;
}
