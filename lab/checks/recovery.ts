/**
 * recovery: when a cut path comes back, MPTCP must use it again (the seed: its throughput
 * was "added back"). Measured on the restored path's own link series, one result per restore.
 */
import { capacityBps, type PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { formatDuration, formatRate } from '../model/units';
import { cannotMeasure, resolveRate, verdict } from './bounds';
import { matchPlannedEvents } from './outages';
import { atSeconds, sampleIntervalMs, samplesIn, tooFewSamples } from './windows';

type RecoveryCheck = Extract<PlanCheck, { kind: 'recovery' }>;

/** One result per planned restore: the path's own throughput first reaches `min` within `withinMs`. */
export function checkRecovery(record: RunRecord, check: RecoveryCheck): CheckResult[] {
  const restores = matchPlannedEvents(record, 'restore', 'recovery');
  const expectedTime = `back ≤ ${formatDuration(check.withinMs)}`;
  if (restores.length === 0) {
    return [{ name: 'recovery', kind: 'recovery', status: 'skipped', expected: expectedTime, measured: 'no restore', message: 'the timeline restores no path' }];
  }
  return restores.map(({ name, planned, recorded }) => {
    const path = planned.path;
    if (!recorded) return cannotMeasure(name, 'recovery', expectedTime, `the restore of ${path} planned at ${atSeconds(planned.atMs)} was not recorded (it did not take effect)`);
    const series = record.paths.find((p) => p.path === path);
    if (!series) return cannotMeasure(name, 'recovery', expectedTime, `no throughput series for path ${path}`);
    const bound = resolveRate(check.min, capacityBps(record.plan, [path], record.plan.traffic.sender), [path]);
    if ('error' in bound) return cannotMeasure(name, 'recovery', expectedTime, bound.error);
    const expected = `≥ ${bound.text} ${expectedTime}`;

    // Watch until the path is cut again or the traffic ends, whichever comes first.
    const nextCut = record.events.find((e) => e.kind === 'cut' && e.path === path && e.actualMs > recorded.actualMs);
    const window = { fromMs: recorded.actualMs, toMs: Math.min(record.traffic.endedMs, nextCut?.actualMs ?? Infinity) };
    const interval = sampleIntervalMs(series, record.intervalMs);
    const indices = samplesIn(series, window, interval);
    const short = tooFewSamples(indices.length, window, `the time from the restore of ${path} to the ${nextCut ? 'next cut' : 'end of the traffic'}`);
    if (short) return cannotMeasure(name, 'recovery', expected, short);

    const first = indices.find((i) => (series.v[i] ?? 0) >= bound.bps);
    const watchedMs = window.toMs - recorded.actualMs;
    if (first === undefined) {
      return verdict(false, {
        name,
        kind: 'recovery',
        expected,
        measured: `not reached in ${formatDuration(watchedMs)}`,
        bound: check.withinMs,
        unit: 'ms',
        message: `${path} restored at ${atSeconds(recorded.actualMs)} never carried ≥ ${formatRate(bound.bps)}: not reached in ${formatDuration(watchedMs)} (peak ${formatRate(Math.max(...indices.map((i) => series.v[i] ?? 0)))})`,
      });
    }
    // The end of the first sample at or above the bound: by then the path certainly carried it.
    const recoveryMs = Math.max(0, (series.t[first] ?? 0) - recorded.actualMs);
    const ok = recoveryMs <= check.withinMs;
    return verdict(ok, {
      name,
      kind: 'recovery',
      expected,
      measured: formatDuration(recoveryMs),
      bound: check.withinMs,
      value: recoveryMs,
      unit: 'ms',
      message: `${path} restored at ${atSeconds(recorded.actualMs)} carried ${formatRate(series.v[first] ?? 0)} (≥ ${formatRate(bound.bps)}) ${formatDuration(recoveryMs)} later${ok ? '' : `, allowed ${formatDuration(check.withinMs)}`}`,
      details: [{ name: 'recovery time', value: recoveryMs, unit: 'ms', bound: check.withinMs }, { name: `${path} at recovery`, value: series.v[first] ?? 0, unit: 'bit/s', bound: bound.bps }],
    });
  });
}
