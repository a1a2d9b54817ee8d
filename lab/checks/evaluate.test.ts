import { evaluateChecks } from './evaluate';
import { buildSeedRecord } from './__fixtures__/seed-record';

describe('evaluateChecks', () => {
  it('evaluates every check of the seed plan, in order, all passing', () => {
    const results = evaluateChecks(buildSeedRecord());
    expect(results.map((r) => `${r.name}:${r.status}`)).toEqual([
      'mptcp:pass', 'integrity:pass', 'aggregate:pass', 'failover:vlan181:pass',
      'recovery:vlan181:pass', 'stall:pass', 'subflows:pass', 'kernelLog:pass',
    ]);
    for (const r of results) {
      expect(r.expected).not.toBe('');
      expect(r.measured).not.toBe('');
      expect(r.message).not.toContain('\n');
    }
  });

  it('fails mptcp, aggregate, recovery and subflows on a fallback run (the second path is never used)', () => {
    const failed = evaluateChecks(buildSeedRecord({ fellBack: true })).filter((r) => r.status === 'fail').map((r) => r.name);
    expect(failed).toEqual(['mptcp', 'aggregate', 'recovery:vlan181', 'subflows']);
  });

  it('never passes a rate or time check on series whose samples hold no value (NaN)', () => {
    const rec = buildSeedRecord();
    for (const s of [rec.goodput, rec.aggregate, ...rec.paths]) s.v = s.v.map(() => NaN);
    const results = evaluateChecks(rec).filter((r) => ['aggregate', 'failover', 'recovery', 'stall'].includes(r.kind));
    expect(results.map((r) => r.kind)).toEqual(['aggregate', 'failover', 'recovery', 'stall']);
    for (const r of results) expect(`${r.name}:${r.status}`).not.toBe(`${r.name}:pass`);
  });

  it('turns a check that throws into an error result, never a pass', () => {
    const rec = buildSeedRecord();
    (rec as { paths: unknown }).paths = null;
    const r = evaluateChecks(rec).find((c) => c.name === 'aggregate');
    expect(r).toMatchObject({ status: 'error' });
    expect(r?.message).toMatch(/^the check crashed: /);
  });

  it('reports a check the plan marks skip as skipped, with its reason and bound, never dropping it', () => {
    const checks = [
      { kind: 'mptcp' },
      { kind: 'failover', min: { percent: 80 }, withinMs: 1000, skip: '--size 100MB ends the traffic at ~0.5 s, before the cut at 3 s' },
      { kind: 'backupIdle', path: 'lte', maxBytes: 100_000, skip: 'no backup path in this variant' },
    ] as const;
    const results = evaluateChecks(buildSeedRecord({ checks: [...checks] }));
    expect(results.map((r) => `${r.name}:${r.status}`)).toEqual(['mptcp:pass', 'failover:skipped', 'backupIdle:lte:skipped']);
    expect(results[1]).toEqual({
      name: 'failover', kind: 'failover', status: 'skipped',
      expected: "failover ≤ 1.00 s, then ≥ 80% of the surviving paths' capacity",
      measured: 'not run',
      message: '--size 100MB ends the traffic at ~0.5 s, before the cut at 3 s',
    });
    expect(results[2]?.expected).toBe('≤ 100.0 kB while the other paths are up');
  });
});
