import { countersToThroughput } from './throughput';

const samples = [
  { tMs: 0, value: { tx: 0 } },
  { tMs: 100, value: { tx: 12_500_000 } },
  { tMs: 200, value: { tx: 25_000_000 } },
  { tMs: 300, value: { tx: 25_000_000 } },
  { tMs: 400, value: { tx: 1_000 } },
];

describe('countersToThroughput', () => {
  it('turns byte deltas over the sampling gaps into bit/s at each later sample', () => {
    expect(countersToThroughput(samples, (v) => v.tx)).toEqual({ t: [100, 200, 300, 400], v: [1e9, 1e9, 0, 0], unit: 'bit/s' });
  });

  it('uses the real gap between samples, not the nominal interval', () => {
    const uneven = [
      { tMs: 0, value: 0 },
      { tMs: 250, value: 12_500_000 },
    ];
    expect(countersToThroughput(uneven, (v) => v).v).toEqual([4e8]);
  });

  it('gives an empty series for fewer than two samples', () => {
    expect(countersToThroughput([{ tMs: 5, value: 1 }], (v) => v)).toEqual({ t: [], v: [], unit: 'bit/s' });
  });
});
