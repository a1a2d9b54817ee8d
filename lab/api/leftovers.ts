/**
 * What labs left behind, found by the project's labels (Docker) or by their names (netns), so a
 * suite's afterAll can prove it left nothing and a user's script can clean up after a crash.
 */
import type { CleanOptions, CleanReport } from '../runtime/clean';
import { cleanLeftovers as cleanLabObjects, listLabObjects } from '../runtime/clean';
import { connectDocker } from '../runtime/docker-client';

export type { CleanOptions, CleanReport };
export { cleanNetnsLeftovers, listNetnsLeftovers, type NetnsCleanReport, type NetnsLeftovers } from '../runtime/netns/clean';

/** Names of the labelled containers and networks on the engine, of one run or of one owning process (default: all the project's). */
export async function listLeftovers(by: { runId?: string; ownerPid?: number } = {}): Promise<{ containers: string[]; networks: string[] }> {
  return listLabObjects(await connectDocker(), by);
}

/** Removes labelled leftovers (what `npm run lab -- clean` does): labs whose owner is alive only with `all`. */
export async function cleanLeftovers(opts: CleanOptions = {}): Promise<CleanReport> {
  return cleanLabObjects(await connectDocker(), opts);
}
