/**
 * The library entry for suites: a lab from a topology name, a file or a Plan, with the
 * host probed and the image ensured first. `await using lab = await startLab('two-vlan')`.
 */
import { loadTopologyFile } from '../loader';
import type { Plan } from '../model/plan';
import { ensureLabImage, isProgressMilestone } from '../image/build';
import { checkHostFor } from '../runtime/probe';
import { startDockerLab } from '../runtime/docker-lab';
import type { RunningLab } from '../runtime/types';

export interface StartOptions {
  onStep?: (step: string) => void;
  /** RAM disk per host, bytes (default: enough for the planned transfer). */
  tmpfsBytes?: number;
}

/** Loads (if needed), checks the host can run it, ensures the image, brings the lab up. */
export async function startLab(topology: string | Plan, opts: StartOptions = {}): Promise<RunningLab> {
  const plan = typeof topology === 'string' ? await loadTopologyFile(topology) : topology;
  const caps = await checkHostFor(plan.needs);
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
