/**
 * csum-middlebox-off: the same middlebox (payload rewritten on vlan181, data from pc1, 1 s to
 * 3 s) with the DSS checksum OFF. Measured, not assumed: MPTCP counts nothing and delivers the
 * rewritten bytes to the application; only the end-to-end SHA-256 (the lab's integrity check)
 * catches it. The suite compares the two files byte by byte itself and reads the counters itself.
 */
import { checkNamed, keepOwnReadings } from './helpers';
import { faultHits, middleboxRun } from './middlebox-readings';

jest.setTimeout(180_000);

describe('csum-middlebox-off: payload rewritten on vlan181, DSS checksum off', () => {
  const lab = middleboxRun('csum-middlebox-off');
  const { run, own } = lab;

  it('really ran with the checksum off on both hosts', () => {
    expect(run.plan.hosts.map((h) => h.mptcp.checksum)).toEqual([false, false]);
  });

  it('MPTCP saw nothing: checksumErrors 0, subflowReset 0, no fallback, still MPTCP with its join; only integrity fails', () => {
    expect(checkNamed(run.checks, 'checksumErrors')).toMatchObject({ status: 'pass', value: 0 });
    expect(checkNamed(run.checks, 'subflowReset')).toMatchObject({ status: 'pass', value: 0 });
    expect(checkNamed(run.checks, 'fallback')).toMatchObject({ status: 'pass', value: 0 });
    expect(checkNamed(run.checks, 'mptcp').status).toBe('pass');
    expect(checkNamed(run.checks, 'integrity')).toMatchObject({ status: 'fail' });
    expect(run.checks.filter((c) => c.status !== 'pass').map((c) => c.name)).toEqual(['integrity']);
  });

  it('our own counters: no DataCsumErr, MP_FAIL or MP_RST on either host', () => {
    const seen = keepOwnReadings(run, 'counters', Object.fromEntries(['pc1', 'pc2'].flatMap((h) => ['DataCsumErr', 'MPFailTx', 'MPFailRx', 'MPRstTx', 'MPRstRx', 'InfiniteMapRx'].map((c) => [`${h} ${c}`, own(h, c)]))));
    expect(Object.entries(seen).filter(([, v]) => v !== 0)).toEqual([]);
  });

  it('our own files: the whole 100 MB arrived, but bytes differ where the middlebox wrote, and the SHA-256 differs', () => {
    keepOwnReadings(run, 'files', lab.files);
    const hits = keepOwnReadings(run, 'fault hits', faultHits(run.record, 'vlan181'));
    expect({ served: lab.files.servedSize, received: lab.files.receivedSize }).toEqual({ served: 1e8, received: 1e8 });
    expect(lab.files.received).not.toBe(lab.files.served);
    expect(lab.files.differingRuns).toBeGreaterThanOrEqual(1);
    expect(hits.pc2).toBeGreaterThanOrEqual(1);
    // Each rewrite writes 0xdeadbeef: a run is ≤ 4 bytes, and every differing byte is one the middlebox wrote.
    // (Runs outnumber nft's packet counter: it counts skbs at pc2's ingress, measured 501 for 695 runs.)
    expect(lab.files.differingBytes).toBeLessThanOrEqual(4 * lab.files.differingRuns);
    expect(lab.files.middleboxBytes).toBe(lab.files.differingBytes);
    expect(run.record.traffic.integrity).toMatchObject({ ok: false, actual: lab.files.received, expected: lab.files.served });
  });
});
