/**
 * Resolution of the timeline: sorted, defaults filled, and (with `--size`) events the
 * smaller transfer can no longer reach dropped, each with a note saying why in figures.
 */
import type { PlanEvent, PlanFault } from '../model/plan';
import type { TopologyParsed } from '../model/schema';
import { sizeText, timeText } from './human';
import { toPlanImpairment } from './resolve-paths';
import { earliestEnd, type TrafficEnd } from './traffic-end';
import { describeEvent, inTimeOrder, type EventParsed } from './timeline-events';
import { dataPathNames, trafficEnds, unshapedDataPaths } from './topology-facts';

export interface ResolvedTimeline {
  events: PlanEvent[];
  /** Events a `--size` override dropped, with the end that dropped them (for the checks that needed them). */
  dropped: { ev: EventParsed; end: TrafficEnd }[];
}

/** The timeline in time order; when the lab is varied (`--size`, a variant), events at or after the earliest end are dropped (noted). */
export function resolveTimeline(t: TopologyParsed, notes: string[], varied = false, sizeOverride?: number): ResolvedTimeline {
  const end = varied ? earliestEnd(t, sizeOverride) : undefined;
  const events: PlanEvent[] = [];
  const dropped: ResolvedTimeline['dropped'] = [];
  const down = new Set<string>();
  const data = dataPathNames(t) ?? Object.keys(t.paths);
  for (const { ev } of inTimeOrder(t.timeline)) {
    if (end && ev.at >= end.ms) {
      notes.push(`${describeEvent(ev)} dropped: ${end.why}`);
      dropped.push({ ev, end });
      continue;
    }
    if (ev.cut !== undefined) {
      events.push({ atMs: ev.at, kind: 'cut', path: ev.cut, mode: ev.mode === 'blackhole' ? 'blackhole' : 'down' });
      down.add(ev.cut);
      if (data.every((p) => down.has(p))) notes.push(`at ${timeText(ev.at)} every data path is cut: the transfer can only wait for a restore`);
    } else if (ev.restore !== undefined) {
      events.push({ atMs: ev.at, kind: 'restore', path: ev.restore });
      down.delete(ev.restore);
    } else if (ev.impair !== undefined && ev.set) {
      const event: PlanEvent = { atMs: ev.at, kind: 'impair', path: ev.impair, set: toPlanImpairment(ev.set) };
      if (ev.from !== undefined) event.from = ev.from;
      events.push(event);
    } else if (ev.fault !== undefined && ev.mode !== undefined && ev.mode !== 'down' && ev.mode !== 'blackhole') {
      const fault: PlanFault = { mode: ev.mode, ...(ev.from !== undefined ? { from: ev.from } : {}), ...(ev.every !== undefined ? { every: ev.every } : {}) };
      events.push({ atMs: ev.at, kind: 'fault', path: ev.fault, fault });
      if (ev.at === 0) notes.push(`the ${ev.mode} fault on ${ev.fault} at 0 is put in place before the traffic starts, so the connection's handshake meets it`);
    } else if (ev.unfault !== undefined) {
      events.push({ atMs: ev.at, kind: 'unfault', path: ev.unfault });
    }
  }
  noteUnknownEnd(t, events, notes, sizeOverride);
  return { events, dropped };
}

/**
 * A transfer of a given size over an unshaped path has no estimable end: its events cannot
 * be checked against it at load, so the plan says they may come after the transfer.
 */
function noteUnknownEnd(t: TopologyParsed, events: readonly PlanEvent[], notes: string[], sizeOverride?: number): void {
  const size = sizeOverride ?? t.traffic.size;
  const ends = trafficEnds(t);
  const first = events[0];
  if (size === undefined || !ends || !first) return;
  const unshaped = unshapedDataPaths(t, ends);
  if (unshaped.length === 0) return;
  notes.push(
    `the end of the traffic cannot be estimated (path ${unshaped[0]} has no rate), so the timeline is not checked against it: ` +
      `if all ${sizeText(size)} arrive before ${timeText(first.atMs)}, the events from then on happen after the traffic and the checks that watch them cannot measure`,
  );
}
