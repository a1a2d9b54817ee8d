/**
 * The console's end-of-run summary: a table of checks with their numbers, the failures'
 * messages, then one line with what the transfer did and where the reports are.
 */
import Table from 'cli-table3';
import type { CheckResult, RunRecord } from '../model/record';
import { formatDuration, formatRate, formatSize } from '../model/units';
import { countsText, gainText, samplingText, summarizeChecks, verdictWord } from './summary';

const STATUS: Record<CheckResult['status'], string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };
const CAPS = [24, 8, 46, 36];

/** The summary text (no colours: it also goes to CI logs); `files` are the written report paths. */
export function renderSummaryTable(record: RunRecord, checks: readonly CheckResult[], files: readonly string[] = []): string {
  const rows = checks.map((c) => [c.name, STATUS[c.status], c.expected, c.measured]);
  const head = ['check', 'status', 'expected', 'measured'];
  // Fit columns to their content, but wrap the long bounds rather than overflow a terminal.
  const colWidths = head.map((_, i) => Math.min(CAPS[i] ?? 40, Math.max(...[head, ...rows].map((r) => (r[i] ?? '').length)) + 2));
  const table = new Table({ head, colWidths, wordWrap: true, style: { head: [], border: [] } });
  table.push(...rows);

  // Skipped checks are listed with their reason too: a check that did not run must say why.
  const problems = checks
    .filter((c) => c.status !== 'pass')
    .map((c) => `  ${STATUS[c.status]} ${c.name}: ${c.message}`);
  const sampler = samplingText(record.sampling);
  const t = record.traffic;
  const m = record.mptcp;
  const mptcp = m.clientCapable && m.serverCapable && !m.fellBack ? `MPTCP, ${m.maxSubflows} subflow${m.maxSubflows === 1 ? '' : 's'} at most` : `not MPTCP (${m.fellBack ? 'fell back to TCP' : 'no MPCapable handshake'}: ${m.reason})`;
  const bytes = `${formatSize(t.bytesReceived)}${t.bytesExpected !== undefined ? ` of ${formatSize(t.bytesExpected)}` : ''}`;
  const summary = summarizeChecks(checks);
  return [
    checks.length ? table.toString() : '(no checks)',
    ...problems,
    `${verdictWord(summary)}: ${countsText(summary)}`,
    `goodput ${formatRate(t.goodputBps)}, ${bytes} in ${formatDuration(t.endedMs - t.startedMs)}${t.completed ? '' : ' (incomplete)'}; ${mptcp}`,
    ...(sampler ? [sampler] : []),
    ...(record.baseline ? [gainText(record.baseline, formatRate)] : []),
    ...(files.length ? [`reports: ${files.join('  ')}`] : []),
  ].join('\n');
}
