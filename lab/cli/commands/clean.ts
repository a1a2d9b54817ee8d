/** `npm run lab -- clean [--run ID] [--all]`: removes what crashed runs left, by label only. */
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors';
import { cleanLeftovers } from '../../runtime/clean';
import { connectDocker } from '../../runtime/docker-client';
import type { CommandResult } from '../main';

/** Removes labelled leftovers and says what it removed. */
export async function cleanCommand(args: string[]): Promise<CommandResult> {
  let values: { run?: string; all?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { run: { type: 'string' }, all: { type: 'boolean' } }, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.run !== undefined && !/^[a-z0-9]{4,32}$/.test(values.run)) throw new UsageError(`--run: not a run id: "${values.run}"`);
  const docker = await connectDocker();
  const report = await cleanLeftovers(docker, { runId: values.run, all: values.all });
  const lines = [
    ...report.containers.map((c) => `removed container ${c}`),
    ...report.networks.map((n) => `removed network ${n}`),
    ...report.skipped.map((s) => `left alone ${s}`),
  ];
  if (lines.length === 0) lines.push('nothing to clean: no mptcp-lab containers or networks');
  return { exitCode: report.failures.length ? 4 : 0, stdout: lines.join('\n'), stderr: report.failures.join('\n') };
}
