import { buildSeedRecord } from '../checks/__fixtures__/seed-record';
import { checkStall, STALL_FROM } from '../checks/stall';
import type { RunRecord, SubflowSeries } from '../model/record';
import { buildChartData } from '../report/chart-data';
import { renderHtmlReport } from '../report/html-report';
import { explainStall } from './explain-stall';

/** The seed record with a 1.4 s stall from 3.1 s and the sender's subflows: vlan181 holds data in RTO backoff, MPTCP reinjects at 3.6 s. */
function stalledRecord(): RunRecord {
  const r = buildSeedRecord();
  r.goodput = { unit: 'bit/s', t: r.goodput.t, v: r.goodput.t.map((t, i) => (t > 3100 && t <= 4500 ? 0 : (r.goodput.v[i] ?? 0))) };
  const t = [2500, 3000, 3500, 4000, 4500];
  const sf = (path: string, local: string, o: Partial<SubflowSeries>): SubflowSeries => ({
    host: 'pc1', path, local, remote: '10.1.0.3:40000', localId: path === 'vlan180' ? 0 : 1, token: 'ab12',
    t, rttMs: t.map(() => 5), cwnd: t.map(() => 400), rtoMs: t.map(() => 205), retrans: t.map(() => 0), backoff: t.map(() => 0),
    bytesAcked: [1e8, 2e8, 3e8, 4e8, 5e8], unacked: t.map(() => 0), state: t.map(() => 'ESTAB'), ...o,
  });
  r.subflowSeries = [
    sf('vlan180', '10.1.0.2:8080', { unacked: [30, 25, 40, 45, 50] }),
    sf('vlan181', '10.1.1.2:8080', { unacked: [28, 310, 310, 310, 310], bytesAcked: [1e8, 1.5e8, 1.5e8, 1.5e8, 1.5e8], rtoMs: [205, 205, 410, 820, 1640], backoff: [0, 0, 1, 2, 3] }),
  ];
  r.mptcpSeries = { pc1: { t: [2900, 3200, 3400, 3600, 3800], counters: { MPTCPRetrans: [0, 0, 0, 12, 12] } } };
  return r;
}

describe('explainStall', () => {
  it('says which subflow held the data when the stall began and when MPTCP reinjected it', () => {
    const record = stalledRecord();
    const stall = checkStall(record, { kind: 'stall', below: { percent: 10 }, longerThanMs: 1000 });
    expect(stall.details?.find((d) => d.name === STALL_FROM)?.value).toBeGreaterThanOrEqual(3000);
    const [explained] = explainStall(record, [stall]);
    expect(explained?.status).toBe(stall.status);
    expect(explained?.message).toMatch(/behind it: vlan181 \(10\.1\.1\.2:8080 .*held 310 unacknowledged segments.*MPTCP reinjected 12 at 3\.60 s/);
  });
  it('explains a failed failover over the time from the cut to the restore, and leaves a passed one alone', () => {
    const record = stalledRecord();
    const failed = { name: 'failover:vlan181', kind: 'failover' as const, status: 'fail' as const, expected: 'failover ≤ 2.00 s', measured: 'failover never', message: 'goodput never stayed ≥ 850.0 Mbit/s' };
    const [f, p] = explainStall(record, [failed, { ...failed, status: 'pass' as const }]);
    expect(f?.status).toBe('fail');
    expect(f?.message).toMatch(/^goodput never stayed ≥ 850\.0 Mbit\/s; behind it: vlan181 \(10\.1\.1\.2:8080 .*held 310 unacknowledged segments at 3\.00 s/);
    expect(p?.message).toBe('goodput never stayed ≥ 850.0 Mbit/s');
  });
  it('says so when no series can tell, and leaves statuses and other checks as they are', () => {
    const record = buildSeedRecord();
    const stall = checkStall(record, { kind: 'stall', below: { percent: 10 }, longerThanMs: 1000 });
    const other = { name: 'aggregate', kind: 'aggregate' as const, status: 'pass' as const, expected: '', measured: '', message: 'm', value: 5 };
    const [s, o] = explainStall(record, [stall, other]);
    expect(s).toEqual({ ...stall, message: expect.stringMatching(/behind it: no per-subflow series of the sender \(pc1\) was recorded/) });
    expect(o).toBe(other);
  });
});

describe('the report draws the sender\'s subflows', () => {
  it('has RTT and cwnd lines per subflow, coloured by path, and their canvases, only when the record has them', () => {
    const data = buildChartData(stalledRecord());
    expect(data.subflowRtt.map((l) => l.label)).toEqual(['vlan180 #0', 'vlan181 #1']);
    expect(data.subflowCwnd[1]?.points).toEqual([[2.5, 400], [3, 400], [3.5, 400], [4, 400], [4.5, 400]]);
    expect(renderHtmlReport(stalledRecord(), [])).toContain('id="chart-subflow-rtt"');
    // Retransmits: one line per subflow, then MPTCP's own re-sends from the sender's counters.
    expect(data.subflowRetrans.map((l) => l.label)).toEqual(['vlan180 #0', 'vlan181 #1', 'MPTCP level (MPTCPRetrans)']);
    expect(data.subflowRetrans[2]?.points).toEqual([[2.9, 0], [3.2, 0], [3.4, 0], [3.6, 12], [3.8, 12]]);
    expect(renderHtmlReport(stalledRecord(), [])).toContain('id="chart-subflow-retrans"');
    expect(buildChartData(buildSeedRecord()).subflowRetrans).toEqual([]);
    expect(buildChartData(buildSeedRecord()).subflowRtt).toEqual([]);
    expect(renderHtmlReport(buildSeedRecord(), [])).not.toContain('id="chart-subflow-rtt"');
  });
});
