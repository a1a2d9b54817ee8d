import { checkFailover } from './failover';
import { buildSeedRecord } from './__fixtures__/seed-record';
import { cutNeverVerified, cutReadBackFailed, cutThatDidNothing, restoreStraddledBySample } from './__fixtures__/adversarial';

const check = { kind: 'failover', min: { percent: 80 }, withinMs: 1000 } as const;

describe('checkFailover', () => {
  it('passes the seed: goodput back on vlan180 within 1 s of the cut, ~0.94 Gbit/s until the restore', () => {
    const [r, ...rest] = checkFailover(buildSeedRecord(), check);
    expect(rest).toHaveLength(0);
    expect(r).toMatchObject({ name: 'failover:vlan181', status: 'pass', bound: 800e6, unit: 'bit/s' });
    expect(r?.expected).toBe('failover ≤ 1.00 s, then ≥ 800.0 Mbit/s (80% of 1.00 Gbit/s vlan180)');
    // Dip of 200 ms from 3.012 s, then the sample ending at 3.3 s is the first sustained one.
    expect(r?.details?.[0]).toEqual({ name: 'failover time', value: 288, unit: 'ms', bound: 1000 });
    expect(r?.value).toBeGreaterThan(920e6);
    expect(r?.message).toContain('from 4.01 s to the restore at 6.01 s over vlan180');
  });

  it('fails a failover slower than allowed, with the time measured', () => {
    const [r] = checkFailover(buildSeedRecord({ failoverMs: 1500 }), check);
    expect(r?.status).toBe('fail');
    // The dip also drags the mean from cut + 1 s below the bound.
    expect(r?.measured).toBe('failover 1.59 s, then 748.3 Mbit/s');
    expect(r?.details?.[0]).toMatchObject({ name: 'failover time', value: 1588, bound: 1000 });
    expect(r?.message).toContain('(allowed 1.00 s)');
  });

  it('fails when goodput never comes back during the cut', () => {
    const [r] = checkFailover(buildSeedRecord({ stall: { fromMs: 3000, durationMs: 3100 } }), check);
    expect(r?.status).toBe('fail');
    expect(r?.measured).toMatch(/^failover never \(not in 3\.00 s\), then 0 bit\/s$/);
  });

  it('fails when the survivors carry less than the bound', () => {
    const [r] = checkFailover(buildSeedRecord(), { ...check, min: { rateBps: 990e6 } });
    expect(r?.status).toBe('fail');
    expect(r?.message).toContain('< 990.0 Mbit/s');
  });

  it('is an error when the planned cut was not recorded', () => {
    const rec = buildSeedRecord();
    rec.events = rec.events.filter((e) => e.kind !== 'cut');
    const [r] = checkFailover(rec, check);
    expect(r?.status).toBe('error');
    expect(r?.message).toContain('planned at 3.00 s was not recorded');
  });

  it('is an error when the outage is too short to measure', () => {
    const [r] = checkFailover(buildSeedRecord({ outages: [{ path: 'vlan181', cutMs: 3000, restoreMs: 3150 }] }), check);
    expect(r?.status).toBe('error');
    expect(r?.message).toMatch(/holds \d sample/);
  });

  it('is an error when the cut came after the traffic ended', () => {
    const [r] = checkFailover(buildSeedRecord({ outages: [{ path: 'vlan181', cutMs: 30_000 }] }), check);
    expect(r?.status).toBe('error');
    expect(r?.message).toContain('after the traffic ended');
  });

  it('is an error when no path survives a percent bound', () => {
    const rec = buildSeedRecord({ outages: [{ path: 'vlan180', cutMs: 3000, restoreMs: 6000 }, { path: 'vlan181', cutMs: 3000, restoreMs: 6000 }] });
    const results = checkFailover(rec, check);
    expect(results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(results[0]?.message).toContain('nothing to fail over to');
  });

  it('names each cut of a path cut twice, and skips when nothing is cut', () => {
    const rec = buildSeedRecord({ outages: [{ path: 'vlan181', cutMs: 2000, restoreMs: 3500 }, { path: 'vlan181', cutMs: 5000, restoreMs: 7000 }] });
    expect(checkFailover(rec, check).map((r) => `${r.name} ${r.status}`)).toEqual(['failover:vlan181@2s pass', 'failover:vlan181@5s pass']);
    expect(checkFailover(buildSeedRecord({ outages: [] }), check)[0]).toMatchObject({ name: 'failover', status: 'skipped' });
  });

  it('is an error, not a pass, when the cut was never read back', () => {
    const [r] = checkFailover(cutNeverVerified(), check);
    expect(r?.status).toBe('error');
    expect(r?.message).toBe('cannot measure: the cut of vlan181 at 3.00 s was not seen to take effect: it was never read back (no evidence recorded)');
  });

  it('is an error naming the evidence when the read-back says the cut did not happen', () => {
    const [r] = checkFailover(cutReadBackFailed(), check);
    expect(r?.status).toBe('error');
    expect(r?.message).toContain('the cut of vlan181 at 3.00 s was not seen to take effect: veth181b operstate up, carrier 1 500 ms after the command');
  });

  it('is an error when the cut path kept carrying traffic while "cut", with its bytes in details', () => {
    const [r] = checkFailover(cutThatDidNothing(), check);
    expect(r?.status).toBe('error');
    expect(r?.message).toMatch(/the cut did not take effect: vlan181 carried 3\d\d\.\d MB while cut/);
    const leak = r?.details?.find((d) => d.name === 'vlan181 bytes while cut');
    expect(leak?.value).toBeGreaterThan(3e8);
    expect(leak?.bound).toBeGreaterThanOrEqual(64 * 1024);
  });

  it('does not count the bytes of the sample straddling the restore as carried while cut', () => {
    const [r] = checkFailover(restoreStraddledBySample(), check);
    expect(r?.status).toBe('pass');
    expect(r?.details?.find((d) => d.name === 'vlan181 bytes while cut')?.value).toBe(0);
  });

  it('times the failover from when the cut was seen to take effect, not when its command returned', () => {
    // The carrier went down 150 ms after `ip link set down` returned: the dip starts then (from the command it would read 488 ms).
    const [r] = checkFailover(buildSeedRecord({ effectiveDelayMs: 150 }), check);
    expect(r?.status).toBe('pass');
    expect(r?.details?.[0]).toEqual({ name: 'failover time', value: 338, unit: 'ms', bound: 1000 });
    expect(r?.message).toContain('after vlan181 was cut at 3.16 s');
  });

  it('is an error when every path is cut, whatever the bound (absolute too)', () => {
    const rec = buildSeedRecord({ outages: [{ path: 'vlan180', cutMs: 3000, restoreMs: 6000 }, { path: 'vlan181', cutMs: 3000, restoreMs: 6000 }] });
    const results = checkFailover(rec, { ...check, min: { rateBps: 0 } });
    expect(results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(results[1]?.message).toContain('nothing to fail over to');
  });

  it('says when the sampler had gaps or failed samples during the cut', () => {
    const rec = buildSeedRecord();
    rec.sampling = { intervalMs: 100, samples: 100, skippedTicks: 3, errors: [{ tMs: 4200, message: 'rx_bytes of veth180b unreadable' }], gaps: [{ fromMs: 4000, toMs: 4300 }] };
    const [r] = checkFailover(rec, check);
    expect(r?.message).toContain('; sampling: 1 gap with no sample (4.00–4.30 s; longest 300 ms), 1 failed sample (first at 4.20 s: rx_bytes of veth180b unreadable) in this window');
    expect(r?.details).toEqual(expect.arrayContaining([{ name: 'sampling gaps in the window', value: 1, unit: 'gaps' }, { name: 'failed samples in the window', value: 1, unit: 'samples' }]));
  });
});
