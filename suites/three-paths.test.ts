/**
 * three-paths: does MPTCP use a third network, and survive losing one of three? Three
 * 500 Mbit/s networks; the server signals its two extra addresses, the client (limits 2/2,
 * the loader's default for three paths) opens a subflow to each: three subflows. net2 is cut
 * at 2 s and restored at 6 s. Beside the recorded series, the suite samples the receiver's host
 * veths itself (tx_bytes; the cut seen as net2's veth going down and up) and reads pc1's
 * MPTcpExt counters itself: each path's share and the cut's silence come from its own reading.
 */
import type { RunningLab } from '../lab';
import { checkNamed, counterOf, cutSubflowNeverStale, detailOf, eventAt, expectEveryCheckPasses, heldLabOnce, keepOwnReadings, mb, ownCountersAll, ownDelta, pathBytes, pathBytesWithin } from './helpers';

jest.setTimeout(180_000);

describe('three-paths: three networks, three subflows, one cut and restored', () => {
  let countersBefore: Record<string, Record<string, number>> = {};
  let countersAfter: Record<string, Record<string, number>> = {};
  // One re-run for the one kernel failure seen here (helpers' cutSubflowNeverStale: 2026-12-02's CI
  // dry run, net2's subflow never declared stale, net1 and net3 idle for 4 s), only when our own
  // veth reading agrees that the surviving networks carried next to nothing during the cut.
  const run = heldLabOnce(
    'three-paths',
    () => ({
      watch: true,
      before: (lab: RunningLab) => void (countersBefore = ownCountersAll(lab)),
      after: (lab: RunningLab) => void (countersAfter = ownCountersAll(lab)),
    }),
    (first) => {
      if (!cutSubflowNeverStale(first.checks, 'failover:net2')) return undefined;
      const own = first.own!;
      const down = own.firstState('net2', 'down', own.passStart());
      const during = own.bytes(down + 200, own.lastBefore(own.firstState('net2', 'up', down)));
      if (!(during.net1! + during.net3! < 60e6)) return undefined;
      return `the kernel never declared net2's cut subflow stale (net1 ${mb(during.net1!)} and net3 ${mb(during.net3!)} during the cut by our reading); the lab said: ${first.checks.find((c) => c.name === 'failover:net2')!.message}`;
    },
  );
  let cut: number;
  let restore: number;
  /** The cut and the restore as OUR sampler saw them (net2's receiver veth operstate), on our clock. */
  let ownCut: number;
  let ownRestore: number;

  beforeAll(() => {
    cut = eventAt(run.record, 'cut', 'net2');
    restore = eventAt(run.record, 'restore', 'net2');
    ownCut = run.own!.firstState('net2', 'down', run.own!.passStart());
    ownRestore = run.own!.firstState('net2', 'up', ownCut);
  });

  it('our own veth reading: each network carried ≥ 20% before the cut, net2 < 64 KiB during it (net1, net3 > 60 MB each); after the restore net2 resumed within 1.5 s and then carried ≥ 15%', () => {
    const own = run.own!;
    const share = (w: Record<string, number>) => Object.fromEntries(Object.entries(w).map(([p, b]) => [p, +(b / Object.values(w).reduce((a, x) => a + x, 0)).toFixed(3)]));
    // Each window ends at our last reading before the change (traffic moves within 50 ms of it).
    const before = own.bytes(own.passStart() + 500, own.lastBefore(ownCut));
    const during = own.bytes(ownCut + 200, own.lastBefore(ownRestore));
    // After the restore: when net2 carried again by our reading (64 KiB past its counter at the
    // restore), and its share from then on. The share is taken from that moment, not from the
    // restore: the topology allows recovery up to 1.5 s of the 2 s left, and a share from the
    // restore measured the recovery time twice (a CI run, 2026-12-02: 0.198 from the restore,
    // with the recovery check passing; the dry run before it read 0.326).
    const atRestore = own.counterAt('net2', ownRestore);
    const resumed = own.samples.find((x) => x.t >= ownRestore && x.tx.net2! - atRestore > 64 * 1024)?.t ?? Infinity;
    const after = own.bytes(ownRestore, own.passEnd() + 1000);
    const afterResume = Number.isFinite(resumed) ? own.bytes(resumed, own.passEnd() + 1000) : { net1: 0, net2: 0, net3: 0 };
    const seen = keepOwnReadings(run, 'veth bytes before / during / after the cut', {
      before,
      during,
      after,
      resumedMsAfterRestore: Math.round(resumed - ownRestore),
      afterResume,
      sharesBefore: share(before),
      sharesAfterResume: share(afterResume),
    });
    expect(Object.entries(seen.sharesBefore).filter(([, x]) => x < 0.2)).toEqual([]);
    // A fair share is a third; 15% leaves room for net2's window to grow again after its RTO in
    // what may be as little as 0.5 s of transfer left, and is still tens of MB, not keepalives.
    expect({
      net2During: during.net2! < 64 * 1024,
      net1During: during.net1! > 60e6,
      net3During: during.net3! > 60e6,
      net2ResumedWithin1500ms: seen.resumedMsAfterRestore < 1500,
      net2AfterResume: seen.sharesAfterResume.net2! >= 0.15,
    }).toEqual({ net2During: true, net1During: true, net3During: true, net2ResumedWithin1500ms: true, net2AfterResume: true });
  });

  it('the recorded per-path totals agree with our own reading within 5%', () => {
    const own = run.own!.bytes(run.own!.passStart(), run.own!.passEnd() + 1000);
    const rows = keepOwnReadings(
      run,
      'veth totals, recorded vs own',
      run.record.paths.map((p) => ({ path: p.path, recorded: p.totalBytes, own: own[p.path]!, ok: Math.abs(p.totalBytes - own[p.path]!) <= 0.05 * own[p.path]! })),
    );
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    expect(Math.abs(run.own!.passStart() + cut - ownCut)).toBeLessThan(300);
  });

  it('plans two announcements and room for two joins', () => {
    expect(run.plan.hosts.find((h) => h.name === 'pc1')?.mptcp.endpoints.map((e) => `${e.path}:${e.flags.join(',')}`)).toEqual(['net2:signal', 'net3:signal']);
    expect(run.plan.hosts.find((h) => h.name === 'pc2')?.mptcp.limits).toEqual({ subflows: 2, addAddrAccepted: 2 });
  });

  it('passes every check', () => {
    expectEveryCheckPasses(run.checks);
  });

  it('opens three subflows: two ADD_ADDR sent, two MP_JOIN received', () => {
    const { record, checks } = run;
    // Our own reading of the namespaces' counters first, then the lab's.
    const own = (h: string, c: string) => ownDelta(countersBefore[h]!, countersAfter[h]!, `MPTcpExt.${c}`);
    expect(keepOwnReadings(run, 'counters', { 'pc1 AddAddrTx': own('pc1', 'AddAddrTx'), 'pc2 AddAddr': own('pc2', 'AddAddr'), 'pc1 MPJoinAckRx': own('pc1', 'MPJoinAckRx') })).toEqual({
      'pc1 AddAddrTx': 2,
      'pc2 AddAddr': 2,
      'pc1 MPJoinAckRx': expect.any(Number),
    });
    expect(own('pc1', 'MPJoinAckRx')).toBeGreaterThanOrEqual(2);
    expect(counterOf(record, 'pc1', 'AddAddrTx')).toBe(2);
    expect(counterOf(record, 'pc2', 'AddAddr')).toBe(2);
    expect(counterOf(record, 'pc1', 'MPJoinSynRx')).toBeGreaterThanOrEqual(2);
    expect(counterOf(record, 'pc1', 'MPJoinAckRx')).toBeGreaterThanOrEqual(2);
    expect(record.mptcp.maxSubflows).toBe(3);
    expect(checkNamed(checks, 'subflows').value).toBe(3);
    // One subflow per network, at once.
    for (const p of ['net1', 'net2', 'net3']) expect([p, Math.max(...record.subflowsPerPath[p]!.v)]).toEqual([p, 1]);
  });

  it('before the cut, each network carries a real share (≥ 20% of the bytes each)', () => {
    const before = pathBytes(run.record, 500, cut);
    const total = before.net1! + before.net2! + before.net3!;
    const shares = Object.fromEntries(Object.entries(before).map(([p, b]) => [p, +(b / total).toFixed(3)]));
    expect(Object.entries(shares).filter(([, s]) => s < 0.2)).toEqual([]);
    expect(total).toBeGreaterThan(100e6);
  });

  it('during the cut, net2 is silent and net1 + net3 carry the transfer', () => {
    const during = pathBytesWithin(run.record, cut + 200, restore);
    expect(during.net2).toBeLessThan(64 * 1024);
    // 4 s at up to 500 Mbit/s each, less the failover gap: measured 156-190 MB each.
    const seen = [mb(during.net1!), mb(during.net3!)];
    expect({ seen, net1: during.net1! > 60e6, net3: during.net3! > 60e6 }).toEqual({ seen, net1: true, net3: true });
  });

  it('after the restore, net2 carries again: from when the recovery check saw it back, ≥ 15% of the bytes', () => {
    const { record, checks } = run;
    // The recovery check measured when net2 came back (its "recovery time", ms after the restore; bounded
    // at 1.5 s); the share is taken from then on, as in our own reading above. Measured from the
    // restore instead: a third (110-123 MB of ~350 MB) in dry runs, 0.198 in one CI run.
    const back = checkNamed(checks, 'recovery:net2');
    expect(back.status).toBe('pass');
    const after = pathBytes(record, restore + detailOf(back, 'recovery time'), record.traffic.endedMs + 1000);
    const total = after.net1! + after.net2! + after.net3!;
    expect(total).toBeGreaterThan(20e6);
    expect(after.net2! / total).toBeGreaterThanOrEqual(0.15);
  });

  it('delivers the stream whole', () => {
    const { record } = run;
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.integrity?.ok).toBe(true);
  });
});
