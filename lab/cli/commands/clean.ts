/**
 * `npm run lab -- clean [--run ID] [--all]`: removes what crashed runs left, found by label
 * or name only: Docker containers and networks (by label), netns labs' namespaces, veths and
 * processes (by name, lab/runtime/netns/clean.ts), and QEMU guests of the VM runtime whose
 * owner process is dead (by their `-name mptcp-lab-vm.<owner pid>`; --all: every lab guest),
 * and bootstrapped trees (mmdebstrap or debootstrap) of a killed base-image build (`mptcp-lab-rootfs-<pid>-*` in the temp
 * directory, maker gone; --all: every one). Without a Docker engine the others are still cleaned.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors';
import { leftoverTrees, removeTree } from '../../image/base-tree';
import { cleanLeftovers } from '../../runtime/clean';
import { connectDocker } from '../../runtime/docker-client';
import { cleanNetnsLeftovers } from '../../runtime/netns/clean';
import { killGroup, listLabGuests } from '../../runtime/vm';
import type { CommandResult } from './command-result';

/** Whether a process exists (EPERM: it does, someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills the lab's QEMU guests whose owner is gone (all of them with `all`); returns what it did. */
export async function cleanLabGuests(all = false): Promise<{ killed: string[]; skipped: string[]; failures: string[] }> {
  const out = { killed: [] as string[], skipped: [] as string[], failures: [] as string[] };
  for (const g of listLabGuests()) {
    if (!all && processAlive(g.ownerPid)) {
      out.skipped.push(`QEMU guest ${g.pid} (its lab process ${g.ownerPid} is running; use --all)`);
      continue;
    }
    killGroup(g.pid);
    try {
      process.kill(g.pid, 'SIGKILL');
    } catch {
      /* gone with its group */
    }
    for (let i = 0; i < 40 && processAlive(g.pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (processAlive(g.pid)) out.failures.push(`QEMU guest ${g.pid} survived SIGKILL`);
    else out.killed.push(`QEMU guest ${g.pid} (owner ${g.ownerPid}${processAlive(g.ownerPid) ? ', running: --all' : ', gone'})`);
  }
  return out;
}

/** Removes leftovers and says what it removed. */
export async function cleanCommand(args: string[]): Promise<CommandResult> {
  let values: { run?: string; all?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { run: { type: 'string' }, all: { type: 'boolean' } }, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.run !== undefined && !/^[a-z0-9]{4,32}$/.test(values.run)) throw new UsageError(`--run: not a run id: "${values.run}"`);
  const lines: string[] = [];
  const failures: string[] = [];
  let docker: Awaited<ReturnType<typeof connectDocker>> | undefined;
  try {
    docker = await connectDocker();
  } catch (e) {
    lines.push(`no Docker engine: containers and networks not checked (${(e as Error).message.split('\n')[0]})`);
  }
  if (docker) {
    const report = await cleanLeftovers(docker, { runId: values.run, all: values.all });
    lines.push(...report.containers.map((c) => `removed container ${c}`), ...report.networks.map((n) => `removed network ${n}`), ...report.skipped.map((s) => `left alone ${s}`));
    failures.push(...report.failures);
  }
  const netns = await cleanNetnsLeftovers({ runId: values.run, all: values.all });
  lines.push(
    ...netns.processes.map((p) => `killed process ${p} (in a netns lab)`),
    ...netns.namespaces.map((n) => `removed namespace ${n}`),
    ...netns.veths.map((v) => `removed veth ${v}`),
    ...netns.skipped.map((s) => `left alone ${s}`),
  );
  failures.push(...netns.failures);
  // A guest belongs to no run id: --run leaves guests alone.
  if (values.run === undefined) {
    const guests = await cleanLabGuests(values.all);
    lines.push(...guests.killed.map((g) => `killed ${g}`), ...guests.skipped.map((s) => `left alone ${s}`));
    failures.push(...guests.failures);
  }
  if (values.run === undefined) {
    for (const tree of leftoverTrees({ all: values.all })) {
      if (removeTree(tree, (line) => failures.push(line))) lines.push(`removed base-image tree ${tree} (a base-image build that did not finish)`);
    }
  }
  if (!lines.some((l) => !l.startsWith('no Docker engine'))) lines.push('nothing to clean: no mptcp-lab containers, networks, namespaces, QEMU guests or base-image trees');
  return { exitCode: failures.length ? 4 : 0, stdout: lines.join('\n'), stderr: failures.join('\n') };
}
