import { checkBackupIdle } from './backup-idle';
import { buildSeedRecord } from './__fixtures__/seed-record';

const threePaths = (idleBps: number) =>
  buildSeedRecord({ paths: ['vlan180', 'vlan181', 'lte'], backup: { path: 'lte', idleBps }, noise: 0 });

describe('checkBackupIdle', () => {
  it('passes a backup path that stays idle while the others are up, and reports what it carried during the cut', () => {
    const rec = threePaths(8000); // 1 kB/s of keep-alives
    const r = checkBackupIdle(rec, { kind: 'backupIdle', path: 'lte', maxBytes: 100_000 });
    expect(r.name).toBe('backupIdle:lte');
    expect(r.status).toBe('pass');
    // ≈ 1 kB/s over the ~7 s (of ~10 s) when vlan181 was up.
    expect(r.value).toBeGreaterThan(6000);
    expect(r.value).toBeLessThan(9000);
    const during = r.details?.find((d) => d.name === 'bytes while another path was cut')?.value ?? 0;
    // The cut lasts 3 s at ~985 Mbit/s.
    expect(during).toBeGreaterThan(3.6e8);
    expect(r.message).toMatch(/while another path was cut/);
  });

  it('fails a backup path that carries traffic while the others are up', () => {
    const r = checkBackupIdle(threePaths(10e6), { kind: 'backupIdle', path: 'lte', maxBytes: 1_000_000 });
    expect(r.status).toBe('fail');
    expect(r.measured).toMatch(/ MB$/);
    expect(r.value).toBeGreaterThan(1e6);
  });

  it('is an error, not a pass, when a sample while the others were up has no value', () => {
    const rec = threePaths(8000);
    const lte = rec.paths.find((p) => p.path === 'lte')!;
    lte.v[10] = NaN;
    const r = checkBackupIdle(rec, { kind: 'backupIdle', path: 'lte', maxBytes: 100_000 });
    expect(r.status).toBe('error');
    expect(r.message).toContain('has no value');
    // null, as a NaN reads back from result.json, is no value either.
    lte.v[10] = null as unknown as number;
    expect(checkBackupIdle(rec, { kind: 'backupIdle', path: 'lte', maxBytes: 100_000 }).status).toBe('error');
  });

  it('is an error for a path without a series', () => {
    expect(checkBackupIdle(buildSeedRecord(), { kind: 'backupIdle', path: 'lte', maxBytes: 0 }).status).toBe('error');
  });
});
