/**
 * Removes what crashed runs left behind, found by the project's labels and nothing else.
 * By default a lab whose owning process is still alive (another run in progress) is left
 * alone; `all` removes it too.
 */
import type Docker from 'dockerode';
import { LABELS } from './types';

export interface CleanOptions {
  /** Only this run id. */
  runId?: string;
  /** Also labs whose owner process is alive. */
  all?: boolean;
}

export interface CleanReport {
  containers: string[];
  networks: string[];
  skipped: string[];
  failures: string[];
}

function ownerAlive(labels: Record<string, string> | undefined): boolean {
  const pid = Number(labels?.[LABELS.owner]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes labelled leftovers: containers first (they hold the networks), then networks. */
export async function cleanLeftovers(docker: Docker, opts: CleanOptions = {}): Promise<CleanReport> {
  // A run id marks what a run created; images carry the project label too and every container
  // inherits its image's labels, so the project label alone would also match containers users
  // started by hand from the lab image.
  const filter = [`${LABELS.project}=mptcp-lab`, opts.runId ? `${LABELS.runId}=${opts.runId}` : LABELS.runId];
  const report: CleanReport = { containers: [], networks: [], skipped: [], failures: [] };
  const keep = (labels: Record<string, string> | undefined, name: string) => {
    if (!opts.all && ownerAlive(labels)) {
      report.skipped.push(`${name} (run ${labels?.[LABELS.runId]} is still running as pid ${labels?.[LABELS.owner]}; use --all)`);
      return true;
    }
    return false;
  };
  const containers = await docker.listContainers({ all: true, filters: { label: filter } });
  await Promise.all(
    containers.map(async (c) => {
      const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
      if (keep(c.Labels, name)) return;
      try {
        await docker.getContainer(c.Id).remove({ force: true, v: true });
        report.containers.push(name);
      } catch (e) {
        report.failures.push(`container ${name}: ${(e as Error).message}`);
      }
    }),
  );
  const networks = await docker.listNetworks({ filters: { label: filter } });
  await Promise.all(
    networks.map(async (n) => {
      if (keep(n.Labels, n.Name)) return;
      try {
        await docker.getNetwork(n.Id).remove();
        report.networks.push(n.Name);
      } catch (e) {
        report.failures.push(`network ${n.Name}: ${(e as Error).message}`);
      }
    }),
  );
  return report;
}

/** Lists the project's containers and networks, optionally of one run or of one owning process. */
export async function listLabObjects(docker: Docker, by: { runId?: string; ownerPid?: number } = {}): Promise<{ containers: string[]; networks: string[] }> {
  const filter = [
    `${LABELS.project}=mptcp-lab`,
    by.runId ? `${LABELS.runId}=${by.runId}` : LABELS.runId,
    ...(by.ownerPid ? [`${LABELS.owner}=${by.ownerPid}`] : []),
  ];
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: filter } }),
    docker.listNetworks({ filters: { label: filter } }),
  ]);
  return { containers: containers.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, '')), networks: networks.map((n) => n.Name) };
}
