/**
 * `npm run lab -- merge DIR|LOG... [--out DIR] [--json]`: one summary (console, summary.json,
 * summary.html, junit.xml) from the cells of a sweep's shards, CI artifacts or Kubernetes pod
 * logs. It is the code path an unsharded sweep ends with (lab/run/shard.ts summaryFromDirs),
 * so the same cells give the same variants, check names and verdicts. A missing cell fails
 * the summary (exit 1) and is named; cells of two different sweeps, or one cell twice, are
 * refused (exit 2).
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { UsageError } from '../../model/errors';
import { renderMatrixSummary, writeMatrixReports } from '../../report/matrix-summary';
import { summaryFromDirs } from '../../api/shard';
import type { CommandResult } from './command-result';

export async function mergeCommand(args: string[]): Promise<CommandResult> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { out: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('merge: expected one or more folders (or pod logs) of a sweep\'s cells');
  const summary = await summaryFromDirs(positionals);
  // run-lab's timestamp(), without loading the runtime: merging needs no Docker.
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
  const out = resolve(values.out ?? join('reports', summary.topology, `merged-${stamp}`));
  const files = await writeMatrixReports(out, summary);
  const stdout = values.json ? JSON.stringify({ ...summary, files }, null, 2) : renderMatrixSummary(summary, files);
  return { exitCode: summary.exitCode, stdout, stderr: '' };
}
