/**
 * fallback: must both machines run MPTCP? The server has MPTCP disabled (net.mptcp.enabled=0,
 * its tool runs without mptcpize); the client asks for MPTCP. The transfer must still complete
 * whole, over plain TCP on one path, and the lab must SAY it fell back (from counters).
 */
import { checkNamed, counterOf, expectEveryCheckPasses, runLabOnce } from './helpers';

jest.setTimeout(180_000);

describe('fallback: the server has MPTCP disabled', () => {
  const run = runLabOnce('fallback');

  it('plans no MPTCP check that would fail by design: no mptcp or subflows default when an end has MPTCP off', () => {
    expect(run.plan.hosts.find((h) => h.name === 'pc1')?.mptcp.enabled).toBe(false);
    expect(run.plan.hosts.find((h) => h.name === 'pc1')?.mptcp.endpoints).toEqual([]);
    const kinds = run.plan.checks.map((c) => c.kind);
    expect(kinds).not.toContain('mptcp');
    expect(kinds).not.toContain('subflows');
    expect(kinds).toEqual(expect.arrayContaining(['integrity', 'aggregate', 'stall', 'kernelLog']));
  });

  it('completes the transfer whole (SHA-256 equal) and every check passes', () => {
    const { record, checks, exitCode } = run.outcome;
    expectEveryCheckPasses(checks);
    expect(exitCode).toBe(0);
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.bytesReceived).toBe(400e6);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(record.traffic.integrity?.actual).toBe(record.traffic.integrity?.expected);
    const integrity = checkNamed(checks, 'integrity');
    expect(integrity.value).toBe(400e6);
  });

  it('says it fell back to TCP, from the counters: the client sent MP_CAPABLE, no MP_CAPABLE SYN-ACK came back', () => {
    const { record } = run.outcome;
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
    const { record } = run.outcome;
    const [first, second] = record.paths;
    expect(first?.path).toBe('vlan180');
    expect(second?.path).toBe('vlan181');
    // Payload plus TCP/IP headers on the path the connection started on.
    expect(first!.totalBytes).toBeGreaterThanOrEqual(400e6);
    // Measured (6 runs): under 1.5 KB on vlan181 (ARP and neighbour traffic), 400.4 MB on vlan180.
    expect(second!.totalBytes).toBeLessThan(0.01 * first!.totalBytes);
  });

  it('ran at one path\'s speed: above 800 Mbit/s (the aggregate bound) and below the one 1 Gbit/s path', () => {
    const { record, checks } = run.outcome;
    const aggregate = checkNamed(checks, 'aggregate');
    expect(aggregate.bound).toBe(800e6);
    expect(aggregate.value).toBeGreaterThanOrEqual(800e6);
    // A goodput above one path's rate would mean a second path was used: it never is here.
    expect(record.traffic.goodputBps).toBeGreaterThan(800e6);
    expect(record.traffic.goodputBps).toBeLessThan(1e9);
  });
});
