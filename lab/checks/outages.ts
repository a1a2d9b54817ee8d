/**
 * Which paths were up when: outages from the recorded (actual, not planned) cut and restore
 * events, and the match between planned events and what the run recorded.
 */
import { dataPaths as planDataPaths, type PlanEvent } from '../model/plan';
import type { RecordedEvent, RunRecord } from '../model/record';
import { atSeconds, trafficWindow, type Window } from './windows';

/** A path out of service: from its cut to its restore (or the end of the traffic). */
export interface Outage extends Window {
  path: string;
  cut: RecordedEvent;
  restore?: RecordedEvent;
}

/** The paths that join the data's sender and receiver: the ones whose capacity counts. */
export function dataPaths(record: RunRecord): string[] {
  return planDataPaths(record.plan).map((p) => p.name);
}

/** When an event took effect: as read back (`verified.effectiveMs`), else when its command returned. */
export function eventMs(e: RecordedEvent): number {
  return e.verified?.effectiveMs ?? e.actualMs;
}

/**
 * Why a recorded cut or restore cannot be trusted to have happened, or undefined when it was
 * read back as done: a cut that did nothing would otherwise "pass" failover on untouched paths.
 */
export function notSeenToTakeEffect(e: RecordedEvent): string | undefined {
  const what = `the ${e.kind} of ${e.path} at ${atSeconds(e.plannedMs)} was not seen to take effect`;
  if (!e.verified) return `${what}: it was never read back (no evidence recorded)`;
  if (!e.verified.ok) return `${what}: ${e.verified.evidence}`;
  return undefined;
}

/** Every recorded cut with the restore that ended it; an unrestored cut lasts past the traffic. Times are when each took effect. */
export function outages(record: RunRecord): Outage[] {
  const events = [...record.events].sort((a, b) => eventMs(a) - eventMs(b));
  const out: Outage[] = [];
  events.forEach((cut, i) => {
    if (cut.kind !== 'cut') return;
    const restore = events.slice(i + 1).find((e) => e.path === cut.path && e.kind === 'restore');
    out.push({
      path: cut.path,
      cut,
      restore,
      fromMs: eventMs(cut),
      toMs: restore ? eventMs(restore) : Math.max(record.traffic.endedMs, eventMs(cut)),
    });
  });
  return out;
}

function overlaps(a: Window, b: Window): boolean {
  return a.fromMs < b.toMs && b.fromMs < a.toMs;
}

/** Data paths with no outage overlapping the window. */
export function pathsUpThroughout(record: RunRecord, window: Window): string[] {
  const down = new Set(outages(record).filter((o) => overlaps(o, window)).map((o) => o.path));
  return dataPaths(record).filter((p) => !down.has(p));
}

/** The parts of the traffic window where every data path but `except` was up, and the rest. */
export function splitByOthersUp(record: RunRecord, except?: string): { allUp: Window[]; othersDown: Window[] } {
  const traffic = trafficWindow(record);
  const cuts = outages(record)
    .filter((o) => o.path !== except && dataPaths(record).includes(o.path))
    .map((o) => ({ fromMs: Math.max(o.fromMs, traffic.fromMs), toMs: Math.min(o.toMs, traffic.toMs) }))
    .filter((w) => w.toMs > w.fromMs)
    .sort((a, b) => a.fromMs - b.fromMs);
  const othersDown: Window[] = [];
  for (const w of cuts) {
    const last = othersDown[othersDown.length - 1];
    if (last && w.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, w.toMs);
    else othersDown.push({ ...w });
  }
  const allUp: Window[] = [];
  let from = traffic.fromMs;
  for (const w of othersDown) {
    if (w.fromMs > from) allUp.push({ fromMs: from, toMs: w.fromMs });
    from = w.toMs;
  }
  if (traffic.toMs > from) allUp.push({ fromMs: from, toMs: traffic.toMs });
  return { allUp, othersDown };
}

/** A planned cut or restore with the recorded event that carried it out, if any. */
export interface MatchedEvent {
  /** `failover:vlan181`, or `failover:vlan181@3s` when the path has several such events. */
  name: string;
  planned: Extract<PlanEvent, { kind: 'cut' | 'restore' }>;
  recorded?: RecordedEvent;
}

/** Pairs the k-th planned event of a kind on a path with the k-th recorded one. */
export function matchPlannedEvents(record: RunRecord, kind: 'cut' | 'restore', prefix: string): MatchedEvent[] {
  const planned = record.plan.timeline.filter(
    (e): e is Extract<PlanEvent, { kind: 'cut' | 'restore' }> => e.kind === kind,
  );
  const seen = new Map<string, number>();
  return planned.map((p) => {
    const k = seen.get(p.path) ?? 0;
    seen.set(p.path, k + 1);
    const recorded = record.events.filter((e) => e.kind === kind && e.path === p.path)[k];
    const several = planned.filter((e) => e.path === p.path).length > 1;
    const name = `${prefix}:${p.path}${several ? `@${p.atMs / 1000}s` : ''}`;
    return { name, planned: p, recorded };
  });
}
