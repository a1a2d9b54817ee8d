/** writeReports: result.json, junit.xml and report.html of one measurement, in a folder it creates. */
import { mkdir } from 'node:fs/promises';
import type { CheckResult, RunRecord } from '../model/record';
import { writeReports as writeReportFiles } from '../report';

/** Writes the three reports of `record` and `checks` into `dir` (made if missing); returns their paths. */
export async function writeReports(record: RunRecord, checks: readonly CheckResult[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return writeReportFiles(dir, record, checks);
}
