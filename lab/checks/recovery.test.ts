import { checkRecovery } from './recovery';
import { buildSeedRecord } from './__fixtures__/seed-record';

const check = { kind: 'recovery', withinMs: 2000, min: { percent: 10 } } as const;

describe('checkRecovery', () => {
  it('passes the seed: vlan181 carries again ~0.4 s after its restore', () => {
    const [r] = checkRecovery(buildSeedRecord(), check);
    expect(r).toMatchObject({ name: 'recovery:vlan181', status: 'pass', value: 391, bound: 2000, unit: 'ms', measured: '391 ms' });
    expect(r?.expected).toBe('≥ 100.0 Mbit/s (10% of 1.00 Gbit/s vlan181) back ≤ 2.00 s');
  });

  it('fails when the path is used again too late', () => {
    const [r] = checkRecovery(buildSeedRecord({ recoveryMs: 2500 }), check);
    expect(r?.status).toBe('fail');
    expect(r?.measured).toBe('2.59 s');
    expect(r?.message).toContain('allowed 2.00 s');
  });

  it('fails with "not reached in X" when the path never carries again', () => {
    const rec = buildSeedRecord({ recoveryMs: Infinity });
    const [r] = checkRecovery(rec, check);
    expect(r?.status).toBe('fail');
    const watched = ((rec.traffic.endedMs - 6009) / 1000).toFixed(2);
    expect(r?.measured).toBe(`not reached in ${watched} s`);
    expect(r?.message).toContain('never carried ≥ 100.0 Mbit/s');
  });

  it('is an error when the traffic ends right after the restore', () => {
    const rec = buildSeedRecord();
    rec.traffic.endedMs = 6009 + 150;
    const [r] = checkRecovery(rec, check);
    expect(r?.status).toBe('error');
  });

  it('is an error when the restored path has no series', () => {
    const rec = buildSeedRecord();
    rec.paths = rec.paths.filter((p) => p.path !== 'vlan181');
    expect(checkRecovery(rec, check)[0]).toMatchObject({ status: 'error', message: 'cannot measure: no throughput series for path vlan181' });
  });

  it('skips when nothing is restored', () => {
    expect(checkRecovery(buildSeedRecord({ outages: [{ path: 'vlan181', cutMs: 3000 }] }), check)[0]?.status).toBe('skipped');
  });
});
