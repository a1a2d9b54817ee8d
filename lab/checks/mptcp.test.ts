import { expectedJoins } from '../model/expected-joins';
import { checkMptcp } from './mptcp';
import { buildSeedRecord } from './__fixtures__/seed-record';
import { buildSeedPlan } from './__fixtures__/seed-plan';
import { mptcpWithoutJoins } from './__fixtures__/adversarial';

describe('checkMptcp', () => {
  it('passes when both ends were MPCapable, nothing fell back and the join happened', () => {
    const r = checkMptcp(buildSeedRecord());
    expect(r).toMatchObject({ status: 'pass', measured: 'MPTCP, 1 MP_JOIN', value: 1, bound: 1, unit: 'joins' });
    expect(r.message).toMatch(/^MPTCP on both ends, 1 MP_JOIN \(expected ≥ 1: 2 shared paths, endpoints on vlan181, subflow limit 2\)/);
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

  it('fails MPTCP with one subflow when the plan gives it a second path to join', () => {
    const r = checkMptcp(mptcpWithoutJoins());
    expect(r).toMatchObject({ status: 'fail', value: 0, bound: 1, unit: 'joins', measured: 'MPTCP, 0 MP_JOINs' });
    expect(r.message).toContain('MPTCP on both ends but 0 MP_JOINs (expected ≥ 1');
  });

  it('fails when the connection under test was not MPTCP or was flagged fallback, whatever the counters say', () => {
    const rec = buildSeedRecord();
    rec.mptcp = { ...rec.mptcp, connection: { mptcp: true, subflows: 2, fallback: true, source: 'pc1 at 1.30 s' } };
    expect(checkMptcp(rec)).toMatchObject({ status: 'fail', measured: 'TCP (fallback)' });
    rec.mptcp = { ...rec.mptcp, connection: { mptcp: false, subflows: 0, fallback: false, source: 'pc1 at 1.30 s' } };
    const r = checkMptcp(rec);
    expect(r).toMatchObject({ status: 'fail', measured: 'TCP' });
    expect(r.message).toContain('the connection under test was not an MPTCP socket (pc1 at 1.30 s)');
    expect(r.details).toContainEqual({ name: 'connection is an MPTCP socket', value: 0, unit: 'bool', bound: 1 });
  });
});

describe('expectedJoins', () => {
  it('is min(shared paths − 1, the subflow limit) with an endpoint on another path, else 0', () => {
    expect(expectedJoins(buildSeedPlan({ paths: ['a', 'b', 'c'] })).joins).toBe(2);
    expect(expectedJoins(buildSeedPlan({ paths: ['a'] }))).toEqual({ joins: 0, why: 'pc2 and pc1 share 1 path' });
    const plan = buildSeedPlan();
    const noEndpoints = { ...plan, hosts: plan.hosts.map((h) => ({ ...h, mptcp: { ...h.mptcp, endpoints: [] } })) };
    expect(expectedJoins(noEndpoints).joins).toBe(0);
    const limited = { ...plan, hosts: plan.hosts.map((h) => ({ ...h, mptcp: { ...h.mptcp, limits: { subflows: 0, addAddrAccepted: 2 } } })) };
    expect(expectedJoins(limited).joins).toBe(0);
  });
});
