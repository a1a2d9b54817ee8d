/**
 * failover: when a path is cut, the transfer goes on over the others (the seed: "the missing
 * link's throughput was simply subtracted"). One result per planned cut. Timed from when
 * the cut was seen to take effect; a cut never seen to, or one the cut path kept carrying
 * traffic through, is an error: there was no failover to judge.
 */
import { capacityBps, type PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { formatDuration, formatRate } from '../model/units';
import { cannotMeasure, resolveRate, verdict } from './bounds';
import { cutDidNotTakeEffect } from './cut-effect';
import { dataPaths, eventMs, matchPlannedEvents, notSeenToTakeEffect, outages, pathsUpThroughout } from './outages';
import { samplingIssues } from './sampling';
import { atSeconds, MIN_SAMPLES, meanAt, samplesIn, throughputIn, tooFewSamples, type ThroughputSamples } from './windows';

type FailoverCheck = Extract<PlanCheck, { kind: 'failover' }>;

/** One result per planned cut: goodput back ≥ bound within `withinMs`, and its mean until the restore ≥ bound. */
export function checkFailover(record: RunRecord, check: FailoverCheck): CheckResult[] {
  const cuts = matchPlannedEvents(record, 'cut', 'failover');
  if (cuts.length === 0) {
    return [{ name: 'failover', kind: 'failover', status: 'skipped', expected: `failover ≤ ${formatDuration(check.withinMs)}`, measured: 'no cut', message: 'the timeline cuts no path' }];
  }
  return cuts.map(({ name, planned, recorded }) => {
    const expectedTime = `failover ≤ ${formatDuration(check.withinMs)}`;
    if (!recorded) return cannotMeasure(name, 'failover', expectedTime, `the cut of ${planned.path} planned at ${atSeconds(planned.atMs)} was not recorded (it did not take effect)`);
    const unseen = notSeenToTakeEffect(recorded);
    if (unseen) return cannotMeasure(name, 'failover', expectedTime, unseen);
    const cutMs = eventMs(recorded);
    const outage = outages(record).find((o) => o.cut === recorded);
    const window = { fromMs: cutMs, toMs: Math.min(outage?.toMs ?? record.traffic.endedMs, record.traffic.endedMs) };
    if (window.fromMs >= record.traffic.endedMs) {
      return cannotMeasure(name, 'failover', expectedTime, `${planned.path} was cut at ${atSeconds(cutMs)}, after the traffic ended at ${atSeconds(record.traffic.endedMs)}`);
    }
    const leak = outage ? cutDidNotTakeEffect(record, outage) : { details: [] };
    if (leak.reason) return cannotMeasure(name, 'failover', expectedTime, leak.reason, leak.details);
    const surviving = pathsUpThroughout(record, window);
    // Whatever the bound, with every path cut there is no failover to judge (a rate bound would only measure the silence).
    if (surviving.length === 0) {
      return cannotMeasure(name, 'failover', expectedTime, `no path of ${dataPaths(record).join(', ')} stayed up while ${planned.path} was cut; there is nothing to fail over to`);
    }
    const bound = resolveRate(check.min, capacityBps(record.plan, surviving, record.plan.traffic.sender), surviving);
    if ('error' in bound) return cannotMeasure(name, 'failover', expectedTime, bound.error);
    const expected = `${expectedTime}, then ≥ ${bound.text}`;
    const until = outage?.restore && outage.toMs < record.traffic.endedMs ? `the restore at ${atSeconds(window.toMs)}` : `the end at ${atSeconds(window.toMs)}`;

    const src = throughputIn(record, window);
    const shortCut = tooFewSamples(src.indices.length, window, `the cut of ${planned.path}`);
    if (shortCut) return cannotMeasure(name, 'failover', expected, shortCut);
    const failoverMs = timeToSustained(src, bound.bps, cutMs);

    const steady = { fromMs: cutMs + check.withinMs, toMs: window.toMs };
    const steadyIdx = samplesIn(src.series, steady, src.intervalMs);
    const mean = meanAt(src.series, steadyIdx);
    const shortSteady = tooFewSamples(steadyIdx.length, steady, `the time from the cut + ${formatDuration(check.withinMs)} to ${until}`);
    const timeOk = failoverMs !== undefined && failoverMs <= check.withinMs;
    // A failover that never happened is a measured failure even when the mean cannot be taken.
    if (shortSteady && timeOk) return cannotMeasure(name, 'failover', expected, shortSteady);
    const meanOk = !shortSteady && mean >= bound.bps;
    const sampling = samplingIssues(record, window);

    const timeText = failoverMs === undefined ? `never (not in ${formatDuration(window.toMs - cutMs)})` : formatDuration(failoverMs);
    const meanText = shortSteady ? 'mean not measured' : `then ${formatRate(mean)}`;
    const reached = failoverMs === undefined
      ? `${src.label} never stayed ≥ ${formatRate(bound.bps)} for ${MIN_SAMPLES} samples after ${planned.path} was cut at ${atSeconds(cutMs)}`
      : `${src.label} back ≥ ${formatRate(bound.bps)} ${formatDuration(failoverMs)} after ${planned.path} was cut at ${atSeconds(cutMs)}${timeOk ? '' : ` (allowed ${formatDuration(check.withinMs)})`}`;
    const meanPart = shortSteady
      ? shortSteady
      : `mean ${formatRate(mean)} ${meanOk ? '≥' : '<'} ${formatRate(bound.bps)} from ${atSeconds(steady.fromMs)} to ${until} over ${surviving.join('+')}`;
    return verdict(timeOk && meanOk, {
      name,
      kind: 'failover',
      expected,
      measured: `failover ${timeText}, ${meanText}`,
      bound: bound.bps,
      value: Number.isNaN(mean) ? undefined : mean,
      unit: 'bit/s',
      message: `${reached}; ${meanPart}${sampling.text}`,
      details: [
        ...(failoverMs === undefined ? [] : [{ name: 'failover time', value: failoverMs, unit: 'ms', bound: check.withinMs }]),
        ...(Number.isNaN(mean) ? [] : [{ name: `mean ${src.source} during the cut`, value: mean, unit: 'bit/s', bound: bound.bps }]),
        ...leak.details,
        ...sampling.details,
      ],
    });
  });
}

/**
 * Time from the cut to the END of the first sample from which the rate stays ≥ bound for
 * MIN_SAMPLES samples (or to the end of the window): never faster than what was observed.
 */
function timeToSustained(src: ThroughputSamples, boundBps: number, cutMs: number): number | undefined {
  const { indices, series } = src;
  for (let k = 0; k < indices.length; k++) {
    const run = indices.slice(k, k + MIN_SAMPLES);
    if (run.every((i) => (series.v[i] ?? 0) >= boundBps)) return Math.max(0, (series.t[indices[k] ?? 0] ?? 0) - cutMs);
  }
  return undefined;
}
