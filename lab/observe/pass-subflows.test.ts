import { cadenceFor, parseMptcpExt, passSubflows, type PassReader } from './pass-subflows';
import type { SubflowStat } from './subflow-stats';

const netstat = (retrans: number) => `TcpExt: SyncookiesSent RetransFail\nTcpExt: 0 0\nMPTcpExt: MPCapableSYNRX MPTCPRetrans SubflowStale\nMPTcpExt: 1 ${retrans} 0\n`;

/** passSubflows over a reader and counter text, at 100 ms samples (counters every sample), sender pc1. */
const passOver = (reader: PassReader, readText: () => string, clock: () => number, extra: Partial<Parameters<typeof passSubflows>[0]> = {}) =>
  passSubflows({ sender: { name: 'pc1', pid: 1 }, counterHosts: { pc1: 1 }, port: 8080, clock, intervalMs: 100, reader, readText, ...extra });

/** Ticks k = 0..n-1, calling before(k) first (to move the clock or a counter), letting each read settle; then closes. */
async function tickThrough(p: ReturnType<typeof passSubflows>, n: number, before: (k: number) => void): Promise<void> {
  for (let k = 0; k < n; k++) {
    before(k);
    p.tick(k);
    await new Promise((r) => setImmediate(r));
  }
  await p.close();
}

describe('pass-subflows', () => {
  it('parses only the MPTcpExt pair', () => {
    expect(parseMptcpExt(netstat(7))).toEqual({ MPCapableSYNRX: 1, MPTCPRetrans: 7, SubflowStale: 0 });
    expect(parseMptcpExt('TcpExt: A\nTcpExt: 1\n')).toEqual({});
  });

  it('reads subflows about every 500 ms and counters every 50 ms of samples', () => {
    expect(cadenceFor(100)).toEqual({ subflowEvery: 5, counterEvery: 1 });
    expect(cadenceFor(10)).toEqual({ subflowEvery: 50, counterEvery: 5 });
    expect(cadenceFor(1000)).toEqual({ subflowEvery: 1, counterEvery: 1 });
  });

  it('keeps counter series from the first reading and brings a subflow read forward when a counter steps', async () => {
    let now = 0;
    let retrans = 5;
    let reads = 0;
    const stat = { local: '10.1.1.2:8080', remote: '10.1.1.3:4000', state: 'ESTAB', rttMs: 5, rttVarMs: 1, rtoMs: 205, cwnd: 10, retrans: 0, retransNow: 0, backoff: 0, bytesAcked: 100, bytesSent: 100, bytesRetrans: 0, bytesReceived: 0, unacked: 3, lost: 0, deliveryRateBps: NaN, family: 'inet' } as SubflowStat;
    const reader: PassReader = { kind: 'ss', dumps: 0, read: async () => (reads++, [stat]), close: async () => undefined };
    const p = passOver(reader, () => netstat(retrans), () => now);
    await tickThrough(p, 4, (k) => {
      now = k * 100;
      if (k === 2) retrans = 9;
    });
    // k=0 (cadence) and k=2 (the counter stepped): two reads.
    expect(reads).toBe(2);
    const r = p.result(() => 'vlan181', 0);
    expect(r.mptcpSeries.pc1).toMatchObject({ t: [0, 100, 200, 300] });
    expect(r.mptcpSeries.pc1!.counters.MPTCPRetrans).toEqual([0, 0, 4, 4]);
    expect(r.subflowSeries[0]).toMatchObject({ path: 'vlan181', t: [0, 200], unacked: [3, 3] });
  });

  it('stamps readings taken before the traffic start against the start, so they come out negative and the series stays in order', async () => {
    // The sampler ticks from before the traffic starts (the pass resets its origin when the tool
    // starts): a reading at lab clock 4000 with the start at 4900 is at -900, not at +4000.
    let now = 4000;
    const reader: PassReader = { kind: 'ss', dumps: 0, read: async () => [], close: async () => undefined };
    const p = passOver(reader, () => netstat(1), () => now, { subflowMs: 100 });
    for (const t of [4000, 5000, 5100]) {
      now = t;
      p.tick(0);
      await new Promise((r) => setImmediate(r));
    }
    await p.close();
    const t = p.result(() => 'vlan181', 4900).mptcpSeries.pc1!.t;
    expect(t).toEqual([-900, 100, 200]);
  });

  it('reads every sample at 100 ms through sock_diag, every 5th through ss, and dumps the table after a join counter moved', async () => {
    const netstatJoin = (joins: number) => `MPTcpExt: MPJoinAckRx MPTCPRetrans\nMPTcpExt: ${joins} 0\n`;
    for (const kind of ['sock_diag', 'ss'] as const) {
      let joins = 0;
      const fresh: boolean[] = [];
      const reader: PassReader = { kind, dumps: 0, read: async (f) => (fresh.push(f === true), []), close: async () => undefined };
      let now = 0;
      const p = passOver(reader, () => netstatJoin(joins), () => now);
      await tickThrough(p, 10, (k) => {
        now = k * 100;
        if (k === 6) joins = 1;
      });
      expect(p.stats).toMatchObject({ reader: kind, every: kind === 'sock_diag' ? 1 : 5 });
      if (kind === 'sock_diag') {
        // The first read dumps (nothing known yet); the join at k=6 makes that read a dump too.
        expect(fresh).toEqual([true, false, false, false, false, false, true, false, false, false]);
      } else {
        // k=0 and k=5 by cadence; the step at k=6 comes 100 ms after k=5's read, under the 200 ms that brings a read forward.
        expect(fresh).toEqual([true, false]);
      }
    }
  });

  it('close() gives a read that never answers 3 s, then ends the reader anyway', async () => {
    jest.useFakeTimers();
    try {
      let closed = false;
      const reader: PassReader = { kind: 'sock_diag', dumps: 0, read: () => new Promise(() => undefined), close: async () => void (closed = true) };
      const p = passOver(reader, () => '', () => 0, { counterHosts: {} });
      p.tick(0);
      const done = p.close();
      await jest.advanceTimersByTimeAsync(2999);
      expect(closed).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await done;
      expect(closed).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

