/** Shared reading of timeline events: which action an event does, in time order. */
import type { TopologyParsed } from '../model/schema';
import { timeText } from './human';

export type EventParsed = TopologyParsed['timeline'][number];
export const ACTIONS = ['cut', 'restore', 'impair'] as const;
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
