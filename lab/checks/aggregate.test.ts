import { checkAggregate } from './aggregate';
import { buildSeedRecord } from './__fixtures__/seed-record';
import { idleSlowPath } from './__fixtures__/adversarial';

const pct85 = { kind: 'aggregate', min: { percent: 85 } } as const;

describe('checkAggregate', () => {
  it('passes the seed: 1.87 Gbit/s of goodput against ≥ 1.70 Gbit/s (85% of 2 × 1 Gbit/s)', () => {
    const r = checkAggregate(buildSeedRecord(), pct85);
    expect(r.status).toBe('pass');
    expect(r.bound).toBeCloseTo(1.7e9);
    expect(r.value).toBeGreaterThan(1.85e9);
    expect(r.value).toBeLessThan(1.89e9);
    expect(r.measured).toBe('1.87 Gbit/s');
    expect(r.expected).toBe('≥ 1.70 Gbit/s (85% of 2.00 Gbit/s vlan180+vlan181)');
    // The window runs from the warm-up to the first cut (3 s + 12 ms to take effect).
    expect(r.message).toContain('over 0.50–3.01 s');
    expect(r.message).toMatch(/vlan180 98\d\.\d Mbit\/s, vlan181 98\d\.\d Mbit\/s/);
    expect(r.details?.map((d) => d.name)).toEqual(['mean goodput', 'mean vlan180', 'mean vlan181']);
  });

  it('FAILS when MPTCP did not aggregate: ~0.94 Gbit/s over one path', () => {
    const r = checkAggregate(buildSeedRecord({ aggregates: false }), pct85);
    expect(r.status).toBe('fail');
    expect(r.measured).toMatch(/^93\d\.\d Mbit\/s$/);
    expect(r.message).toContain('< 1.70 Gbit/s');
    expect(r.message).toMatch(/vlan181 0 bit\/s/);
  });

  it('fails an impossible bound (≥ 3 Gbit/s on 2 Gbit/s of links) and says both numbers', () => {
    const r = checkAggregate(buildSeedRecord(), { kind: 'aggregate', min: { rateBps: 3e9 } });
    expect(r.status).toBe('fail');
    expect(r).toMatchObject({ expected: '≥ 3.00 Gbit/s', measured: '1.87 Gbit/s', bound: 3e9, unit: 'bit/s' });
    expect(r.message).toContain('1.87 Gbit/s < 3.00 Gbit/s');
  });

  it('is an error, not a pass, when the window before the first cut is too short', () => {
    const r = checkAggregate(buildSeedRecord({ outages: [{ path: 'vlan181', cutMs: 600, restoreMs: 6000 }] }), pct85);
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/cannot measure: .*holds 1 sample; at least 3 are needed/);
  });

  it('is an error for a percent bound on unshaped paths, and measures an absolute one', () => {
    const rec = buildSeedRecord({ rateBps: undefined });
    const pct = checkAggregate(rec, pct85);
    expect(pct.status).toBe('error');
    expect(pct.message).toContain('needs shaped paths');
    expect(checkAggregate(rec, { kind: 'aggregate', min: { rateBps: 1.7e9 } }).status).toBe('pass');
  });

  it('falls back to link throughput when there is no goodput, and says so', () => {
    const r = checkAggregate(buildSeedRecord({ goodput: false }), pct85);
    expect(r.status).toBe('pass');
    expect(r.message).toContain('link throughput (no goodput samples)');
    expect(r.value).toBeGreaterThan(1.95e9);
  });

  it('is an error when no series has samples', () => {
    const rec = buildSeedRecord({ goodput: false });
    rec.aggregate = { t: [], v: [], unit: 'bit/s' };
    expect(checkAggregate(rec, pct85).status).toBe('error');
  });

  it('fails an idle slow path on unequal paths that the aggregate alone would pass (perPath)', () => {
    const rec = idleSlowPath();
    // Without perPath: 936 Mbit/s clears 85% of 1.1 Gbit/s (935 Mbit/s) on the fast path alone.
    expect(checkAggregate(rec, pct85).status).toBe('pass');
    const r = checkAggregate(rec, { ...pct85, perPath: { percent: 50 } });
    expect(r.status).toBe('fail');
    expect(r.expected).toBe('≥ 935.0 Mbit/s (85% of 1.10 Gbit/s vlan180+vlan181), each path ≥ 50% of its rate');
    expect(r.measured).toMatch(/^93\d\.\d Mbit\/s, 1 path below$/);
    expect(r.message).toContain('below their own bound: vlan181 0 bit/s < 50.0 Mbit/s (50% of 100.0 Mbit/s vlan181)');
    expect(r.details).toContainEqual({ name: 'mean vlan181', value: 0, unit: 'bit/s', bound: 50e6 });
  });

  it('passes perPath when every path carries its share, absolute or percent', () => {
    const rec = buildSeedRecord({ rates: [1e9, 100e6], outages: [] });
    expect(checkAggregate(rec, { kind: 'aggregate', min: { percent: 85 }, perPath: { percent: 50 } }).status).toBe('pass');
    expect(checkAggregate(rec, { kind: 'aggregate', min: { percent: 85 }, perPath: { rateBps: 200e6 } })).toMatchObject({ status: 'fail' });
  });

  it('does not hold a backup path to perPath (it is meant to idle), and says so', () => {
    const rec = buildSeedRecord({ paths: ['vlan180', 'vlan181', 'lte'], backup: { path: 'lte', idleBps: 8000 }, outages: [] });
    const plan = rec.plan;
    rec.plan = { ...plan, hosts: plan.hosts.map((h) => h.name === 'pc1' ? { ...h, mptcp: { ...h.mptcp, endpoints: [...h.mptcp.endpoints.filter((e) => e.path !== 'lte'), { path: 'lte', flags: ['signal', 'backup'], id: 9 }] } } : h) };
    const r = checkAggregate(rec, { kind: 'aggregate', min: { percent: 60 }, perPath: { percent: 50 } });
    expect(r.status).toBe('pass');
    expect(r.message).toContain('(backup, not bounded)');
  });
});
