import { checkStall } from './stall';
import { buildSeedRecord } from './__fixtures__/seed-record';
import { oneZeroSampleOverTwoSeconds, samplingGapHidingAStall } from './__fixtures__/adversarial';

const check = { kind: 'stall', below: { percent: 10 }, longerThanMs: 1000 } as const;

describe('checkStall', () => {
  it('passes the seed: the failover dip is the longest stretch below 10%, 200 ms', () => {
    const r = checkStall(buildSeedRecord(), check);
    expect(r).toMatchObject({ status: 'pass', value: 200, bound: 1000, unit: 'ms' });
    expect(r.message).toContain('below 200.0 Mbit/s for 200 ms from 3.00 s');
  });

  it('fails a 1.5 s stall', () => {
    const r = checkStall(buildSeedRecord({ outages: [], stall: { fromMs: 4000, durationMs: 1500 } }), check);
    expect(r.status).toBe('fail');
    expect(r.measured).toBe('1.50 s');
    expect(r.message).toContain('for 1.50 s from 4.00 s (allowed 1.00 s)');
  });

  it('ignores the warm-up and the last (partial) sample', () => {
    const rec = buildSeedRecord({ outages: [] });
    rec.goodput.v[0] = 0;
    rec.goodput.v[rec.goodput.v.length - 1] = 0;
    expect(checkStall(rec, check)).toMatchObject({ status: 'pass', value: 0 });
  });

  it('counts samples without a value as below the floor, never as flowing', () => {
    const rec = buildSeedRecord({ outages: [] });
    // 1.5 s of goodput samples that hold NaN (in memory) or null (read back from result.json).
    for (let i = 40; i < 55; i++) rec.goodput.v[i] = i % 2 ? NaN : (null as unknown as number);
    const r = checkStall(rec, check);
    expect(r.status).toBe('fail');
    expect(r.measured).toBe('1.50 s');
  });

  it('is an error when the traffic is too short to watch', () => {
    const rec = buildSeedRecord();
    rec.traffic.endedMs = 700;
    expect(checkStall(rec, check).status).toBe('error');
  });

  it('measures a stall in time: one zero sample covering 3.0–5.0 s is a 2 s stall', () => {
    const r = checkStall(oneZeroSampleOverTwoSeconds(), check);
    expect(r.status).toBe('fail');
    expect(r.measured).toBe('2.00 s');
    expect(r.message).toContain('for 2.00 s from 3.00 s (allowed 1.00 s)');
  });

  it('counts a sampling gap longer than the bound as below the floor, and says so', () => {
    const r = checkStall(samplingGapHidingAStall(), check);
    expect(r.status).toBe('fail');
    expect(r.measured).toBe('1.50 s');
    expect(r.message).toContain('1 sampling gap longer than 1.00 s counted as below the floor');
    expect(r.details).toContainEqual({ name: 'longest sampling gap in the window', value: 1500, unit: 'ms' });
  });

  it('reports a short sampling gap and failed samples without counting them as a stall', () => {
    const rec = buildSeedRecord({ outages: [] });
    rec.sampling = { intervalMs: 100, samples: 100, skippedTicks: 2, errors: [{ tMs: 2000, message: 'EIO' }], gaps: [{ fromMs: 4000, toMs: 4300 }] };
    const r = checkStall(rec, check);
    expect(r.status).toBe('pass');
    expect(r.message).toContain('sampling: 1 gap with no sample (4.00–4.30 s; longest 300 ms), 1 failed sample (first at 2.00 s: EIO) in this window');
  });
});
