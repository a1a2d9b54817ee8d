/** Resolution of paths: subnet or `auto`, attached hosts, and each direction's impairment in base units. */
import type { Impairment, PlanPath } from '../model/plan';
import type { ImpairmentParsed, TopologyParsed } from '../model/schema';
import { egressOf, hostsOnPath } from './topology-facts';

/** Topology impairment fields → the Plan's base-unit fields, leaving absent ones out. */
export function toPlanImpairment(i: ImpairmentParsed): Impairment {
  const out: Impairment = {};
  if (i.rate !== undefined) out.rateBps = i.rate;
  if (i.delay !== undefined) out.delayMs = i.delay;
  if (i.jitter !== undefined) out.jitterMs = i.jitter;
  if (i.loss !== undefined) out.lossPct = i.loss;
  if (i.corrupt !== undefined) out.corruptPct = i.corrupt;
  if (i.duplicate !== undefined) out.duplicatePct = i.duplicate;
  if (i.reorder !== undefined) out.reorderPct = i.reorder;
  if (i.limit !== undefined) out.limitPackets = i.limit;
  return out;
}

/** Paths in YAML order, each with its egress impairment per attached host. */
export function resolvePaths(t: TopologyParsed): PlanPath[] {
  return Object.entries(t.paths).map(([name, path], index) => {
    const hosts = hostsOnPath(t.hosts, path);
    const egress: Record<string, Impairment> = {};
    for (const h of hosts) egress[h] = toPlanImpairment(egressOf(path, h));
    return { name, index, subnet: path.subnet ?? 'auto', hosts, egress };
  });
}
