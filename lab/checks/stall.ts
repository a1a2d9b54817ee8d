/**
 * stall: the seed's failure mode, where a download "stopped dead" (the dss checksum error).
 * The longest stretch of goodput below a floor, after the warm-up.
 */
import { capacityBps, type PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { formatDuration, formatRate } from '../model/units';
import { cannotMeasure, resolveRate, verdict } from './bounds';
import { dataPaths } from './outages';
import { atSeconds, throughputIn, tooFewSamples, WARMUP_MS } from './windows';

/** The longest run of samples below `below` (a % of all data paths' capacity, or a rate) ≤ `longerThanMs`. */
export function checkStall(record: RunRecord, check: Extract<PlanCheck, { kind: 'stall' }>): CheckResult {
  const name = 'stall';
  const paths = dataPaths(record);
  const bound = resolveRate(check.below, capacityBps(record.plan, paths, record.plan.traffic.sender), paths);
  const expectedTime = `below the floor ≤ ${formatDuration(check.longerThanMs)}`;
  if ('error' in bound) return cannotMeasure(name, 'stall', expectedTime, bound.error);
  const expected = `< ${bound.text} for ≤ ${formatDuration(check.longerThanMs)}`;

  const window = { fromMs: record.traffic.startedMs + WARMUP_MS, toMs: record.traffic.endedMs };
  const src = throughputIn(record, window);
  // The last sample covers the transfer's final partial interval: low by construction.
  const indices = src.indices.slice(0, -1);
  const short = tooFewSamples(indices.length, window, 'the traffic after the warm-up');
  if (short) return cannotMeasure(name, 'stall', expected, short);

  const { t, v } = src.series;
  let longest = { ms: 0, fromMs: 0 };
  let runStart = -1;
  let prev = -1;
  const close = (last: number) => {
    const startIdx = indices[runStart] ?? 0;
    const ms = (t[last] ?? 0) - (t[startIdx] ?? 0) + src.intervalMs;
    if (ms > longest.ms) longest = { ms, fromMs: (t[startIdx] ?? 0) - src.intervalMs };
  };
  indices.forEach((i, k) => {
    // Written as "not at or above" so a sample without a value (NaN, or null from JSON) counts as below.
    if (!((v[i] ?? NaN) >= bound.bps)) {
      if (runStart < 0) runStart = k;
    } else if (runStart >= 0) {
      close(prev);
      runStart = -1;
    }
    prev = i;
  });
  if (runStart >= 0) close(prev);

  const ok = longest.ms <= check.longerThanMs;
  return verdict(ok, {
    name,
    kind: 'stall',
    expected,
    measured: formatDuration(longest.ms),
    bound: check.longerThanMs,
    value: longest.ms,
    unit: 'ms',
    message:
      longest.ms === 0
        ? `${src.label} never fell below ${formatRate(bound.bps)} after the warm-up`
        : `${src.label} stayed below ${formatRate(bound.bps)} for ${formatDuration(longest.ms)} from ${atSeconds(longest.fromMs)}${ok ? '' : ` (allowed ${formatDuration(check.longerThanMs)})`}`,
  });
}
