/**
 * recovery: when a cut path comes back, MPTCP must use it again (the seed: its throughput
 * was "added back"). Measured on the restored path's own link series, one result per
 * restore, from when the restore was seen to take effect. Reaching the bound once is not a
 * recovery: the path must then hold it for `holdMs` (time-weighted over the samples).
 */
import { capacityBps, type PlanCheck } from '../model/plan';
import type { CheckDetail, CheckResult, RunRecord } from '../model/record';
import { formatDuration, formatRate } from '../model/units';
import { cannotMeasure, resolveRate, verdict } from './bounds';
import { cutDidNotTakeEffect } from './cut-effect';
import { eventMs, matchPlannedEvents, notSeenToTakeEffect, outages } from './outages';
import { samplingIssues } from './sampling';
import { atSeconds, sampleIntervalMs, samplesIn, timeWeightedMean, tooFewSamples } from './windows';

type RecoveryCheck = Extract<PlanCheck, { kind: 'recovery' }>;

/** One result per planned restore: the path's own throughput reaches `min` within `withinMs` and holds it for `holdMs`. */
export function checkRecovery(record: RunRecord, check: RecoveryCheck): CheckResult[] {
  const restores = matchPlannedEvents(record, 'restore', 'recovery');
  const expectedTime = `back ≤ ${formatDuration(check.withinMs)}`;
  if (restores.length === 0) {
    return [{ name: 'recovery', kind: 'recovery', status: 'skipped', expected: expectedTime, measured: 'no restore', message: 'the timeline restores no path' }];
  }
  // A record written before holdMs existed has none: judge the reach alone rather than crash.
  const holdMs = Number.isFinite(check.holdMs) ? check.holdMs : 0;
  return restores.map(({ name, planned, recorded }) => {
    const path = planned.path;
    if (!recorded) return cannotMeasure(name, 'recovery', expectedTime, `the restore of ${path} planned at ${atSeconds(planned.atMs)} was not recorded (it did not take effect)`);
    const outage = outages(record).find((o) => o.restore === recorded);
    // A cut that did nothing leaves the path carrying: it would "recover" at once.
    const cut = outage ? cutDidNotTakeEffect(record, outage) : { details: [] };
    if (cut.reason) return cannotMeasure(name, 'recovery', expectedTime, cut.reason, cut.details);
    const unseen = notSeenToTakeEffect(recorded);
    if (unseen) return cannotMeasure(name, 'recovery', expectedTime, unseen);
    const series = record.paths.find((p) => p.path === path);
    if (!series) return cannotMeasure(name, 'recovery', expectedTime, `no throughput series for path ${path}`);
    const bound = resolveRate(check.min, capacityBps(record.plan, [path], record.plan.traffic.sender), [path]);
    if ('error' in bound) return cannotMeasure(name, 'recovery', expectedTime, bound.error);
    const expected = `≥ ${bound.text} ${expectedTime}, held ${formatDuration(holdMs)}`;

    // Watch until the path is cut again or the traffic ends, whichever comes first.
    const restoreMs = eventMs(recorded);
    const nextCut = outages(record).find((o) => o.path === path && o.fromMs > restoreMs);
    const window = { fromMs: restoreMs, toMs: Math.min(record.traffic.endedMs, nextCut?.fromMs ?? Infinity) };
    const interval = sampleIntervalMs(series, record.intervalMs);
    const indices = samplesIn(series, window, interval);
    const short = tooFewSamples(indices.length, window, `the time from the restore of ${path} to the ${nextCut ? 'next cut' : 'end of the traffic'}`);
    if (short) return cannotMeasure(name, 'recovery', expected, short);
    const sampling = samplingIssues(record, window);
    const restored = `${path} restored at ${atSeconds(restoreMs)}`;
    const watchedMs = window.toMs - restoreMs;

    // The first sample ≥ min from whose end the path holds ≥ min (time-weighted) for holdMs.
    let flicker: { i: number; holdMean: number } | undefined;
    let late: { i: number; reachMs: number } | undefined;
    for (const i of indices) {
      if (!((series.v[i] ?? NaN) >= bound.bps)) continue;
      const at = series.t[i] ?? 0;
      const reachMs = Math.max(0, at - restoreMs);
      if (at + holdMs > window.toMs) {
        // Reached late anyway: a measured failure. Reached in time: the hold cannot be watched.
        if (reachMs > check.withinMs) {
          late = { i, reachMs };
          break;
        }
        return cannotMeasure(name, 'recovery', expected,
          `${restored} reached ${formatRate(series.v[i] ?? 0)} ${formatDuration(reachMs)} later, but only ${formatDuration(window.toMs - at)} of the ${formatDuration(holdMs)} hold remained before the ${nextCut ? 'next cut' : 'end of the traffic'}${sampling.text}`,
          sampling.details);
      }
      const held = holdMs > 0 ? timeWeightedMean(series, { fromMs: at, toMs: at + holdMs }, interval) : { mean: series.v[i] ?? NaN, coveredMs: holdMs };
      // A hold the series covers only in part (it stops early) cannot be judged on that part.
      if (held.coveredMs < holdMs - interval) {
        return cannotMeasure(name, 'recovery', expected,
          `${restored} reached ${formatRate(series.v[i] ?? 0)} ${formatDuration(reachMs)} later, but ${path}'s series covers only ${formatDuration(held.coveredMs)} of the ${formatDuration(holdMs)} hold after it${sampling.text}`,
          sampling.details);
      }
      const hold = held.mean;
      if (!(hold >= bound.bps)) {
        flicker ??= { i, holdMean: hold };
        continue;
      }
      const ok = reachMs <= check.withinMs;
      const details: CheckDetail[] = [
        { name: 'recovery time', value: reachMs, unit: 'ms', bound: check.withinMs },
        { name: `${path} at recovery`, value: series.v[i] ?? 0, unit: 'bit/s', bound: bound.bps },
        { name: `${path} mean over the hold`, value: hold, unit: 'bit/s', bound: bound.bps },
        ...sampling.details,
      ];
      return verdict(ok, {
        name, kind: 'recovery', expected,
        measured: formatDuration(reachMs),
        bound: check.withinMs, value: reachMs, unit: 'ms',
        message: `${restored} carried ${formatRate(series.v[i] ?? 0)} (≥ ${formatRate(bound.bps)}) ${formatDuration(reachMs)} later and held a mean of ${formatRate(hold)} for ${formatDuration(holdMs)}${ok ? '' : `, allowed ${formatDuration(check.withinMs)}`}${sampling.text}`,
        details,
      });
    }
    // Never recovered in what was watched: a failure only if the whole allowed time was watched
    // (a reach within it would have been seen, and its hold either judged or reported unmeasurable).
    if (!late && watchedMs < check.withinMs) {
      return cannotMeasure(name, 'recovery', expected, `${restored} did not reach and hold ≥ ${formatRate(bound.bps)} in the ${formatDuration(watchedMs)} before the ${nextCut ? 'next cut' : 'end of the traffic'}, shorter than the ${formatDuration(check.withinMs)} allowed${sampling.text}`, sampling.details);
    }
    const peak = Math.max(...indices.map((i) => series.v[i] ?? 0));
    const parts: string[] = [];
    if (flicker) parts.push(`it reached ${formatRate(series.v[flicker.i] ?? 0)} at ${atSeconds(series.t[flicker.i] ?? 0)} but did not stay ≥ ${formatRate(bound.bps)} for ${formatDuration(holdMs)} (time-weighted mean ${Number.isFinite(flicker.holdMean) ? formatRate(flicker.holdMean) : 'not measured'})`);
    if (late) parts.push(`it first reached ${formatRate(series.v[late.i] ?? 0)} ${formatDuration(late.reachMs)} after the restore (allowed ${formatDuration(check.withinMs)}), too late to watch its hold`);
    if (!flicker && !late) parts.push(`not reached in ${formatDuration(watchedMs)} (peak ${formatRate(peak)})`);
    return verdict(false, {
      name, kind: 'recovery', expected,
      measured: flicker ? `not held in ${formatDuration(watchedMs)}` : late ? `${formatDuration(late.reachMs)}, hold not watched` : `not reached in ${formatDuration(watchedMs)}`,
      bound: check.withinMs, unit: 'ms',
      message: `${restored} never carried ≥ ${formatRate(bound.bps)} for ${formatDuration(holdMs)}: ${parts.join('; ')}${sampling.text}`,
      details: [
        { name: `${path} peak after the restore`, value: peak, unit: 'bit/s', bound: bound.bps },
        ...(flicker ? [{ name: `${path} mean over the hold`, value: Number.isFinite(flicker.holdMean) ? flicker.holdMean : 0, unit: 'bit/s', bound: bound.bps }] : []),
        ...sampling.details,
      ],
    });
  });
}
