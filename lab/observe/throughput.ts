/**
 * Counter samples → rates. A point of a rate series at t[i] is the mean
 * rate over (t[i−1], t[i]]: what the counters grew by between two samples, over the time
 * between them.
 */
import type { Series } from '../model/record';
import type { Sample } from './sampler';

/**
 * bit/s at each sample time after the first, from a byte counter picked out of each sample.
 * A counter that went backwards (an interface re-created) counts as no traffic, not as negative.
 */
export function countersToThroughput<T>(samples: ReadonlyArray<Sample<T>>, pick: (value: T) => number): Series {
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]!;
    const cur = samples[i]!;
    const dt = cur.tMs - prev.tMs;
    if (dt <= 0) continue;
    const bytes = Math.max(0, pick(cur.value) - pick(prev.value));
    t.push(cur.tMs);
    v.push((bytes * 8 * 1000) / dt);
  }
  return { t, v, unit: 'bit/s' };
}
