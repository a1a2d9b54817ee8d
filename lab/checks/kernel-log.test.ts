import { checkKernelLog } from './kernel-log';
import { buildSeedRecord } from './__fixtures__/seed-record';

const DSS = 'MPTCP: mptcp_verif_dss_csum csum is wrong: 0x100 data_seq 4178570997 dss_csum_added 1 overflowed 0 iterations 1';

describe('checkKernelLog', () => {
  it('passes a clean log', () => {
    expect(checkKernelLog(buildSeedRecord(), { kind: 'kernelLog', maxErrors: 0 })).toMatchObject({ status: 'pass', value: 0, bound: 0 });
  });

  it("fails on the seed's dss checksum error and quotes the first line", () => {
    const r = checkKernelLog(buildSeedRecord({ kernelErrors: [DSS, DSS] }), { kind: 'kernelLog', maxErrors: 0 });
    expect(r).toMatchObject({ status: 'fail', value: 2, measured: '2 error lines' });
    expect(r.message).toContain('first at 4.21 s: "MPTCP: mptcp_verif_dss_csum csum is wrong: 0x100');
  });

  it('allows up to maxErrors', () => {
    expect(checkKernelLog(buildSeedRecord({ kernelErrors: [DSS] }), { kind: 'kernelLog', maxErrors: 1 }).status).toBe('pass');
  });

  it('counts an error line that has no timestamp (printk.time=0)', () => {
    const rec = buildSeedRecord();
    rec.kernelLog.push({ tMs: null as unknown as number, line: 'MPTCP: mptcp_verif_dss_csum csum is wrong', error: true });
    const r = checkKernelLog(rec, { kind: 'kernelLog', maxErrors: 0 });
    expect(r).toMatchObject({ status: 'fail', value: 1 });
    expect(r.message).toContain('first at an unknown time (no timestamp): "MPTCP: mptcp_verif_dss_csum csum is wrong"');
  });
});
