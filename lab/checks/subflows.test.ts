import { checkSubflows } from './subflows';
import { buildSeedRecord } from './__fixtures__/seed-record';
import { controlConnectionCountedAsSubflow } from './__fixtures__/adversarial';

describe('checkSubflows', () => {
  it('passes two subflows over two paths', () => {
    expect(checkSubflows(buildSeedRecord(), { kind: 'subflows', min: 2, max: 2 })).toMatchObject({ status: 'pass', value: 2, expected: '= 2' });
  });

  it('fails one subflow (the join never happened) with the bound it missed', () => {
    const r = checkSubflows(buildSeedRecord({ fellBack: true }), { kind: 'subflows', min: 2 });
    expect(r).toMatchObject({ status: 'fail', value: 1, bound: 2, expected: '≥ 2' });
    expect(r.message).toContain('1 from the MPTCP verdict, 1 from the sampled series');
  });

  it('takes the larger of the verdict and the series (within 1 + joins), and fails above max', () => {
    const rec = buildSeedRecord({ paths: ['vlan180', 'vlan181', 'vlan182'] });
    rec.subflows.v[40] = 4;
    expect(checkSubflows(rec, { kind: 'subflows', min: 1, max: 2 })).toMatchObject({ status: 'fail', value: 3, bound: 2, expected: '1–2' });
  });

  it("does not count iperf3's control connection: 2 sockets on the port with no MP_JOIN is 1 subflow", () => {
    const r = checkSubflows(controlConnectionCountedAsSubflow(), { kind: 'subflows', min: 2, max: 2 });
    expect(r).toMatchObject({ status: 'fail', value: 1, bound: 2 });
    expect(r.message).toContain('0 MP_JOINs completed, so at most 1; 1 more socket seen than joins allow, not counted');
    expect(r.message).toContain('no listing of the connection itself');
    expect(r.details).toEqual([
      { name: 'subflows seen on the port', value: 2, unit: 'subflows' },
      { name: 'MP_JOINs completed', value: 0, unit: 'joins' },
    ]);
  });

  it("prefers the connection's own subflow listing, and reports both numbers", () => {
    const rec = buildSeedRecord();
    rec.mptcp = { ...rec.mptcp, connection: { mptcp: true, subflows: 1, fallback: false, source: 'pc1 at 1.30 s' } };
    const r = checkSubflows(rec, { kind: 'subflows', min: 2 });
    expect(r).toMatchObject({ status: 'fail', value: 1 });
    expect(r.message).toContain("1 listed under the connection's MPTCP socket (pc1 at 1.30 s); 1 MP_JOIN completed, so at most 2");
    expect(r.details).toContainEqual({ name: 'subflows of the connection (ss)', value: 1, unit: 'subflows' });
  });
});
