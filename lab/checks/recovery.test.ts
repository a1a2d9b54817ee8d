import { checkRecovery } from './recovery';
import { buildSeedRecord } from './__fixtures__/seed-record';
import { cutNeverVerified, cutThatDidNothing, restoreStraddledBySample, restoreThatFlickers } from './__fixtures__/adversarial';

const check = { kind: 'recovery', withinMs: 2000, min: { percent: 10 }, holdMs: 500 } as const;

describe('checkRecovery', () => {
  it('passes the seed: vlan181 carries again ~0.4 s after its restore', () => {
    const [r] = checkRecovery(buildSeedRecord(), check);
    expect(r).toMatchObject({ name: 'recovery:vlan181', status: 'pass', value: 391, bound: 2000, unit: 'ms', measured: '391 ms' });
    expect(r?.expected).toBe('≥ 100.0 Mbit/s (10% of 1.00 Gbit/s vlan181) back ≤ 2.00 s, held 500 ms');
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

  it('fails a restored path that reaches the bound for one sample and then carries nothing', () => {
    const [r] = checkRecovery(restoreThatFlickers(), check);
    expect(r?.status).toBe('fail');
    expect(r?.message).toContain('it reached 200.0 Mbit/s at 6.40 s but did not stay ≥ 100.0 Mbit/s for 500 ms (time-weighted mean 0 bit/s)');
    expect(r?.details).toContainEqual({ name: 'vlan181 mean over the hold', value: 0, unit: 'bit/s', bound: 100e6 });
  });

  it('is an error, not a pass, when the traffic ends before the hold could be watched', () => {
    const rec = buildSeedRecord();
    // Reached at 6.40 s; the traffic ends 300 ms later, before the 500 ms hold.
    rec.traffic.endedMs = 6700;
    const [r] = checkRecovery(rec, check);
    expect(r?.status).toBe('error');
    expect(r?.message).toContain('but only 300 ms of the 500 ms hold remained before the end of the traffic');
  });

  it('is an error, not a pass, when the path\'s series stops during the hold', () => {
    const rec = buildSeedRecord();
    // Reached at 6.40 s; vlan181's series ends 200 ms later, the traffic well after.
    const p = rec.paths.find((x) => x.path === 'vlan181')!;
    const keep = p.t.filter((t) => t <= 6600).length;
    p.t = p.t.slice(0, keep);
    p.v = p.v.slice(0, keep);
    const [r] = checkRecovery(rec, check);
    expect(r?.status).toBe('error');
    expect(r?.message).toMatch(/vlan181's series covers only \d+ ms of the 500 ms hold/);
  });

  it('is an error when the traffic ends before the allowed time with no recovery seen', () => {
    const rec = buildSeedRecord({ recoveryMs: Infinity });
    rec.traffic.endedMs = 7000;
    expect(checkRecovery(rec, check)[0]).toMatchObject({ status: 'error' });
  });

  it('is an error when the cut before the restore did nothing (the path "recovers" at once)', () => {
    const [r] = checkRecovery(cutThatDidNothing(), check);
    expect(r?.status).toBe('error');
    expect(r?.message).toMatch(/the cut did not take effect: vlan181 carried/);
  });

  it('passes a cut that worked when the sample straddling the restore already carries again', () => {
    const [r] = checkRecovery(restoreStraddledBySample(), check);
    expect([r?.status, r?.message]).toEqual(['pass', expect.stringMatching(/^vlan181 restored at 6.06 s carried/)]);
  });

  it('is an error when the cut or the restore was never read back', () => {
    const [r] = checkRecovery(cutNeverVerified(), check);
    expect(r?.status).toBe('error');
    expect(r?.message).toContain('the cut of vlan181 at 3.00 s was not seen to take effect');
    const rec = buildSeedRecord();
    delete rec.events.find((e) => e.kind === 'restore')!.verified;
    expect(checkRecovery(rec, check)[0]?.message).toContain('the restore of vlan181 at 6.00 s was not seen to take effect');
  });

  it('times the recovery from when the restore was seen to take effect', () => {
    const [r] = checkRecovery(buildSeedRecord({ effectiveDelayMs: 150 }), check);
    // Effective at 6.159 s, rejoined 300 ms later: the sample ending at 6.6 s is the first (591 ms from the command).
    expect(r).toMatchObject({ status: 'pass', value: 441 });
  });
});
