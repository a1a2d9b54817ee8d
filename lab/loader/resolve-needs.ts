/** What the plan needs from the machine (the doctor probes these before bring-up). */
import type { Impairment, Plan, PlanEvent, PlanPath } from '../model/plan';

const NETEM_FIELDS: [keyof Impairment, string][] = [
  ['delayMs', 'delay'],
  ['jitterMs', 'jitter'],
  ['lossPct', 'loss'],
  ['corruptPct', 'corrupt'],
  ['duplicatePct', 'duplicate'],
  ['reorderPct', 'reorder'],
];

/** netem (and which features) when any impairment, static or timed, uses them; tbf when any uses a rate. */
export function resolveNeeds(paths: readonly PlanPath[], timeline: readonly PlanEvent[]): Plan['needs'] {
  const all: Impairment[] = paths.flatMap((p) => Object.values(p.egress));
  for (const ev of timeline) if (ev.kind === 'impair') all.push(ev.set);
  const netemFeatures = NETEM_FIELDS.filter(([field]) => all.some((i) => i[field] !== undefined)).map(([, name]) => name);
  const faults = [...new Set(timeline.flatMap((ev) => (ev.kind === 'fault' ? [ev.fault.mode] : [])))];
  return { netem: netemFeatures.length > 0, tbf: all.some((i) => i.rateBps !== undefined), netemFeatures, ...(faults.length > 0 ? { faults } : {}) };
}
