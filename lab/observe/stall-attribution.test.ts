import type { RunRecord, SubflowSeries } from '../model/record';
import { attributeStall } from './stall-attribution';

/** A fixture record: pc1 sends over vlan180 and vlan181; vlan181 is blackholed at 3.0 s, MPTCP reinjects at 3.6 s. */
function fixtureRecord(): Pick<RunRecord, 'subflowSeries' | 'mptcpSeries' | 'traffic'> {
  const t = [2500, 3000, 3500, 4000, 4500];
  const sf = (path: string, local: string, o: Partial<SubflowSeries>): SubflowSeries => ({
    host: 'pc1', path, local, remote: `${local.split(':')[0]!.replace(/\.2$/, '.3')}:40000`, localId: path === 'vlan180' ? 0 : 1, token: 'ab12',
    t, rttMs: t.map(() => 5), cwnd: t.map(() => 400), rtoMs: t.map(() => 205), retrans: t.map(() => 0), backoff: t.map(() => 0),
    bytesAcked: [1e8, 2e8, 3e8, 4e8, 5e8], unacked: t.map(() => 0), state: t.map(() => 'ESTAB'), ...o,
  });
  return {
    traffic: { tool: 'transfer', protocol: 'mptcp', sender: 'pc1', receiver: 'pc2', bytesReceived: 0, startedMs: 0, endedMs: 6000, completed: true, integrity: null, resumes: 0, goodputBps: 0 },
    subflowSeries: [
      // Still carrying until the cut, acked all along (its acks go on after the gap starts).
      sf('vlan180', '10.1.0.2:8080', { unacked: [30, 25, 40, 45, 50] }),
      // The cut path: data in flight at 3.0 s, never acknowledged, RTO backing off.
      sf('vlan181', '10.1.1.2:8080', { unacked: [28, 310, 310, 310, 310], bytesAcked: [1e8, 1.5e8, 1.5e8, 1.5e8, 1.5e8], rtoMs: [205, 205, 410, 820, 1640], backoff: [0, 0, 1, 2, 3], retrans: [0, 0, 1, 2, 3] }),
    ],
    mptcpSeries: {
      pc1: { t: [2900, 3200, 3400, 3600, 3800], counters: { MPTCPRetrans: [0, 0, 0, 12, 12], SubflowStale: [0, 0, 0, 1, 1] } },
    },
  };
}

describe('attributeStall', () => {
  it('names the subflow holding unacknowledged data when the gap began, the reinjection step and the RTO/backoff then', () => {
    const a = attributeStall(fixtureRecord(), { fromMs: 3100, toMs: 4200 });
    expect(a.subflow).toMatchObject({ path: 'vlan181', local: '10.1.1.2:8080', localId: 1 });
    expect(a.atStart).toEqual({ tMs: 3000, unacked: 310, rtoMs: 205, backoff: 0 });
    expect(a.reinjected).toEqual({ tMs: 3600, count: 12, rtoMs: 410, backoff: 1 });
    expect(a.text).toBe(
      'vlan181 (10.1.1.2:8080 → 10.1.1.3:40000, id 1) held 310 unacknowledged segments at 3.00 s (RTO 205 ms, backoff 0); MPTCP reinjected 12 at 3.60 s, 0.50 s into the gap (RTO then 410 ms, backoff 1); the kernel declared a subflow stale at 3.60 s (SubflowStale)',
    );
    expect(a.stale).toEqual({ tMs: 3600 });
    expect(a.staleNever).toBeUndefined();
  });

  it('names the case where the kernel never declared the cut subflow stale while the other sat idle (two-vlan on Linux 6.18, 2026-12-02)', () => {
    // As measured: vlan180 drained to 0 unacknowledged and stayed so, vlan181 held 523 segments
    // in RTO backoff, MPTCPRetrans stepped every 200 ms, SubflowStale never moved.
    const rec = fixtureRecord();
    rec.subflowSeries![0]!.unacked = [30, 0, 0, 0, 0];
    rec.mptcpSeries!.pc1 = { t: [2900, 3200, 3400, 3600, 3800, 4000], counters: { MPTCPRetrans: [0, 2, 3, 4, 5, 6], SubflowStale: [0, 0, 0, 0, 0, 0] } };
    const a = attributeStall(rec, { fromMs: 3100, toMs: 4200 });
    expect(a.staleNever).toEqual({ retransmits: 6, idle: ['vlan180'] });
    expect(a.stale).toBeUndefined();
    expect(a.text).toMatch(/the kernel never declared it stale \(SubflowStale did not move\) though MPTCP retransmitted 6 times in the gap, while vlan180 sat idle with nothing unacknowledged/);
    // A stale step just after the gap's end (the counter read a sample later) is the one that ended it.
    rec.mptcpSeries!.pc1!.t.push(4500);
    rec.mptcpSeries!.pc1!.counters.MPTCPRetrans!.push(6);
    rec.mptcpSeries!.pc1!.counters.SubflowStale!.push(1);
    expect(attributeStall(rec, { fromMs: 3100, toMs: 4200 })).toMatchObject({ stale: { tMs: 4500 } });
    expect(attributeStall(rec, { fromMs: 3100, toMs: 4200 }).staleNever).toBeUndefined();
    rec.mptcpSeries!.pc1!.counters.SubflowStale![6] = 0;
    // The other subflow still carrying data is not that case: only "not declared stale".
    rec.subflowSeries![0]!.unacked = [30, 20, 20, 20, 20];
    const b = attributeStall(rec, { fromMs: 3100, toMs: 4200 });
    expect(b.staleNever).toBeUndefined();
    expect(b.text).toMatch(/no subflow was declared stale in the gap \(SubflowStale did not move\)$/);
  });

  it('says when nothing was reinjected, and when there is no series to tell', () => {
    const rec = fixtureRecord();
    rec.mptcpSeries!.pc1!.counters.MPTCPRetrans = [0, 0, 0, 0, 0];
    expect(attributeStall(rec, { fromMs: 3100, toMs: 4200 }).text).toMatch(/reinjected nothing during the gap/);
    expect(attributeStall({ ...rec, subflowSeries: undefined }, { fromMs: 3100, toMs: 4200 }).text).toMatch(/no per-subflow series of the sender \(pc1\)/);
  });
});
