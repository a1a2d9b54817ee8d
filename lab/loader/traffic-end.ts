/**
 * The earliest time the traffic can end, which bounds the timeline: an event after it may
 * never happen. Duration traffic ends at its duration; size traffic cannot end before
 * size / (sum of the shaped rates in the data direction) and has no bound when a path is unshaped.
 */
import type { Sections } from './parse-topology';
import { egressOf, sharedPaths, trafficEnds } from './topology-facts';
import { rateText, sizeText, timeText } from './human';

export interface TrafficEnd {
  ms: number;
  /** Why, in figures: `200 MB at 2 Gbit/s can end at 0.8 s`. */
  why: string;
  /** The capacity a size-limited transfer was divided by; absent for a duration. */
  capacityBps?: number;
}

/** The earliest end of the traffic, or undefined when nothing bounds it. */
export function earliestEnd(s: Sections, sizeOverride?: number): TrafficEnd | undefined {
  const t = s.traffic;
  if (!t) return undefined;
  const size = sizeOverride ?? t.size;
  if (size === undefined) {
    return t.duration === undefined ? undefined : { ms: t.duration, why: `the traffic lasts ${timeText(t.duration)}` };
  }
  const capacity = maxCapacityBps(s);
  if (capacity === undefined) return undefined;
  const ms = ((size * 8) / capacity) * 1000;
  return { ms, why: `${sizeText(size)} at ${rateText(capacity)} can end at ${timeText(ms)}`, capacityBps: capacity };
}

/** Highest possible sum of the sender's rates: an impair event may raise a path's rate. */
function maxCapacityBps(s: Sections): number | undefined {
  const ends = trafficEnds(s);
  if (!ends || !s.paths) return undefined;
  const names = sharedPaths(s, ends.sender, ends.receiver);
  if (names.length === 0) return undefined;
  let sum = 0;
  for (const name of names) {
    const path = s.paths[name];
    let rate = path ? egressOf(path, ends.sender).rate : undefined;
    if (rate === undefined) return undefined;
    for (const ev of s.timeline ?? []) {
      const applies = ev.impair === name && (ev.from === undefined || ev.from === ends.sender);
      if (applies && ev.set?.rate !== undefined) rate = Math.max(rate, ev.set.rate);
    }
    sum += rate;
  }
  return sum;
}
