/** Assembles the Plan from a topology that passed every check: every default filled, nothing started. */
import type { Plan } from '../model/plan';
import type { TopologyParsed } from '../model/schema';
import { resolveChecks } from './resolve-checks';
import { resolveHosts } from './resolve-hosts';
import { resolveNeeds } from './resolve-needs';
import { resolvePaths } from './resolve-paths';
import { resolveTimeline } from './resolve-timeline';
import { resolveTraffic } from './resolve-traffic';

/** Resolves a checked topology into an (unfrozen) Plan. */
export function resolvePlan(t: TopologyParsed, name: string, source: string, sizeOverride?: number): Plan {
  const notes: string[] = [];
  const hosts = resolveHosts(t, notes);
  const paths = resolvePaths(t);
  const traffic = resolveTraffic(t, notes, sizeOverride);
  const timeline = resolveTimeline(t, notes, sizeOverride);
  const checks = resolveChecks({ t, hosts, traffic, timeline }, notes);
  return {
    name,
    description: t.description,
    source,
    hosts,
    paths,
    traffic,
    timeline,
    checks,
    needs: resolveNeeds(paths, timeline),
    notes,
  };
}
