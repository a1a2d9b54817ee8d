import { buildSeedRecord } from './__fixtures__/seed-record';
import { checkChecksumErrors, checkFallback, checkSubflowReset } from './middlebox';
import { joinsBlockedFromStart } from '../model/expected-joins';
import type { RunRecord } from '../model/record';

function withCounters(pc1: Record<string, number>, pc2: Record<string, number>): RunRecord {
  const r = buildSeedRecord();
  const prefixed = (c: Record<string, number>) => Object.fromEntries([['MPTcpExt.MPCapableSYNRX', 1], ...Object.entries(c).map(([k, v]) => [`MPTcpExt.${k}`, v])]);
  r.counters = { pc1: prefixed(pc1), pc2: prefixed(pc2) };
  return r;
}

describe('middlebox checks over MPTcpExt counters', () => {
  it('checksumErrors: DataCsumErr summed over both hosts against min/max, MP_FAIL beside it', () => {
    const r = withCounters({ MPFailRx: 1 }, { DataCsumErr: 1, MPFailTx: 1 });
    const c = checkChecksumErrors(r, { kind: 'checksumErrors', min: 1 });
    expect(c).toMatchObject({ status: 'pass', value: 1, bound: 1, measured: 'DataCsumErr 1 (pc2 1, pc1 0), MPFailTx 1 (pc2 1, pc1 0), MPFailRx 1 (pc2 0, pc1 1)' });
    expect(checkChecksumErrors(r, { kind: 'checksumErrors', max: 0 }).status).toBe('fail');
  });

  it('subflowReset counts one reset once (the larger of sent and received)', () => {
    const r = withCounters({ MPRstRx: 1 }, { MPRstTx: 1 });
    expect(checkSubflowReset(r, { kind: 'subflowReset', min: 1, max: 1 })).toMatchObject({ status: 'pass', value: 1 });
    expect(checkSubflowReset(withCounters({}, {}), { kind: 'subflowReset', min: 1 })).toMatchObject({ status: 'fail', value: 0 });
  });

  it('fallback: expect passes on any fallback counter or infinite mapping, forbid fails on it', () => {
    const fell = withCounters({}, { MPCapableFallbackSYNACK: 1 });
    expect(checkFallback(fell, { kind: 'fallback', expect: true })).toMatchObject({ status: 'pass', value: 1, measured: 'fell back: MPCapableFallbackSYNACK 1 (pc2 1, pc1 0)' });
    expect(checkFallback(fell, { kind: 'fallback', expect: false }).status).toBe('fail');
    expect(checkFallback(withCounters({ InfiniteMapRx: 1 }, {}), { kind: 'fallback', expect: false }).status).toBe('fail');
    expect(checkFallback(withCounters({}, {}), { kind: 'fallback', expect: true })).toMatchObject({ status: 'fail', measured: 'no fallback counter moved' });
  });

  it('cannot measure without MPTcpExt counters (an error, never a pass)', () => {
    const r = buildSeedRecord();
    r.counters = { pc1: {}, pc2: {} };
    expect(checkChecksumErrors(r, { kind: 'checksumErrors', max: 0 }).status).toBe('error');
    expect(checkFallback(r, { kind: 'fallback', expect: false }).status).toBe('error');
  });

  it('a join-stopping fault in place from 0 to the end blocks that path\'s joins; a rewrite or an unfaulted one does not', () => {
    expect([...joinsBlockedFromStart({ timeline: [{ atMs: 0, kind: 'fault', path: 'vlan181', fault: { mode: 'drop-syn-mptcp', from: 'pc2' } }] })]).toEqual(['vlan181']);
    expect(joinsBlockedFromStart({ timeline: [{ atMs: 0, kind: 'fault', path: 'vlan181', fault: { mode: 'rewrite' } }] }).size).toBe(0);
    expect(joinsBlockedFromStart({ timeline: [{ atMs: 0, kind: 'fault', path: 'vlan181', fault: { mode: 'reset' } }, { atMs: 2000, kind: 'unfault', path: 'vlan181' }] }).size).toBe(0);
  });
});
