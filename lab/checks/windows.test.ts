import { bytesAt, samplesIn, samplesWithin, sampleIntervalMs } from './windows';
import { outages, splitByOthersUp } from './outages';
import { buildSeedRecord } from './__fixtures__/seed-record';

describe('windows', () => {
  const s = { t: [100, 200, 300, 401, 500], v: [8000, 8000, 8000, 8000, 8000], unit: 'bit/s' as const };

  it('places a sample by the midpoint of the interval it ends', () => {
    expect(sampleIntervalMs(s, 50)).toBe(100);
    // [150, 300]: the sample ending at 200 covers 100–200 (midpoint 150) and is in.
    expect(samplesIn(s, { fromMs: 150, toMs: 300 }, 100)).toEqual([1, 2]);
    expect(samplesIn(s, { fromMs: 151, toMs: 349 }, 100)).toEqual([2]);
  });

  it('integrates a rate into bytes with each sample’s own interval', () => {
    // 8000 bit/s = 1000 B/s: 100 ms → 100 B; the 101 ms step → 101 B.
    expect(bytesAt(s, [0, 3], 100)).toBeCloseTo(201);
  });

  it('splits the traffic into all-up and others-down windows from the recorded events', () => {
    const rec = buildSeedRecord();
    expect(outages(rec).map((o) => [o.path, o.fromMs, o.toMs])).toEqual([['vlan181', 3012, 6009]]);
    const { allUp, othersDown } = splitByOthersUp(rec);
    expect(othersDown).toEqual([{ fromMs: 3012, toMs: 6009 }]);
    expect(allUp).toEqual([{ fromMs: 0, toMs: 3012 }, { fromMs: 6009, toMs: rec.traffic.endedMs }]);
    expect(splitByOthersUp(rec, 'vlan181').othersDown).toEqual([]);
  });
});

describe('samplesWithin', () => {
  const series = { t: [2900, 3000, 3260, 3360, 5999, 6105, 6200], v: [1, 1, 1, 0, 0, 1, 1], unit: 'bit/s' };
  it('keeps only samples whose whole interval lies in the window, however late the one straddling an edge', () => {
    // 3260 covers 3000-3260 across a cut at 3012 (a late sample, more than one interval); 6105 covers 5999-6105 across a restore at 6054.
    expect(samplesWithin(series as never, { fromMs: 3012, toMs: 6054 }).map((i) => series.t[i])).toEqual([3360, 5999]);
  });
  it('is empty for a window shorter than any sample interval', () => {
    expect(samplesWithin(series as never, { fromMs: 3012, toMs: 3100 })).toEqual([]);
  });
});
