/**
 * result.json: the whole RunRecord (plan, environment, series, events, counters...) with the
 * checks and their summary on top, so `jq .summary.exitCode` and `jq '.checks[]'` are short,
 * and a report can be re-made from the file alone.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult, RunRecord } from '../model/record';
import { summarizeChecks } from './summary';

/** The result document: `{ summary, checks, ...record }`. */
export function renderResultJson(record: RunRecord, checks: readonly CheckResult[]): string {
  const doc = { summary: summarizeChecks(checks), checks, ...record };
  // Series are thousands of numbers: one line per array keeps the file greppable and small.
  return JSON.stringify(doc, null, 2).replace(/\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+|,\s+null)*)\s+\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, '')}]`) + '\n';
}

/** Writes `dir/result.json` and returns its path. */
export async function writeResultJson(dir: string, record: RunRecord, checks: readonly CheckResult[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'result.json');
  await writeFile(file, renderResultJson(record, checks));
  return file;
}
