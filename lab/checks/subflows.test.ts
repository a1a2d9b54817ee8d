import { checkSubflows } from './subflows';
import { buildSeedRecord } from './__fixtures__/seed-record';

describe('checkSubflows', () => {
  it('passes two subflows over two paths', () => {
    expect(checkSubflows(buildSeedRecord(), { kind: 'subflows', min: 2, max: 2 })).toMatchObject({ status: 'pass', value: 2, expected: '= 2' });
  });

  it('fails one subflow (the join never happened) with the bound it missed', () => {
    const r = checkSubflows(buildSeedRecord({ fellBack: true }), { kind: 'subflows', min: 2 });
    expect(r).toMatchObject({ status: 'fail', value: 1, bound: 2, expected: '≥ 2' });
    expect(r.message).toContain('1 from the MPTCP verdict, 1 from the sampled series');
  });

  it('takes the larger of the verdict and the series, and fails above max', () => {
    const rec = buildSeedRecord();
    rec.subflows.v[40] = 3;
    expect(checkSubflows(rec, { kind: 'subflows', min: 1, max: 2 })).toMatchObject({ status: 'fail', value: 3, bound: 2, expected: '1–2' });
  });
});
