/**
 * csum-middlebox: the seed's question, what causes `mptcp_verif_dss_csum csum is wrong`?
 * A middlebox that rewrites payload bytes on one path (vlan181, data from pc1, from 1 s to
 * 3 s), with the DSS checksum on both hosts. The lab must count the checksum error, MP_FAIL
 * and the subflow's reset, and the download must still arrive whole. The suite reads the
 * namespaces' counters itself (/proc/PID/net/netstat before and after), both files byte by
 * byte from the Docker host and their SHA-256 with sha256sum in the hosts, and the receiver's
 * veths on its own timer.
 */
import { readFileSync } from 'node:fs';
import { checkNamed, counterOf, expectEveryCheckPasses, keepOwnReadings } from './helpers';
import { faultEvent, faultHits, middleboxRun } from './middlebox-readings';

jest.setTimeout(180_000);

describe('csum-middlebox: payload rewritten on vlan181, DSS checksum on', () => {
  const lab = middleboxRun('csum-middlebox');
  const { run, own } = lab;

  it('passes every check, with the named counters as figures: DataCsumErr ≥ 1, MP_RST ≥ 1, no fallback', () => {
    expectEveryCheckPasses(run.checks);
    expect(checkNamed(run.checks, 'checksumErrors').value).toBeGreaterThanOrEqual(1);
    expect(checkNamed(run.checks, 'checksumErrors').measured).toMatch(/^DataCsumErr \d+ \(pc2 [1-9]/);
    expect(checkNamed(run.checks, 'subflowReset').value).toBeGreaterThanOrEqual(1);
    expect(checkNamed(run.checks, 'fallback')).toMatchObject({ status: 'pass', value: 0 });
  });

  it('the fault was in place and hit data: its rule read back in pc2, ≥ 1 segment rewritten', () => {
    const e = faultEvent(run.record, 'vlan181');
    expect(e).toMatchObject({ mode: 'rewrite', verified: { ok: true } });
    // Planned at 1 s: one nft exec per host, not an agent start.
    expect(e.actualMs - e.plannedMs).toBeLessThan(1000);
    const hits = keepOwnReadings(run, 'fault hits', faultHits(run.record, 'vlan181'));
    expect(hits.pc2).toBeGreaterThanOrEqual(1);
    expect(hits.pc1).toBe(0);
  });

  it('our own counters: pc2 counted the checksum error and sent MP_FAIL and MP_RST; pc1 received both; no fallback, no infinite mapping', () => {
    const seen = keepOwnReadings(run, 'counters', {
      'pc2 DataCsumErr': own('pc2', 'DataCsumErr'),
      'pc2 MPFailTx': own('pc2', 'MPFailTx'),
      'pc2 MPRstTx': own('pc2', 'MPRstTx'),
      'pc1 MPFailRx': own('pc1', 'MPFailRx'),
      'pc1 MPRstRx': own('pc1', 'MPRstRx'),
      'pc1 DataCsumErr': own('pc1', 'DataCsumErr'),
      fallbacks: ['pc1', 'pc2'].reduce((a, h) => a + ['DSSCorruptionFallback', 'InfiniteMapTx', 'InfiniteMapRx', 'FallbackFailed', 'MPCapableFallbackACK', 'MPCapableFallbackSYNACK'].reduce((b, c) => b + own(h, c), 0), 0),
    });
    for (const k of ['pc2 DataCsumErr', 'pc2 MPFailTx', 'pc2 MPRstTx', 'pc1 MPFailRx', 'pc1 MPRstRx'] as const) expect([k, seen[k] >= 1]).toEqual([k, true]);
    expect({ csumOnPc1: seen['pc1 DataCsumErr'], fallbacks: seen.fallbacks }).toEqual({ csumOnPc1: 0, fallbacks: 0 });
    // The lab's counters say the same.
    expect(counterOf(run.record, 'pc2', 'DataCsumErr')).toBe(seen['pc2 DataCsumErr']);
    expect(counterOf(run.record, 'pc1', 'MPFailRx')).toBe(seen['pc1 MPFailRx']);
  });

  it('our own files: pc2 holds exactly 100 MB, byte for byte the served file (SHA-256 equal, 0 differing bytes)', () => {
    keepOwnReadings(run, 'files', lab.files);
    expect(lab.files).toMatchObject({ servedSize: 1e8, receivedSize: 1e8, differingBytes: 0 });
    expect(lab.files.received).toBe(lab.files.served);
    expect(run.record.traffic.integrity?.ok).toBe(true);
  });

  it('the connection continued on the other subflow: vlan180 carried the rest, vlan181 (reset) almost nothing after the fault', () => {
    const w = run.own!;
    const faultAt = w.passStart() + faultEvent(run.record, 'vlan181').actualMs + 500;
    const bytes = keepOwnReadings(run, 'veth bytes after the fault + 0.5 s', w.bytes(faultAt, w.passEnd() + 1000));
    expect(bytes.vlan180!).toBeGreaterThan(40e6);
    expect(bytes.vlan181!).toBeLessThan(1e6);
    expect(run.record.mptcp.fellBack).toBe(false);
  });

  it('the report names the fault: JUnit testcases and the chart band of the fault interval', () => {
    const junit = readFileSync(run.files.find((f) => f.endsWith('junit.xml'))!, 'utf8');
    expect(junit).toMatch(/name="checksumErrors \[fault vlan181: rewrite of traffic from pc1, every data segment, \d\.\d\d–\d\.\d\d s\]"/);
    const html = readFileSync(run.files.find((f) => f.endsWith('report.html'))!, 'utf8');
    expect(html).toContain('"faults":[{"path":"vlan181","mode":"rewrite"');
  });
});
