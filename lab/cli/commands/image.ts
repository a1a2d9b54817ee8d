/**
 * `image [--force] [--json] [--verbose]`: builds the lab host image (or says it is there),
 * with progress on stderr while it works, then prints the tag and how long it took.
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { UsageError } from '../../model/errors';
import { formatDuration } from '../../model/units';
import { ensureLabImage, isProgressMilestone } from '../../image/build';
import type { CommandResult } from './command-result';

/** Runs `image`; progress goes to `io.stderr` live (a bar on a terminal, step lines otherwise). */
export async function imageCommand(args: string[], io: { stderr: NodeJS.WriteStream } = { stderr: process.stderr }): Promise<CommandResult> {
  let values: { force?: boolean; json?: boolean; verbose?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { force: { type: 'boolean' }, json: { type: 'boolean' }, verbose: { type: 'boolean' } } }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: lab image [--force] [--json] [--verbose]`);
  }
  const bar = io.stderr.isTTY && !values.verbose ? new SingleBar({ format: 'lab image [{bar}] {percentage}% {step}', stream: io.stderr, hideCursor: true, clearOnComplete: true }) : undefined;
  let barStarted = false;
  let done = 0;
  const onProgress = (msg: string, fraction?: number): void => {
    if (bar) {
      const step = msg.length > 60 ? `${msg.slice(0, 57)}...` : msg;
      if (!barStarted) bar.start(100, 0, { step });
      barStarted = true;
      done = fraction ?? done;
      bar.update(Math.round(done * 100), { step });
    } else if (values.verbose || isProgressMilestone(msg)) {
      io.stderr.write(`${msg}\n`);
    }
  };
  try {
    const r = await ensureLabImage({ force: values.force, onProgress });
    if (values.json) return { exitCode: 0, stdout: JSON.stringify(r) + '\n', stderr: '' };
    const how = r.built
      ? `built in ${formatDuration(r.ms)}${r.base && r.base.how !== 'present' ? ` (base image: ${r.base.how}, ${formatDuration(r.base.ms)})` : ''}`
      : `present (checked in ${formatDuration(r.ms)})`;
    return { exitCode: 0, stdout: `${r.tag} ${how}\n`, stderr: '' };
  } finally {
    if (barStarted) bar?.stop();
  }
}
