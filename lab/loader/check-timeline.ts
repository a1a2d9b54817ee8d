/**
 * Semantic checks of the timeline: each event does one thing to a path that exists, cuts
 * and restores alternate per path, and everything happens before the traffic can end.
 */
import { IMPAIRMENT_KEYS, hostsOnPath } from './topology-facts';
import { listNames } from './problems';
import type { CheckContext } from './check-context';
import { earliestEnd } from './traffic-end';
import { actionsOf, describeEvent, inTimeOrder, type EventParsed } from './timeline-events';
import { timeText } from './human';

/**
 * Checks event shape, references and cut/restore order. Events after the traffic's end are
 * problems unless `sizeOverride` is given: then the loader drops them with a note instead.
 */
export function checkTimeline(ctx: CheckContext, sizeOverride?: number): void {
  const timeline = ctx.s.timeline;
  if (!timeline) return;
  timeline.forEach((ev, i) => checkEventShape(ctx, ev, i));
  checkCutRestoreOrder(ctx, timeline);
  if (sizeOverride !== undefined) return;
  const end = earliestEnd(ctx.s);
  if (!end) return;
  timeline.forEach((ev, i) => {
    if (ev.at >= end.ms) ctx.problems.add(['timeline', i, 'at'], `${describeEvent(ev)} comes after the traffic ends: ${end.why}`);
  });
}

function checkEventShape({ s, names, problems }: CheckContext, ev: EventParsed, i: number): void {
  const actions = actionsOf(ev);
  if (actions.length === 0) problems.add(['timeline', i], 'an event needs one of cut, restore or impair (with the path it acts on)');
  if (actions.length > 1) {
    problems.add(['timeline', i, actions[1] ?? ''], `an event does one thing: this one has ${actions.join(' and ')}; split it into separate events`, 'key');
  }
  if (ev.mode !== undefined && ev.cut === undefined) problems.add(['timeline', i, 'mode'], 'mode applies to cut events only', 'key');
  for (const key of ['set', 'from'] as const) {
    if (ev[key] !== undefined && ev.impair === undefined) problems.add(['timeline', i, key], `${key} applies to impair events only`, 'key');
  }
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
  }
  const path = ev.impair !== undefined ? s.paths?.[ev.impair] : undefined;
  if (ev.from !== undefined && path && s.hosts) {
    const on = hostsOnPath(s.hosts, path);
    if (!on.includes(ev.from)) problems.add(['timeline', i, 'from'], `no host named "${ev.from}" on path ${ev.impair} (its hosts: ${listNames(on)})`);
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
      if (!cutAt.delete(ev.restore)) {
        problems.add(['timeline', index, 'restore'], `path ${ev.restore} is not cut at ${timeText(ev.at)}: a restore needs an earlier cut of the same path`);
      }
    }
  }
}
