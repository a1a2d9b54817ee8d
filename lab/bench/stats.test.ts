import { mean, median, pairRatios, ratioStats, scaled, stats, stdev } from './stats';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('is NaN for no values and does not reorder its input', () => {
    expect(median([])).toBeNaN();
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('stdev', () => {
  it('is the sample standard deviation (n - 1)', () => {
    // mean 5, squared deviations 9+1+1+9 = 20, / 3
    expect(stdev([2, 4, 6, 8])).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(stdev([1, 1, 1])).toBe(0);
  });

  it('is 0 for one value and NaN for none', () => {
    expect(stdev([42])).toBe(0);
    expect(stdev([])).toBeNaN();
  });
});

describe('stats', () => {
  it('gives n, min, median, max, mean and stdev', () => {
    expect(stats([5, 1, 3])).toEqual({ n: 3, min: 1, median: 3, max: 5, mean: 3, stdev: 2 });
  });

  it('leaves out values that are not finite (a pass that failed)', () => {
    expect(stats([NaN, 2, Infinity, 4])).toMatchObject({ n: 2, min: 2, max: 4, median: 3 });
  });

  it('is undefined when nothing was measured', () => {
    expect(stats([])).toBeUndefined();
    expect(stats([NaN])).toBeUndefined();
  });

  it('mean of nothing is NaN', () => {
    expect(mean([])).toBeNaN();
  });
});

describe('pair ratios of interleaved runs', () => {
  it('divides pair by pair', () => {
    expect(pairRatios([10, 30], [20, 10])).toEqual([0.5, 3]);
  });

  it('skips a pair with a missing side or a zero baseline, and unpaired tails', () => {
    expect(pairRatios([1, NaN, 3, 4, 5], [2, 2, 0, 8])).toEqual([0.5, 0.5]);
  });

  it('summarizes the ratios, not the ratio of medians', () => {
    // medians 20/20 = 1, but each run was twice or half its baseline
    const r = ratioStats([10, 40, 20], [20, 20, 10]);
    expect(r).toMatchObject({ n: 3, min: 0.5, median: 2, max: 2 });
  });

  it('scales values by a capacity', () => {
    expect(scaled([1e9, 2e9], 2e9)).toEqual([0.5, 1]);
  });
});
