/**
 * `compare RUN_A RUN_B [--out FILE] [--json]`: two runs side by side. Each run is a
 * result.json or the report folder holding one. Prints the table of every figure's delta and
 * writes one self-contained page (lab/report/compare-html.ts); --json prints the comparison.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors';
import { renderCompareTable } from '../../report/compare-console';
import { compareRuns, type RunDoc } from '../../report/compare-data';
import { writeCompareHtml } from '../../report/compare-html';
import type { CommandResult } from './command-result';
import { badInputResult } from './validate';

const USAGE = 'usage: npm run lab -- compare RUN_A RUN_B [--out FILE] [--json]   (each run: a result.json, or the report folder that has one)';

/** What a result.json must hold for a comparison. */
const REQUIRED = ['runId', 'topology', 'traffic', 'paths', 'aggregate', 'goodput', 'checks', 'counters', 'mptcp'] as const;

/** Reads a run from its result.json or its report folder; bad input is a UsageError naming the file. */
export function readRunDoc(arg: string): RunDoc {
  let file = resolve(arg);
  try {
    if (statSync(file).isDirectory()) file = join(file, 'result.json');
  } catch {
    throw new UsageError(`${arg}: no such file or folder`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no result.json there' : `not a result.json (${(e as Error).message})`}`);
  }
  const missing = REQUIRED.filter((k) => typeof doc !== 'object' || doc === null || !(k in doc));
  if (missing.length) throw new UsageError(`${file}: not a run's result.json (no ${missing.join(', ')})`);
  return doc as RunDoc;
}

const safe = (s: string) => s.replace(/[^\w.-]+/g, '_');

/** Runs `compare`. */
export async function compareCommand(args: string[]): Promise<CommandResult> {
  let a: RunDoc;
  let b: RunDoc;
  let out: string;
  let json: boolean;
  try {
    const parsed = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, json: { type: 'boolean' } } });
    if (parsed.positionals.length !== 2) throw new UsageError(`compare takes two runs; got ${parsed.positionals.length}`);
    a = readRunDoc(parsed.positionals[0]!);
    b = readRunDoc(parsed.positionals[1]!);
    json = parsed.values.json ?? false;
    out = resolve(parsed.values.out ?? join('reports', 'compare', `${safe(a.runId)}-vs-${safe(b.runId)}.html`));
    if (basename(out) === '' || out.endsWith('/')) throw new UsageError(`--out must name a file, got ${parsed.values.out}`);
  } catch (e) {
    return badInputResult(e instanceof UsageError ? e : new UsageError((e as Error).message), USAGE);
  }
  const comparison = compareRuns(a, b);
  const page = await writeCompareHtml(out, a, b);
  const stdout = json ? JSON.stringify({ ...comparison, page }, null, 2) : `${renderCompareTable(comparison)}\npage: ${page}`;
  return { exitCode: 0, stdout, stderr: '' };
}
