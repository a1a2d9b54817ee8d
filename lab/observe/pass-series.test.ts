import { buildPassSeries, type PassSample } from './pass-series';

const sample = (tMs: number, a: number, b: number, received?: number, subA = 1, subB = 1): PassSample => ({
  tMs,
  value: { veth: { va: { txBytes: a, rxBytes: a / 100 }, vb: { txBytes: b, rxBytes: b / 100 } }, subflows: { a: subA, b: subB }, ...(received !== undefined ? { received } : {}) },
});
const input = { paths: [{ name: 'a' }, { name: 'b' }], sender: 'pc1', receiver: 'pc2', vethOf: (p: string) => (p === 'a' ? 'va' : 'vb') };

describe('buildPassSeries', () => {
  it('turns veth counters into per-path rates, their sum, totals, and the sampled goodput and subflows', () => {
    const rel = [sample(0, 0, 0, 0), sample(100, 12.5e6, 6.25e6, 18e6), sample(200, 25e6, 12.5e6, 36e6, 1, 0)];
    const s = buildPassSeries(rel, input);
    expect(s.paths.map((p) => [p.path, p.v, p.totalBytes, p.reverseBytes])).toEqual([
      ['a', [1e9, 1e9], 25e6, 25e4],
      ['b', [5e8, 5e8], 12.5e6, 12.5e4],
    ]);
    expect(s.aggregate.v).toEqual([1.5e9, 1.5e9]);
    expect(s.goodput.v).toEqual([1.44e9, 1.44e9]);
    expect(s.subflows.v).toEqual([2, 2, 1]);
    expect(s.subflowsPerPath.b?.v).toEqual([1, 1, 0]);
  });
  it('prefers the tool\'s own timed goodput', () => {
    const own = { unit: 'bit/s' as const, t: [50], v: [7] };
    expect(buildPassSeries([sample(0, 0, 0, 0), sample(100, 1, 1, 5)], { ...input, reportedGoodput: own }).goodput).toBe(own);
  });
});
