import { checkIntegrity } from './integrity';
import { buildSeedRecord } from './__fixtures__/seed-record';
import { emptyTransferClaimedOk } from './__fixtures__/adversarial';

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

  it('fails a "completed" transfer of 0 of 2.5 GB, with both numbers', () => {
    const rec = emptyTransferClaimedOk();
    const r = checkIntegrity(rec);
    expect(r).toMatchObject({ status: 'fail', value: 0, bound: 2.5e9, unit: 'bytes' });
    expect(r.message).toBe('the http transfer reported completion with 0 bytes received of 2.50 GB (2500000000 bytes): 2500000000 bytes missing');
  });

  it('is an error when no SHA-256 was measured, even if the tool says ok', () => {
    const rec = emptyTransferClaimedOk();
    rec.traffic.bytesReceived = 2.5e9;
    const r = checkIntegrity(rec);
    expect(r.status).toBe('error');
    expect(r.message).toBe("cannot measure: no SHA-256 was measured: the sender's (empty) and the receiver's (empty) are not SHA-256 hashes, though the tool reported ok");
  });

  it('compares the hashes itself rather than trusting the tool\'s ok flag', () => {
    const rec = buildSeedRecord();
    rec.traffic.integrity = { ...rec.traffic.integrity!, actual: 'ffee' + rec.traffic.integrity!.expected.slice(4), ok: true };
    const r = checkIntegrity(rec);
    expect(r.status).toBe('fail');
    expect(r.message).toContain('(the tool reported ok; the hashes say otherwise)');
  });
});
