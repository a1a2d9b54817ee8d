/**
 * `list [--dir DIR]`: every topology in topologies/*.yaml with the first line of its
 * description. A topology that does not load is listed as `INVALID: <first problem>` and
 * makes the exit code 2, so CI notices a broken file even if no test runs it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblem, TopologyError, UsageError } from '../../model/errors';
import { listTopologyFiles, loadTopologyFile, TOPOLOGIES_DIR } from '../../loader';
import type { CommandResult } from './command-result';
import { badInputResult } from './validate';

/** Runs `list`: one line per topology; exit 2 when any is invalid. */
export async function listCommand(args: string[]): Promise<CommandResult> {
  let dir: string;
  try {
    const parsed = parseArgs({ args, options: { dir: { type: 'string' } } });
    dir = path.resolve(parsed.values.dir ?? TOPOLOGIES_DIR);
  } catch (e) {
    return badInputResult(new UsageError((e as Error).message), 'usage: lab list [--dir DIR]');
  }
  const files = listTopologyFiles(dir);
  if (files.length === 0) return { exitCode: 0, stdout: `no topologies in ${dir}\n`, stderr: '' };
  const rows: [string, string][] = [];
  let invalid = 0;
  for (const file of files) {
    const base = path.basename(file, '.yaml');
    try {
      const plan = loadTopologyFile(file);
      rows.push([plan.name, plan.description.split('\n')[0]?.trim() ?? '']);
    } catch (err) {
      if (!(err instanceof TopologyError)) throw err;
      invalid++;
      const first = err.problems[0];
      rows.push([base, `INVALID: ${first ? formatProblem(first) : err.message}`]);
    }
  }
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  const stdout = rows.map(([name, text]) => `${name.padEnd(width)}${text}\n`).join('');
  return { exitCode: invalid > 0 ? 2 : 0, stdout, stderr: invalid > 0 ? `${invalid} invalid topolog${invalid === 1 ? 'y' : 'ies'}\n` : '' };
}
