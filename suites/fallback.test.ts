/**
 * fallback: must both machines run MPTCP? The server has MPTCP disabled (net.mptcp.enabled=0,
 * its tool runs without mptcpize); the client asks for MPTCP. The transfer must still complete
 * whole, over plain TCP on one path, and the lab must SAY it fell back (from counters). The
 * suite reads both namespaces' MPTcpExt counters itself (/proc/PID/net/netstat, before and
 * after) and samples the receiver's host veths itself, beside what the lab recorded.
 */
import type { RunningLab } from '../lab';
import { checkNamed, counterOf, expectEveryCheckPasses, heldLabOnce, keepOwnReadings, ownCountersAll, ownDelta } from './helpers';

jest.setTimeout(180_000);

describe('fallback: the server has MPTCP disabled', () => {
  let countersBefore: Record<string, Record<string, number>> = {};
  let countersAfter: Record<string, Record<string, number>> = {};
  const run = heldLabOnce('fallback', () => ({
    watch: true,
    before: (lab: RunningLab) => void (countersBefore = ownCountersAll(lab)),
    after: (lab: RunningLab) => void (countersAfter = ownCountersAll(lab)),
  }));

  it('our own counter reading: the client sent MP_CAPABLE SYNs, the server saw no MPTCP handshake at all', () => {
    const own = (h: string, c: string) => ownDelta(countersBefore[h]!, countersAfter[h]!, `MPTcpExt.${c}`);
    const seen = keepOwnReadings(run, 'counters', {
      'pc2 MPCapableSYNTX': own('pc2', 'MPCapableSYNTX'),
      'pc2 MPCapableSYNACKRX': own('pc2', 'MPCapableSYNACKRX'),
      'pc1 MPCapableSYNRX': own('pc1', 'MPCapableSYNRX'),
      'pc1 MPCapableACKRX': own('pc1', 'MPCapableACKRX'),
      'pc1 MPJoinSynRx': own('pc1', 'MPJoinSynRx'),
    });
    // Without the client's attempt, "the server saw none" would prove nothing.
    expect(seen['pc2 MPCapableSYNTX']).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual({ ...seen, 'pc2 MPCapableSYNACKRX': 0, 'pc1 MPCapableSYNRX': 0, 'pc1 MPCapableACKRX': 0, 'pc1 MPJoinSynRx': 0 });
  });

  it('our own veth reading: ≥ 400 MB over vlan180 at 0.8-1.05 Gbit/s (one path\'s rate), vlan181 < 64 KiB', () => {
    const own = run.own!;
    const [from, to] = [own.passStart(), own.passEnd() + 1000];
    const bytes = own.bytes(from, to);
    const span = own.activeSpan(from, to);
    const linkBps = (span.bytes * 8 * 1000) / (span.to - span.from);
    keepOwnReadings(run, 'veth bytes', { ...bytes, activeSpanMs: span.to - span.from, linkBps });
    expect(bytes.vlan180).toBeGreaterThanOrEqual(400e6);
    expect(bytes.vlan181).toBeLessThan(64 * 1024);
    expect(linkBps).toBeGreaterThan(0.8e9);
    expect(linkBps).toBeLessThan(1.05e9);
    // The lab's per-path totals are the same counters: within 5%.
    for (const p of run.record.paths) expect([p.path, Math.abs(p.totalBytes - bytes[p.path]!) <= 0.05 * bytes[p.path]! + 64 * 1024]).toEqual([p.path, true]);
  });

  it('plans no MPTCP check that would fail by design: no mptcp or subflows default when an end has MPTCP off', () => {
    expect(run.plan.hosts.find((h) => h.name === 'pc1')?.mptcp.enabled).toBe(false);
    expect(run.plan.hosts.find((h) => h.name === 'pc1')?.mptcp.endpoints).toEqual([]);
    const kinds = run.plan.checks.map((c) => c.kind);
    expect(kinds).not.toContain('mptcp');
    expect(kinds).not.toContain('subflows');
    expect(kinds).toEqual(expect.arrayContaining(['integrity', 'aggregate', 'stall', 'kernelLog']));
  });

  it('completes the transfer whole (SHA-256 equal) and every check passes', () => {
    const { record, checks } = run;
    expectEveryCheckPasses(checks);
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.bytesReceived).toBe(400e6);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(record.traffic.integrity?.actual).toBe(record.traffic.integrity?.expected);
    const integrity = checkNamed(checks, 'integrity');
    expect(integrity.value).toBe(400e6);
  });

  it('says it fell back to TCP, from the counters: the client sent MP_CAPABLE, no MP_CAPABLE SYN-ACK came back', () => {
    const { record } = run;
    expect(record.mptcp.fellBack).toBe(true);
    expect(record.mptcp.clientCapable).toBe(false);
    expect(record.mptcp.serverCapable).toBe(false);
    expect(record.mptcp.reason).toMatch(/^fell back to TCP: pc2 sent MP_CAPABLE SYNs \(\d+\) but no MP_CAPABLE SYN-ACK came back/);
    // Client: it did try MPTCP, and counted its own fallback during the handshake.
    expect(counterOf(record, 'pc2', 'MPCapableSYNTX')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc2', 'MPCapableSYNACKRX')).toBe(0);
    expect(counterOf(record, 'pc2', 'MPCapableFallbackSYNACK')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc2', 'MPJoinSynTx')).toBe(0);
    // Server: MPTCP is off, so it saw no MPTCP handshake of any kind.
    for (const k of ['MPCapableSYNRX', 'MPCapableACKRX', 'MPJoinSynRx', 'AddAddrTx']) expect([k, counterOf(record, 'pc1', k)]).toEqual([k, 0]);
    // One TCP connection, one subflow.
    expect(record.mptcp.maxSubflows).toBe(1);
  });

  it('carried the data over ONE path only: the second carried < 1% of the first', () => {
    const { record } = run;
    const [first, second] = record.paths;
    expect(first?.path).toBe('vlan180');
    expect(second?.path).toBe('vlan181');
    // Payload plus TCP/IP headers on the path the connection started on.
    expect(first!.totalBytes).toBeGreaterThanOrEqual(400e6);
    // Measured (6 runs): under 1.5 KB on vlan181 (ARP and neighbour traffic), 400.4 MB on vlan180.
    expect(second!.totalBytes).toBeLessThan(0.01 * first!.totalBytes);
  });

  it('ran at one path\'s speed: above 800 Mbit/s (the aggregate bound) and below the one 1 Gbit/s path', () => {
    const { record, checks } = run;
    const aggregate = checkNamed(checks, 'aggregate');
    expect(aggregate.bound).toBe(800e6);
    expect(aggregate.value).toBeGreaterThanOrEqual(800e6);
    // A goodput above one path's rate would mean a second path was used: it never is here.
    expect(record.traffic.goodputBps).toBeGreaterThan(800e6);
    expect(record.traffic.goodputBps).toBeLessThan(1e9);
  });
});
