/**
 * Semantic checks of the timeline: each event does one thing to a path that exists, cuts
 * and restores alternate per path, and everything happens before the traffic can end.
 */
import { IMPAIRMENT_KEYS, dataPathNames, hostsOnPath, trafficEnds } from './topology-facts';
import { listNames } from './problems';
import type { CheckContext } from './check-context';
import { earliestEnd } from './traffic-end';
import { actionsOf, describeEvent, inTimeOrder, type EventParsed } from './timeline-events';
import { timeText } from './human';
import { CUT_MODES, FAULT_MODES } from '../model/schema';

/**
 * Checks event shape, references and cut/restore order. Events after the traffic's end are
 * problems unless the lab is varied (`--size`, a variant): then the loader drops them with a note instead.
 */
export function checkTimeline(ctx: CheckContext, varied = false): void {
  const timeline = ctx.s.timeline;
  if (!timeline) return;
  timeline.forEach((ev, i) => checkEventShape(ctx, ev, i));
  checkCutRestoreOrder(ctx, timeline);
  checkFaultOrder(ctx, timeline);
  if (varied) return;
  const end = earliestEnd(ctx.s);
  if (!end) return;
  timeline.forEach((ev, i) => {
    if (ev.at >= end.ms) ctx.problems.add(['timeline', i, 'at'], `${describeEvent(ev)} comes after the traffic ends: ${end.why}`);
  });
}

function checkEventShape({ s, names, problems }: CheckContext, ev: EventParsed, i: number): void {
  const actions = actionsOf(ev);
  if (actions.length === 0) problems.add(['timeline', i], 'an event needs one of cut, restore, impair, fault or unfault (with the path it acts on)');
  if (actions.length > 1) {
    problems.add(['timeline', i, actions[1] ?? ''], `an event does one thing: this one has ${actions.join(' and ')}; split it into separate events`, 'key');
  }
  checkModes({ s, names, problems }, ev, i);
  if (ev.set !== undefined && ev.impair === undefined) problems.add(['timeline', i, 'set'], 'set applies to impair events only', 'key');
  if (ev.from !== undefined && ev.impair === undefined && ev.fault === undefined) problems.add(['timeline', i, 'from'], 'from applies to impair and fault events only', 'key');
  if (ev.impair !== undefined && ev.set === undefined) {
    problems.add(['timeline', i], 'missing required key "set": impair needs the new impairment, e.g. set: { loss: 1% }');
  }
  if (ev.set !== undefined && Object.values(ev.set).every((v) => v === undefined)) {
    problems.add(['timeline', i, 'set'], `set is empty: give at least one of ${IMPAIRMENT_KEYS.join(', ')}`);
  }
  const pathNames = names.paths;
  if (!pathNames) return;
  for (const action of actions) {
    const name = ev[action];
    if (name !== undefined && !pathNames.includes(name)) problems.add(['timeline', i, action], `no path named "${name}" (paths: ${listNames(pathNames)})`);
    else if (name !== undefined && action !== 'impair') checkCarriesTraffic({ s, names, problems }, name, ['timeline', i, action], `a ${action} of it`);
  }
  const pathName = ev.impair ?? ev.fault;
  const path = pathName !== undefined ? s.paths?.[pathName] : undefined;
  if (ev.from !== undefined && path && s.hosts) {
    const on = hostsOnPath(s.hosts, path);
    if (!on.includes(ev.from)) problems.add(['timeline', i, 'from'], `no host named "${ev.from}" on path ${pathName} (its hosts: ${listNames(on)})`);
  }
}

const CUT_MODE_NAMES: readonly string[] = CUT_MODES;
const FAULT_MODE_NAMES: readonly string[] = FAULT_MODES;

/** A cut takes a cut mode (default down); a fault needs a fault mode; no other event takes one. `every` is rewrite's. */
function checkModes({ problems }: CheckContext, ev: EventParsed, i: number): void {
  if (ev.mode !== undefined && ev.cut === undefined && ev.fault === undefined) {
    problems.add(['timeline', i, 'mode'], 'mode applies to cut and fault events only', 'key');
  } else if (ev.cut !== undefined && ev.mode !== undefined && !CUT_MODE_NAMES.includes(ev.mode)) {
    problems.add(['timeline', i, 'mode'], `a cut's mode is ${CUT_MODES.join(' or ')}; ${ev.mode} is a fault: use fault: ${ev.cut} with mode: ${ev.mode}`);
  } else if (ev.fault !== undefined && ev.mode === undefined) {
    problems.add(['timeline', i], `missing required key "mode": a fault needs one of ${FAULT_MODES.join(', ')}`);
  } else if (ev.fault !== undefined && ev.mode !== undefined && !FAULT_MODE_NAMES.includes(ev.mode)) {
    problems.add(['timeline', i, 'mode'], `a fault's mode is one of ${FAULT_MODES.join(', ')}; ${ev.mode} is a cut: use cut: ${ev.fault} with mode: ${ev.mode}`);
  }
  if (ev.every !== undefined && (ev.fault === undefined || ev.mode !== 'rewrite')) {
    problems.add(['timeline', i, 'every'], 'every applies to fault events with mode rewrite only', 'key');
  }
}

