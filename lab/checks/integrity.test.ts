import { checkIntegrity } from './integrity';
import { buildSeedRecord } from './__fixtures__/seed-record';

describe('checkIntegrity', () => {
  it('passes a complete transfer whose SHA-256 matches', () => {
    expect(checkIntegrity(buildSeedRecord())).toMatchObject({ status: 'pass', value: 2.5e9, bound: 2.5e9, unit: 'bytes' });
  });

  it('fails a hash mismatch and shows both hashes', () => {
    const r = checkIntegrity(buildSeedRecord({ integrityOk: false }));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/SHA-256 mismatch: sent a3f1c9d27e5b48f0…, received ffeec9d27e5b48f0…/);
  });

  it('fails an incomplete transfer with the bytes received and expected', () => {
    const r = checkIntegrity(buildSeedRecord({ breakAtMs: 5000 }));
    expect(r.status).toBe('fail');
    expect(r.value).toBeLessThan(2.5e9);
    expect(r.message).toMatch(/did not complete: \d+ bytes received of 2\.50 GB \(2500000000 bytes\); wget: read error/);
  });

  it('is an error when the tool cannot verify integrity', () => {
    const r = checkIntegrity(buildSeedRecord({ integrityOk: null }));
    expect(r.status).toBe('error');
    expect(r.message).toContain('this tool cannot verify integrity');
  });
});
