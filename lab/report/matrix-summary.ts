/**
 * The end of a matrix or repeat run: a console table with one row per variant, and the
 * three files beside the runs' own reports (summary.json, junit.xml, summary.html).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Table from 'cli-table3';
import { renderMatrixHtml } from './matrix-html';
import { renderMatrixJunit } from './matrix-junit';
import { variantCountsText, figureText, overallCounts, overallVerdict, problemLines, summaryTitle, sweepLines, timesText, variantVerdict } from './matrix-format';
import type { RunsSummary, VariantSummary } from '../model/summary';

const CAPS: Record<string, number> = { variant: 30, checks: 30, flaky: 28 };

function row(v: VariantSummary, repeated: boolean): string[] {
  const flaky = Object.entries(v.checks).filter(([, t]) => t.flaky).map(([name]) => name);
  return [
    v.label,
    ...(repeated ? [`${v.runs.length} (${v.runs.filter((r) => r.exitCode === 0).length} passed)`] : []),
    figureText(v.figures['goodput'], '\n'),
    figureText(v.figures['aggregate'], '\n'),
    timesText(v, 'failover time', '\n'),
    timesText(v, 'recovery time', '\n'),
    variantCountsText(v),
    ...(repeated ? [flaky.join('\n') || '–'] : []),
    variantVerdict(v),
  ];
}

/** The console text (no colours: it also lands in CI logs); `files` are the written summary paths. */
export function renderMatrixSummary(summary: RunsSummary, files: readonly string[] = []): string {
  const r = summary.repeated;
  const head = ['variant', ...(r ? ['runs'] : []), r ? 'goodput median (min–max)' : 'goodput', 'aggregate (link)', 'failover time', 'recovery time', 'checks', ...(r ? ['flaky'] : []), 'verdict'];
  const rows = summary.variants.map((v) => row(v, r));
  // Fit each column to its longest line, capping the wordy ones so a terminal row stays readable.
  const colWidths = head.map((name, i) => {
    const widest = Math.max(...[head, ...rows].flatMap((cells) => (cells[i] ?? '').split('\n').map((l) => l.length)));
    return Math.min(CAPS[name] ?? 40, widest + 2);
  });
  const table = new Table({ head, colWidths, wordWrap: true, style: { head: [], border: [] } });
  table.push(...rows);
  return [
    summaryTitle(summary),
    table.toString(),
    ...problemLines(summary).map((l) => `  ${l}`),
    ...sweepLines(summary),
    `${overallVerdict(summary)}: ${overallCounts(summary)}`,
    ...(files.length ? [`reports: ${files.join('  ')}`] : []),
  ].join('\n');
}

/** Writes summary.json, junit.xml and summary.html into `dir` (the runs' reports sit below it); returns their paths. */
export async function writeMatrixReports(dir: string, summary: RunsSummary): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
    ['junit.xml', renderMatrixJunit(summary)],
    ['summary.html', renderMatrixHtml(summary, { baseDir: dir })],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
