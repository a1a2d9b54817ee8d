import { checkMptcp } from './mptcp';
import { buildSeedRecord } from './__fixtures__/seed-record';

describe('checkMptcp', () => {
  it('passes when both ends were MPCapable and nothing fell back', () => {
    expect(checkMptcp(buildSeedRecord())).toMatchObject({ status: 'pass', measured: 'MPTCP', value: 1 });
  });

  it('fails a fallback to TCP and is never reported as MPTCP', () => {
    const r = checkMptcp(buildSeedRecord({ fellBack: true }));
    expect(r).toMatchObject({ status: 'fail', measured: 'TCP (fallback)', value: 0 });
    expect(r.message).toMatch(/^fell back to TCP: pc1 answered without MP_CAPABLE/);
  });

  it('fails when one end was not MPCapable', () => {
    const rec = buildSeedRecord();
    rec.mptcp = { ...rec.mptcp, serverCapable: false, reason: 'no MPCapableSYNRX on pc1' };
    expect(checkMptcp(rec)).toMatchObject({ status: 'fail', measured: 'TCP', message: 'no MPCapable handshake on the server: no MPCapableSYNRX on pc1' });
  });
});
