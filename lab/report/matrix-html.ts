/**
 * summary.html: one self-contained page for a matrix or repeat run (Chart.js, data, styles
 * and script inline, as report.html), linking to each run's own report.
 */
import { GOODPUT_COLOR, jsonForScript } from './chart-data';
import { asset, chartJsSource, scriptSafe } from './html-report';
import { MATRIX_CLIENT_JS } from './matrix-client';
import { overallCounts, overallVerdict, summaryTitle } from './matrix-format';
import { checksGrid, figuresSections, MATRIX_CSS, problemsList, runsList, sweepSection, variantsTable } from './matrix-html-sections';
import type { RunsSummary } from '../model/summary';
import { escapeXml as h } from './xml';

/** What the goodput chart draws: medians as bars, [min, max] as whiskers, in Mbit/s. */
export interface MatrixChartData {
  /** Each label split into lines (one setting per line) so long ones do not collide. */
  labels: string[][];
  medians: number[];
  /** null when the variant has no goodput, or a single run (nothing to spread). */
  ranges: Array<[number, number] | null>;
  runs: number[];
  color: string;
}

const mbit = (bps: number) => Math.round(bps / 1e3) / 1e3;

/** The chart's data, compacted (Mbit/s to three decimals). */
export function buildMatrixChartData(s: RunsSummary): MatrixChartData {
  return {
    labels: s.variants.map((v) => v.label.split(' ')),
    medians: s.variants.map((v) => mbit(v.figures['goodput']?.median ?? 0)),
    ranges: s.variants.map((v) => {
      const g = v.figures['goodput'];
      return g && g.n > 1 ? [mbit(g.min), mbit(g.max)] : null;
    }),
    runs: s.variants.map((v) => v.runs.length),
    color: GOODPUT_COLOR,
  };
}

/** The whole page; `baseDir` (where it is written) makes the links to the runs' reports relative. */
export function renderMatrixHtml(s: RunsSummary, opts: { baseDir?: string } = {}): string {
  const word = overallVerdict(s);
  const banner = word === 'PASS' ? 'pass' : word === 'FAIL' ? 'fail' : 'none';
  const title = summaryTitle(s);
  const starts = s.variants.flatMap((v) => v.runs.map((r) => r.startedAt)).sort();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`${title}: ${word}`)} · mptcp-lab</title>
<style>${asset('report.css')}
${MATRIX_CSS}</style>
</head>
<body data-rendered="false">
<div class="verdict ${banner}" id="verdict">${word}<span class="counts">${h(overallCounts(s))}</span></div>
<main>
<h1>${h(title)}</h1>
<p class="meta">${s.runs} run${s.runs === 1 ? '' : 's'}${starts.length ? ` · from ${h(starts[0] ?? '')} to ${h(starts[starts.length - 1] ?? '')}` : ''}${s.repeated ? ' · a check that passed in some runs and failed in others is flaky, and fails the summary' : ''}</p>
<h2>Goodput per variant</h2>
<p id="chart-error" hidden></p>
<div class="chart"><canvas id="chart-goodput" role="img" aria-label="Median application goodput per variant in Mbit/s, with min–max whiskers over the runs"></canvas></div>
<p class="muted">Bars: application goodput over the whole transfer (median of the runs); whiskers: the lowest and highest run.</p>
<h2>Variants</h2>
${variantsTable(s)}
<h2>Checks by variant</h2>
${checksGrid(s)}
<h2>Failed and flaky checks</h2>
${problemsList(s)}
<h2>Figures</h2>
${figuresSections(s)}
<h2>Runs</h2>
${runsList(s, opts.baseDir)}
${sweepSection(s)}
</main>
<script type="application/json" id="matrix-data">${jsonForScript(buildMatrixChartData(s))}</script>
<script>${chartJsSource()}</script>
<script>${scriptSafe(MATRIX_CLIENT_JS)}</script>
</body>
</html>
`;
}
