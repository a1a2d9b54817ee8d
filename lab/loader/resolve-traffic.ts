/** Resolution of the traffic section: who listens, who connects, who sends, how much. */
import type { PlanTraffic } from '../model/plan';
import type { TopologyParsed } from '../model/schema';
import { trafficEnds } from './topology-facts';
import { sizeText, timeText } from './human';

/** The traffic with its ends filled in; `sizeOverride` replaces the size (and any duration). */
export function resolveTraffic(t: TopologyParsed, notes: string[], sizeOverride?: number): PlanTraffic {
  const ends = trafficEnds(t);
  // The semantic checks guarantee unambiguous ends before resolution runs.
  if (!ends) throw new Error('resolveTraffic: traffic ends are ambiguous; the checks should have caught this');
  const traffic: PlanTraffic = {
    tool: t.traffic.tool,
    direction: t.traffic.direction,
    protocol: t.traffic.protocol,
    resume: t.traffic.resume,
    ...ends,
    port: t.traffic.port ?? defaultPort(t.traffic.tool),
  };
  if (sizeOverride !== undefined) {
    const replaced = t.traffic.size !== undefined ? `size ${sizeText(t.traffic.size)}` : `duration ${timeText(t.traffic.duration ?? 0)}`;
    notes.push(`--size ${sizeText(sizeOverride)} replaces the topology's ${replaced}`);
    traffic.sizeBytes = sizeOverride;
  } else if (t.traffic.size !== undefined) traffic.sizeBytes = t.traffic.size;
  else if (t.traffic.duration !== undefined) traffic.durationMs = t.traffic.duration;
  return traffic;
}

/** The server port when the topology gives none: 8080 for http, iperf3's 5201 otherwise. */
export function defaultPort(tool: PlanTraffic['tool']): number {
  return tool === 'http' ? 8080 : 5201;
}
