import { samplingGaps } from './traffic-run';

describe('samplingGaps', () => {
  it('names every stretch over twice the interval without a sample (one sample covering 3.0-5.0 s is a gap, not 100 ms)', () => {
    expect(samplingGaps([0, 100, 200, 3000, 5000, 5100], 100)).toEqual([
      { fromMs: 200, toMs: 3000 },
      { fromMs: 3000, toMs: 5000 },
    ]);
  });
  it('a steady series has none', () => {
    expect(samplingGaps([0, 101, 199, 302, 400], 100)).toEqual([]);
  });
});
