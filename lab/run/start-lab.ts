/**
 * The library entry for suites: a lab from a topology name, a file or a Plan, with the
 * host probed and the image ensured first. `await using lab = await startLab('two-vlan')`.
 */
import { loadTopologyFile } from '../loader';
import { EnvironmentError } from '../model/errors';
import type { Plan } from '../model/plan';
import { ensureLabImage, isProgressMilestone } from '../image/build';
import { checkHostFor } from '../runtime/probe';
import { startDockerLab } from '../runtime/docker/docker-lab';
import type { RunningLab } from '../runtime/types';
import { startNetnsLab } from '../runtime/netns/netns-lab';

export interface StartOptions {
  onStep?: (step: string) => void;
  /** RAM disk per host, bytes (default: enough for the planned transfer). */
  tmpfsBytes?: number;
  /** Where hosts run: Docker containers (default) or network namespaces on this machine (lab/runtime/netns). */
  runtime?: 'docker' | 'netns';
}

/** Loads (if needed), checks the host can run it, ensures the image, brings the lab up. */
export async function startLab(topology: string | Plan, opts: StartOptions = {}): Promise<RunningLab> {
  const plan = typeof topology === 'string' ? await loadTopologyFile(topology) : topology;
  requireKernelPathManager(plan);
  const caps = await checkHostFor(plan.needs, opts.runtime === 'netns' ? { runtime: 'netns' } : {});
  if (opts.runtime === 'netns') {
    // The netns runtime exports the lab image once and then needs no engine (lab/runtime/netns/rootfs.ts).
    return startNetnsLab(plan, { netem: caps.qdiscs.netem, onStep: opts.onStep, tmpfsBytes: opts.tmpfsBytes ?? tmpfsFor(plan) });
  }
  const image = await ensureLabImage({ onProgress: (m) => (isProgressMilestone(m) ? opts.onStep?.(m) : undefined) });
  return startDockerLab(plan, {
    image: image.tag,
    netem: caps.qdiscs.netem,
    onStep: opts.onStep,
    tmpfsBytes: opts.tmpfsBytes ?? tmpfsFor(plan),
  });
}

/** RAM disk per host: the http tool keeps the served file (server) and the download (client). */
export function tmpfsFor(plan: Plan): number {
  const size = plan.traffic.tool === 'http' ? (plan.traffic.sizeBytes ?? 0) : 0;
  return size + 64 * 1024 * 1024;
}

/**
 * The userspace path manager (net.mptcp.pm_type=1) does nothing without a daemon that has a
 * path-manager plugin; Debian bookworm's mptcpd, the one in the lab image, ships none
 * ("Unable to open plugin directory"). Refuse before anything starts instead of running a
 * lab that silently never opens a subflow.
 */
export function requireKernelPathManager(plan: Plan): void {
  const userspace = plan.hosts.filter((h) => h.mptcp.enabled && h.mptcp.pathManager === 'userspace').map((h) => h.name);
  if (userspace.length > 0) {
    throw new EnvironmentError(
      'a userspace path manager daemon',
      'Use pathManager: kernel, or extend lab/image/Dockerfile with an mptcpd build that has its addr_adv/sspi plugins.',
      `hosts ${userspace.join(', ')} ask for pathManager: userspace, and the lab image's mptcpd has no path-manager plugin`,
    );
  }
}
