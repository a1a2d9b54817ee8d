/** Assembles the Plan from a topology that passed every check: every default filled, nothing started. */
import type { Plan } from '../model/plan';
import type { TopologyParsed } from '../model/schema';
import { resolveChecks } from './resolve-checks';
import { resolveHosts } from './resolve-hosts';
import { resolveNeeds } from './resolve-needs';
import { resolvePaths } from './resolve-paths';
import { resolveTimeline } from './resolve-timeline';
import { resolveTraffic } from './resolve-traffic';

/** How the lab is varied at load: `--size` (sizeOverride), a variant already applied to the topology, or both. */
export interface LoadVariation {
  sizeOverride?: number;
  /** Names the variation in drop notes and skip reasons (`--size 200 MB`, `rate=100mbit`); set whenever there is one. */
  overrideLabel?: string;
  /** What applying the variant noted (first in the plan's notes). */
  notes?: string[];
}

/** Resolves a checked topology into an (unfrozen) Plan. */
export function resolvePlan(t: TopologyParsed, name: string, source: string, v: LoadVariation = {}): Plan {
  const notes: string[] = [...(v.notes ?? [])];
  const hosts = resolveHosts(t, notes);
  const paths = resolvePaths(t);
  const traffic = resolveTraffic(t, notes, v.sizeOverride);
  const timeline = resolveTimeline(t, notes, v.overrideLabel !== undefined, v.sizeOverride);
  const checks = resolveChecks({ t, hosts, traffic, timeline, ...(v.overrideLabel !== undefined ? { overrideLabel: v.overrideLabel } : {}) }, notes);
  return {
    name,
    description: t.description,
    source,
    hosts,
    paths,
    traffic,
    timeline: timeline.events,
    checks,
    needs: resolveNeeds(paths, timeline.events),
    notes,
  };
}