/**
 * A path the traffic does not use (it does not join both the sender and the receiver) carries
 * 0 B whatever happens to it, so a check on it passes trivially: refused, naming its hosts.
 */
export function checkCarriesTraffic({ s, problems }: CheckContext, path: string, at: (string | number)[], what: string): void {
  const ends = trafficEnds(s);
  const data = dataPathNames(s);
  const body = s.paths?.[path];
  if (!ends || !data || !body || !s.hosts || data.includes(path)) return;
  const on = hostsOnPath(s.hosts, body);
  const missing = [ends.sender, ends.receiver].filter((h) => !on.includes(h));
  problems.add(
    at,
    `path ${path} joins ${listNames(on)} only; the traffic goes ${ends.sender} → ${ends.receiver} and ${missing.join(' and ')} ${missing.length === 1 ? 'has' : 'have'} no interface on it, ` +
      `so it carries 0 B and ${what} would pass trivially; use a path joining ${ends.sender} and ${ends.receiver} (${listNames(data)})`,
  );
}

/** Faults and unfaults alternate per path, as cuts and restores do (one fault in force on a path at a time). */
function checkFaultOrder({ names, problems }: CheckContext, timeline: readonly EventParsed[]): void {
  const faultAt = new Map<string, number>();
  for (const { ev, index } of inTimeOrder(timeline)) {
    if (actionsOf(ev).length !== 1) continue;
    if (ev.fault !== undefined && (!names.paths || names.paths.includes(ev.fault))) {
      const earlier = faultAt.get(ev.fault);
      if (earlier !== undefined) problems.add(['timeline', index, 'fault'], `path ${ev.fault} already has a fault at ${timeText(ev.at)} (from timeline[${earlier}]); unfault it first`);
      else faultAt.set(ev.fault, index);
    }
    if (ev.unfault !== undefined && (!names.paths || names.paths.includes(ev.unfault))) {
      const f = faultAt.get(ev.unfault);
      if (f === undefined) problems.add(['timeline', index, 'unfault'], `path ${ev.unfault} has no fault at ${timeText(ev.at)}: an unfault needs an earlier fault on the same path`);
      else if (timeline[f]?.at === ev.at) problems.add(['timeline', index, 'at'], `path ${ev.unfault} loses its fault at ${timeText(ev.at)}, the moment it gets it (timeline[${f}]): a fault of 0 ms tests nothing; unfault it later`);
      faultAt.delete(ev.unfault);
    }
  }
}

function checkCutRestoreOrder({ names, problems }: CheckContext, timeline: readonly EventParsed[]): void {
  const cutAt = new Map<string, number>(); // path → index of the event that cut it
  for (const { ev, index } of inTimeOrder(timeline)) {
    if (actionsOf(ev).length !== 1) continue;
    if (ev.cut !== undefined && (!names.paths || names.paths.includes(ev.cut))) {
      const earlier = cutAt.get(ev.cut);
      if (earlier !== undefined) {
        problems.add(['timeline', index, 'cut'], `path ${ev.cut} is already cut at ${timeText(ev.at)} (by timeline[${earlier}]); restore it first`);
      } else cutAt.set(ev.cut, index);
    }
    if (ev.restore !== undefined && (!names.paths || names.paths.includes(ev.restore))) {
      const cut = cutAt.get(ev.restore);
      if (cut === undefined) {
        problems.add(['timeline', index, 'restore'], `path ${ev.restore} is not cut at ${timeText(ev.at)}: a restore needs an earlier cut of the same path`);
      } else if (timeline[cut]?.at === ev.at) {
        problems.add(['timeline', index, 'at'], `path ${ev.restore} is restored at ${timeText(ev.at)}, the moment it is cut (timeline[${cut}]): an outage of 0 ms tests nothing; restore it later`);
      }
      cutAt.delete(ev.restore);
    }
  }
}
