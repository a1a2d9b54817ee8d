/**
 * stall: the seed's failure mode, where a download "stopped dead" (the dss checksum error).
 * The longest stretch of goodput below a floor, after the warm-up, in time: each sample
 * stands for its own interval (one zero sample covering 3.0–5.0 s is a 2 s stall), and a
 * sampling gap longer than the bound counts as below the floor (no one saw it flow).
 */
import { capacityBps, type PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { formatDuration, formatRate } from '../model/units';
import { cannotMeasure, resolveRate, verdict } from './bounds';
import { dataPaths } from './outages';
import { samplingIssues } from './sampling';
import { atSeconds, sampleSpan, throughputIn, tooFewSamples, WARMUP_MS, type Window } from './windows';

/** The detail naming where the longest stretch below the floor began (ms from the traffic start): the report explains what happened there. */
export const STALL_FROM = 'stall starts at';

/** The longest time below `below` (a % of all data paths' capacity, or a rate) ≤ `longerThanMs`. */
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

  const below: Window[] = [];
  for (const i of indices) {
    // Written as "not at or above" so a sample without a value (NaN, or null from JSON) counts as below.
    if ((src.series.v[i] ?? NaN) >= bound.bps) continue;
    const span = clip(sampleSpan(src.series, i, src.intervalMs), window);
    if (span) below.push(span);
  }
  const sampling = samplingIssues(record, window);
  const blindGaps = sampling.gaps.filter((g) => g.toMs - g.fromMs > check.longerThanMs);
  const longest = longestUnion([...below, ...blindGaps]);
  const ms = longest ? longest.toMs - longest.fromMs : 0;

  const ok = ms <= check.longerThanMs;
  const blind = blindGaps.length ? `; ${blindGaps.length} sampling gap${blindGaps.length === 1 ? '' : 's'} longer than ${formatDuration(check.longerThanMs)} counted as below the floor` : '';
  return verdict(ok, {
    name,
    kind: 'stall',
    expected,
    measured: formatDuration(ms),
    bound: check.longerThanMs,
    value: ms,
    unit: 'ms',
    message:
      (!longest
        ? `${src.label} never fell below ${formatRate(bound.bps)} after the warm-up`
        : `${src.label} stayed below ${formatRate(bound.bps)} for ${formatDuration(ms)} from ${atSeconds(longest.fromMs)}${ok ? '' : ` (allowed ${formatDuration(check.longerThanMs)})`}`) +
      blind + sampling.text,
    details: [
      { name: 'longest time below the floor', value: ms, unit: 'ms', bound: check.longerThanMs },
      ...(longest ? [{ name: STALL_FROM, value: Math.round(longest.fromMs), unit: 'ms' }] : []),
      ...sampling.details,
    ],
  });
}

function clip(w: Window, to: Window): Window | undefined {
  const fromMs = Math.max(w.fromMs, to.fromMs);
  const toMs = Math.min(w.toMs, to.toMs);
  return toMs > fromMs ? { fromMs, toMs } : undefined;
}

/** The longest stretch covered by the union of the windows (touching windows join). */
function longestUnion(windows: Window[]): Window | undefined {
  const sorted = [...windows].sort((a, b) => a.fromMs - b.fromMs);
  let best: Window | undefined;
  let cur: Window | undefined;
  for (const w of sorted) {
    if (cur && w.fromMs <= cur.toMs) cur.toMs = Math.max(cur.toMs, w.toMs);
    else cur = { ...w };
    if (!best || cur.toMs - cur.fromMs > best.toMs - best.fromMs) best = { ...cur };
  }
  return best;
}
