/**
 * Leftovers of netns labs, found by name alone (a crashed run has no Teardown any more):
 * namespaces `mlab-<run>-<host>` under /run/netns, root-side veths `mlv<run>…`, and the
 * processes still inside those namespaces. A lab's holders and commands carry a
 * parent-death signal, so a namespace of a dead run holds no process; one that does is a
 * live run's and is left alone unless `all`.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { runHostCommand } from '../exec';
import { runIdOf } from './layout';
import { killNetnsProcesses, netnsInode, pidsInNetns } from './process';

const NETNS_DIR = '/run/netns';
const SYS_NET = '/sys/class/net';

export interface NetnsLeftovers {
  namespaces: string[];
  veths: string[];
  /** PIDs inside those namespaces, by namespace. */
  processes: Record<string, number[]>;
}

export interface NetnsCleanReport {
  namespaces: string[];
  veths: string[];
  /** PIDs killed. */
  processes: number[];
  skipped: string[];
  failures: string[];
}

/** What netns labs (all, or one run's) have in this machine now. */
export async function listNetnsLeftovers(runId?: string): Promise<NetnsLeftovers> {
  const ours = (name: string) => {
    const id = runIdOf(name);
    return id !== undefined && (runId === undefined || id === runId);
  };
  const [nsNames, ifnames] = await Promise.all([readdir(NETNS_DIR).catch(() => [] as string[]), readdir(SYS_NET).catch(() => [] as string[])]);
  const namespaces = nsNames.filter((n) => n.startsWith('mlab-') && ours(n)).sort();
  const veths = ifnames.filter((n) => n.startsWith('mlv') && ours(n)).sort();
  const processes: Record<string, number[]> = {};
  for (const ns of namespaces) {
    const inode = await netnsInode(`${NETNS_DIR}/${ns}`);
    const pids = inode === undefined ? [] : await pidsInNetns(inode);
    if (pids.length > 0) processes[ns] = pids;
  }
  return { namespaces, veths, processes };
}

/**
 * Removes netns-lab leftovers: the processes in their namespaces, the namespaces, the
 * root-side veths. Runs whose namespaces still hold processes are skipped unless `all`.
 */
export async function cleanNetnsLeftovers(opts: { runId?: string; all?: boolean } = {}): Promise<NetnsCleanReport> {
  const found = await listNetnsLeftovers(opts.runId);
  const report: NetnsCleanReport = { namespaces: [], veths: [], processes: [], skipped: [], failures: [] };
  const live = new Set(opts.all ? [] : Object.keys(found.processes).map((ns) => runIdOf(ns)!));
  for (const ns of found.namespaces) {
    const run = runIdOf(ns)!;
    if (live.has(run)) {
      report.skipped.push(`${ns} (processes ${found.processes[ns]?.join(', ') ?? ''} still run in run ${run}; use --all)`);
      continue;
    }
    const inode = await netnsInode(`${NETNS_DIR}/${ns}`);
    if (inode !== undefined) {
      const pids = found.processes[ns] ?? [];
      const left = await killNetnsProcesses(inode);
      report.processes.push(...pids.filter((p) => !left.includes(p)));
      if (left.length > 0) report.failures.push(`${ns}: processes ${left.join(', ')} survived SIGKILL`);
    }
    const r = await runHostCommand(['ip', 'netns', 'del', ns], { timeoutMs: 10_000 });
    if (r.exitCode === 0) report.namespaces.push(ns);
    else report.failures.push(`netns ${ns}: ${r.stderr.trim()}`);
  }
  for (const veth of found.veths) {
    if (live.has(runIdOf(veth)!)) continue;
    const r = await runHostCommand(['ip', 'link', 'del', 'dev', veth], { timeoutMs: 10_000 });
    // Deleting a namespace takes its veth pairs with it, a moment later: gone is fine.
    if (r.exitCode === 0 || !existsSync(`${SYS_NET}/${veth}`)) report.veths.push(veth);
    else report.failures.push(`veth ${veth}: ${r.stderr.trim()}`);
  }
  return report;
}
