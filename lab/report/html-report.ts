/**
 * report.html: one self-contained page (Chart.js, data, styles and script inline; no network),
 * so a report can be mailed, archived as a CI artifact, or opened from file://.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckResult, RunRecord } from '../model/record';
import { formatDuration, formatRate, formatSize } from '../model/units';
import { buildChartData, jsonForScript, pathColors } from './chart-data';
import { checksTable, countersTable, eventsTable, logSections, notesAndEnvironment, topologyTables } from './html-sections';
import { countsText, gainText, samplingText, summarizeChecks, verdictWord } from './summary';
import { escapeXml as h } from './xml';

let chartJs: string | undefined;

/** The Chart.js UMD build, read once; its package exports do not expose dist/, so it is found beside the CommonJS entry. */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    const dist = dirname(require.resolve('chart.js'));
    let text: string;
    try {
      text = readFileSync(join(dist, 'chart.umd.min.js'), 'utf8');
    } catch {
      text = readFileSync(join(dist, 'chart.umd.js'), 'utf8');
    }
    chartJs = scriptSafe(text);
  }
  return chartJs;
}

/** Script text that cannot close its `<script>` element early. */
export function scriptSafe(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

/** The text of a file in lab/report/assets. */
export const asset = (name: string) => readFileSync(join(__dirname, 'assets', name), 'utf8');

function facts(record: RunRecord, checks: readonly CheckResult[]): string {
  const t = record.traffic;
  const m = record.mptcp;
  const mptcp = m.clientCapable && m.serverCapable && !m.fellBack ? 'MPTCP on both ends' : m.fellBack ? 'fell back to TCP' : 'not MPTCP';
  const integrity = t.integrity === null ? 'not verifiable' : t.integrity.ok ? 'SHA-256 equal' : 'SHA-256 differs';
  const items: Array<[string, string]> = [
    ['goodput (whole transfer)', formatRate(t.goodputBps)],
    ['bytes received', `${formatSize(t.bytesReceived)}${t.bytesExpected !== undefined ? ` of ${formatSize(t.bytesExpected)}` : ''}`],
    ['duration', formatDuration(t.endedMs - t.startedMs)],
    ['transfer', `${t.completed ? 'completed' : 'incomplete'}, ${integrity}${t.resumes ? `, ${t.resumes} resumes` : ''}`],
    ['MPTCP', mptcp],
    ['subflows at most', String(m.maxSubflows)],
    ['tool', `${t.tool} over ${t.protocol}, ${t.sender} → ${t.receiver}`],
    ['checks', countsText(summarizeChecks(checks))],
  ];
  if (record.baseline) items.push(['vs plain TCP', gainText(record.baseline, formatRate)]);
  const sampler = samplingText(record.sampling);
  if (sampler) items.push(['sampling', sampler.replace(/^sampler: /, '')]);
  return `<dl class="facts">${items.map(([k, v]) => `<div><dt>${h(k)}</dt><dd>${h(v)}</dd></div>`).join('')}</dl>` +
    `<p class="muted">MPTCP verdict: ${h(m.reason)}${t.error ? ` · tool error: ${h(t.error)}` : ''}</p>`;
}

/** The whole page as one string. */
export function renderHtmlReport(record: RunRecord, checks: readonly CheckResult[]): string {
  const summary = summarizeChecks(checks);
  const word = verdictWord(summary);
  const banner = word === 'PASS' ? 'pass' : word === 'FAIL' ? 'fail' : 'none';
  const colors = pathColors(record);
  const title = `${record.topology}: ${word}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · mptcp-lab</title>
<style>${asset('report.css')}</style>
</head>
<body data-rendered="false">
<div class="verdict ${banner}" id="verdict">${word}<span class="counts">${h(countsText(summary))}</span></div>
<main>
<h1>${h(record.topology)}</h1>
<p class="description">${h(record.plan.description)}</p>
<p class="meta">run <span class="mono">${h(record.runId)}</span> · started ${h(record.startedAt)} · ${h(record.plan.source)}</p>
${facts(record, checks)}
<h2>Throughput</h2>
<p id="chart-error" hidden></p>
<div class="chart"><canvas id="chart-throughput" role="img" aria-label="Per-path and aggregate link throughput and application goodput over time, in Mbit/s, with cut and restore markers"></canvas></div>
<p class="muted">Link throughput per path in the data direction (headers included), their sum, and application goodput. Shaded: a path's outage, from its cut (solid line) to its restore (dashed line).</p>
<h2>Subflows</h2>
<div class="chart small"><canvas id="chart-subflows" role="img" aria-label="Established subflows over time"></canvas></div>
${subflowCharts(record)}
<h2>Checks</h2>
${checksTable(checks)}
<h2>Topology</h2>
${topologyTables(record, colors)}
<h2>Events</h2>
${eventsTable(record, colors)}
<h2>MPTCP counters</h2>
${countersTable(record)}
${logSections(record)}
${notesAndEnvironment(record)}
</main>
<script type="application/json" id="lab-data">${jsonForScript(buildChartData(record))}</script>
<script>${chartJsSource()}</script>
<script>${scriptSafe(asset('report-client.js'))}</script>
</body>
</html>
`;
}

/** Writes `dir/report.html` and returns its path. */
export async function writeHtmlReport(dir: string, record: RunRecord, checks: readonly CheckResult[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'report.html');
  await writeFile(file, renderHtmlReport(record, checks));
  return file;
}

/** The sender's per-subflow RTT and cwnd charts, when the record has the series (the client draws them). */
function subflowCharts(record: RunRecord): string {
  const sender = (record.subflowSeries ?? []).filter((s) => s.host === record.traffic.sender);
  if (sender.length === 0) return '';
  return `<h2>Inside the connection: ${h(record.traffic.sender)}'s subflows</h2>
<div class="chart small"><canvas id="chart-subflow-rtt" role="img" aria-label="Each subflow's smoothed RTT over time, in ms"></canvas></div>
<div class="chart small"><canvas id="chart-subflow-cwnd" role="img" aria-label="Each subflow's congestion window over time, in segments"></canvas></div>
<div class="chart small"><canvas id="chart-subflow-retrans" role="img" aria-label="Segments each subflow retransmitted so far, and MPTCP's own re-sends (MPTCPRetrans), over time"></canvas></div>
<p class="muted">Read from the sender's own sockets (ss -ti in its namespace) on the lab clock, with the same cut and restore markers: an RTO backoff or a collapsed cwnd on the cut path is where stranded data waits. The retransmit chart counts from the start: a subflow's own re-sends (TCP) beside MPTCP's re-sends of data stranded on another subflow (MPTCPRetrans, from the sender's counters).</p>`;
}
