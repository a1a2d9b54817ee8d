/** Shared reading of timeline events: which action an event does, in time order. */
import type { TopologyParsed } from '../model/schema';
import { timeText } from './human';

export type EventParsed = TopologyParsed['timeline'][number];
export const ACTIONS = ['cut', 'restore', 'impair', 'fault', 'unfault'] as const;
export type Action = (typeof ACTIONS)[number];

/** The actions an event names (a well-formed event names exactly one). */
export function actionsOf(ev: EventParsed): Action[] {
  return ACTIONS.filter((a) => ev[a] !== undefined);
}

/** The paths the events with `action` name, in file order (`cut` → every cut path). */
export function pathsActedOn(timeline: readonly EventParsed[], action: Action): string[] {
  return timeline.flatMap((ev) => ev[action] ?? []);
}

/** Events with their index in the file, sorted by time; equal times keep file order. */
export function inTimeOrder(timeline: readonly EventParsed[]): { ev: EventParsed; index: number }[] {
  return timeline.map((ev, index) => ({ ev, index })).sort((a, b) => a.ev.at - b.ev.at || a.index - b.index);
}

/** `event at 3 s (cut vlan181)`, for messages and notes. */
export function describeEvent(ev: EventParsed): string {
  const action = actionsOf(ev)[0];
  return `event at ${timeText(ev.at)}${action ? ` (${action} ${ev[action]})` : ''}`;
}

/** One planned outage of a path: from its cut to its restore (Infinity when never restored). */
export interface Outage {
  /** Index of the cut event in the file. */
  index: number;
  path: string;
  fromMs: number;
  toMs: number;
}

/** The outages the timeline plans, in time order (cuts without a matching earlier cut are ignored: a separate problem). */
export function outagesOf(timeline: readonly EventParsed[]): Outage[] {
  const open = new Map<string, Outage>();
  const out: Outage[] = [];
  for (const { ev, index } of inTimeOrder(timeline)) {
    if (actionsOf(ev).length !== 1) continue;
    if (ev.cut !== undefined && !open.has(ev.cut)) {
      const o = { index, path: ev.cut, fromMs: ev.at, toMs: Infinity };
      open.set(ev.cut, o);
      out.push(o);
    } else if (ev.restore !== undefined) {
      const o = open.get(ev.restore);
      if (o) o.toMs = ev.at;
      open.delete(ev.restore);
    }
  }
  return out;
}

/**
 * The paths of `candidates` up for the whole of `outage` (what failover can fall back on):
 * not the cut path, and not cut at any moment of the outage.
 */
export function survivorsOf(outage: Outage, all: readonly Outage[], candidates: readonly string[]): string[] {
  return candidates.filter(
    (p) => p !== outage.path && !all.some((o) => o.path === p && o.fromMs < outage.toMs && o.toMs > outage.fromMs),
  );
}

/** One planned fault on a path: from its fault event to its unfault (Infinity when never taken off). */
export interface FaultSpan {
  index: number;
  path: string;
  mode: string;
  from?: string;
  fromMs: number;
  toMs: number;
}

/** The faults the timeline plans, in time order (well-formed events only; ordering problems are reported elsewhere). */
export function faultsOf(timeline: readonly EventParsed[]): FaultSpan[] {
  const open = new Map<string, FaultSpan>();
  const out: FaultSpan[] = [];
  for (const { ev, index } of inTimeOrder(timeline)) {
    if (actionsOf(ev).length !== 1) continue;
    if (ev.fault !== undefined && !open.has(ev.fault) && ev.mode !== undefined) {
      const f: FaultSpan = { index, path: ev.fault, mode: ev.mode, fromMs: ev.at, toMs: Infinity, ...(ev.from !== undefined ? { from: ev.from } : {}) };
      open.set(ev.fault, f);
      out.push(f);
    } else if (ev.unfault !== undefined) {
      const f = open.get(ev.unfault);
      if (f) f.toMs = ev.at;
      open.delete(ev.unfault);
    }
  }
  return out;
}
