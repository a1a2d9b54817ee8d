/**
 * compare.html: two runs on one self-contained page (Chart.js, data, styles and script
 * inline, as report.html): their aggregate, per-path and goodput series on one chart each,
 * and the table of every figure's delta.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { jsonForScript } from './chart-data';
import { COMPARE_CLIENT_JS } from './compare-client';
import { cellText, ratioText } from './compare-console';
import { buildCompareChartData, compareRuns, formatDelta, type Comparison, type RunDoc } from './compare-data';
import { asset, chartJsSource, scriptSafe } from './html-report';
import { escapeXml as h } from './xml';

const CSS = `
table.compare td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.compare tr.same td { color: #666; }
table.compare tr.verdict td { background: #fff3cd; }
.runs dd { font-family: ui-monospace, monospace; }
`;

function table(c: Comparison): string {
  const rows = c.rows
    .map((r) => {
      const cls = r.section === 'check' && r.statusA !== r.statusB ? 'verdict' : r.differs ? '' : 'same';
      return `<tr class="${cls}"><td>${h(r.section)}</td><td>${h(r.name)}</td><td class="num">${h(cellText(r, 'a'))}</td><td class="num">${h(cellText(r, 'b'))}</td><td class="num">${h(formatDelta(r.delta, r.unit))}</td><td class="num">${h(ratioText(r))}</td></tr>`;
    })
    .join('\n');
  return `<table class="compare"><thead><tr><th></th><th>figure</th><th>A</th><th>B</th><th>B − A</th><th>B / A</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** The whole page as one string. */
export function renderCompareHtml(a: RunDoc, b: RunDoc): string {
  const c = compareRuns(a, b);
  const changed = c.rows.filter((r) => r.section === 'check' && r.statusA !== r.statusB).length;
  const title = `${a.topology} ${a.runId} vs ${b.topology} ${b.runId}`;
  const chart = (id: string, what: string) =>
    `<div class="chart"><canvas id="${id}" role="img" aria-label="${h(what)} of run A (solid) and run B (dashed) over time, in Mbit/s"></canvas></div>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · mptcp-lab</title>
<style>${asset('report.css')}
${CSS}</style>
</head>
<body data-rendered="false">
<main>
<h1>${h(title)}</h1>
<dl class="facts runs">
<div><dt>A (solid lines)</dt><dd>${h(`${a.topology} · ${a.runId} · started ${a.startedAt}`)}</dd></div>
<div><dt>B (dashed lines)</dt><dd>${h(`${b.topology} · ${b.runId} · started ${b.startedAt}`)}</dd></div>
<div><dt>checks whose verdict changed</dt><dd>${changed}</dd></div>
</dl>
<p id="chart-error" hidden></p>
<h2>Aggregate link throughput</h2>
${chart('chart-aggregate', 'Aggregate link throughput')}
<h2>Per path</h2>
${chart('chart-paths', 'Link throughput per path')}
<h2>Application goodput</h2>
${chart('chart-goodput', 'Application goodput')}
<h2>Figures</h2>
<p class="muted">Every check's measured value and verdict, the transfer, MPTCP and path figures, and the MPTcpExt counters that differ. Highlighted: a verdict that changed; grey: equal.</p>
${table(c)}
</main>
<script type="application/json" id="compare-data">${jsonForScript(buildCompareChartData(a, b))}</script>
<script>${chartJsSource()}</script>
<script>${scriptSafe(COMPARE_CLIENT_JS)}</script>
</body>
</html>
`;
}

/** Writes the page to `file` (its folder made) and returns the path. */
export async function writeCompareHtml(file: string, a: RunDoc, b: RunDoc): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderCompareHtml(a, b));
  return file;
}
