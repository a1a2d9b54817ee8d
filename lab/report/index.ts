/** lab/report: one writer per format, and the console summary. */
import type { CheckResult, RunRecord } from '../model/record';
import { writeHtmlReport } from './html-report';
import { writeJunit } from './junit';
import { writeResultJson } from './result-json';

export { renderSummaryTable } from './console-summary';
export { renderHtmlReport, writeHtmlReport } from './html-report';
export { renderJunit, writeJunit } from './junit';
export { renderResultJson, writeResultJson } from './result-json';
export { summarizeChecks, type ReportSummary } from './summary';

/** Writes result.json, junit.xml and report.html into `dir`; returns their paths in that order. */
export async function writeReports(dir: string, record: RunRecord, checks: readonly CheckResult[]): Promise<string[]> {
  return [await writeResultJson(dir, record, checks), await writeJunit(dir, record, checks), await writeHtmlReport(dir, record, checks)];
}
