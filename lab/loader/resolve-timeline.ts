/**
 * Resolution of the timeline: sorted, defaults filled, and (with `--size`) events the
 * smaller transfer can no longer reach dropped, each with a note saying why in figures.
 */
import type { PlanEvent } from '../model/plan';
import type { TopologyParsed } from '../model/schema';
import { timeText } from './human';
import { toPlanImpairment } from './resolve-paths';
import { earliestEnd } from './traffic-end';
import { describeEvent, inTimeOrder } from './timeline-events';

/** The timeline in time order; with `sizeOverride`, events at or after the earliest end are dropped (noted). */
export function resolveTimeline(t: TopologyParsed, notes: string[], sizeOverride?: number): PlanEvent[] {
  const end = sizeOverride !== undefined ? earliestEnd(t, sizeOverride) : undefined;
  const events: PlanEvent[] = [];
  const down = new Set<string>();
  const pathCount = Object.keys(t.paths).length;
  for (const { ev } of inTimeOrder(t.timeline)) {
    if (end && ev.at >= end.ms) {
      notes.push(`${describeEvent(ev)} dropped: ${end.why}`);
      continue;
    }
    if (ev.cut !== undefined) {
      events.push({ atMs: ev.at, kind: 'cut', path: ev.cut, mode: ev.mode ?? 'down' });
      down.add(ev.cut);
      if (down.size === pathCount) notes.push(`at ${timeText(ev.at)} every path is cut: the transfer can only wait for a restore`);
    } else if (ev.restore !== undefined) {
      events.push({ atMs: ev.at, kind: 'restore', path: ev.restore });
      down.delete(ev.restore);
    } else if (ev.impair !== undefined && ev.set) {
      const event: PlanEvent = { atMs: ev.at, kind: 'impair', path: ev.impair, set: toPlanImpairment(ev.set) };
      if (ev.from !== undefined) event.from = ev.from;
      events.push(event);
    }
  }
  return events;
}
