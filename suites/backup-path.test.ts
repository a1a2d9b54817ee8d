/**
 * backup-path: how to keep MPTCP off a metered interface (the seed's mobile data plan)?
 * The client marks its address on `lte` as a backup endpoint; the JOIN it sends there carries
 * the backup bit, and the server (the sender of this download) then sends nothing on it while
 * `lan` is up. When `lan` is cut, `lte` carries the download; when `lan` comes back, it takes over.
 * Bytes per path per window come from the host-side veth counters (record.paths).
 */
import { checkNamed, counterOf, detailOf, eventAt, expectEveryCheckPasses, mb, pathBytes, runLabOnce } from './helpers';

jest.setTimeout(180_000);

/** "Idle": less than one 64 KiB TSO burst. Measured: under 1 KB (JOIN handshake and ACKs) in the 2 s before the cut. */
const IDLE_BYTES = 64 * 1024;

describe('backup-path: the metered lte path is a backup endpoint on the client', () => {
  const run = runLabOnce('backup-path');
  let cut: number;
  let restore: number;

  beforeAll(() => {
    cut = eventAt(run.outcome.record, 'cut', 'lan');
    restore = eventAt(run.outcome.record, 'restore', 'lan');
  });

  it('configures what a phone user would: a backup endpoint on the client\'s lte address, nothing special on the server', () => {
    expect(run.plan.hosts.find((h) => h.name === 'pc2')?.mptcp.endpoints).toEqual([{ path: 'lte', flags: ['backup'], id: 1 }]);
    expect(run.plan.hosts.find((h) => h.name === 'pc1')?.mptcp.endpoints).toEqual([{ path: 'lte', flags: ['signal'], id: 1 }]);
  });

  it('passes every check, with the numbers the topology states', () => {
    const { checks, exitCode } = run.outcome;
    expectEveryCheckPasses(checks);
    expect(exitCode).toBe(0);
    const idle = checkNamed(checks, 'backupIdle:lte');
    expect(idle.bound).toBe(20e6);
    expect(idle.value).toBeLessThanOrEqual(20e6);
    expect(detailOf(idle, 'bytes while another path was cut')).toBeGreaterThan(10e6);
    expect(detailOf(checkNamed(checks, 'failover:lan'), 'failover time')).toBeLessThanOrEqual(2000);
    expect(detailOf(checkNamed(checks, 'failover:lan'), 'mean goodput during the cut')).toBeGreaterThanOrEqual(60e6);
    expect(detailOf(checkNamed(checks, 'recovery:lan'), 'recovery time')).toBeLessThanOrEqual(1500);
  });

  it('joined lte as a backup: the server counted a backup MP_JOIN SYN, and two subflows were up', () => {
    const { record } = run.outcome;
    expect(counterOf(record, 'pc2', 'MPJoinSynTx')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc1', 'MPJoinSynRx')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc1', 'MPJoinSynBackupRx')).toBeGreaterThanOrEqual(1);
    // The backup flag travelled in the JOIN itself: no MP_PRIO was needed to change it later.
    expect(counterOf(record, 'pc1', 'MPPrioRx')).toBe(0);
    expect(record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false, maxSubflows: 2 });
  });

  it('before the cut: lte idle, lan carries the download', () => {
    const before = pathBytes(run.outcome.record, 0, cut);
    expect({ lte: before.lte! <= IDLE_BYTES ? 'idle' : mb(before.lte!) }).toEqual({ lte: 'idle' });
    // 3 s at up to 1 Gbit/s: measured 334-340 MB.
    expect(before.lan).toBeGreaterThan(150e6);
  });

  it('during the cut: lan silent, lte carries the download', () => {
    // From 200 ms after the cut: the sample straddling the cut still holds lan's last bytes.
    const during = pathBytes(run.outcome.record, cut + 200, restore);
    expect(during.lan).toBeLessThan(IDLE_BYTES);
    // 3 s at up to 100 Mbit/s, less the failover time (≤ 2 s): at least 10 MB. Measured 27.8-34.7 MB.
    expect(during.lte).toBeGreaterThan(10e6);
    expect(during.lte).toBeLessThan((3.5 * 100e6) / 8);
  });

  it('after the restore: lan takes over again and lte goes idle once lan\'s subflow has recovered', () => {
    const { record, checks } = run.outcome;
    const end = record.traffic.endedMs + 1000;
    const after = pathBytes(record, restore, end);
    expect(after.lan).toBeGreaterThan(100e6);
    // lte keeps carrying until lan's stale subflow recovers (its RTO fires), then ~0.1 s of queued
    // data: measured 1.9-2.6 MB in all, and under 1 KB from then on.
    const settled = pathBytes(record, restore + detailOf(checkNamed(checks, 'recovery:lan'), 'recovery time') + 500, end);
    expect({ lte: settled.lte! <= IDLE_BYTES ? 'idle' : mb(settled.lte!) }).toEqual({ lte: 'idle' });
    expect(settled.lan).toBeGreaterThan(50e6);
  });

  it('delivers the stream whole', () => {
    const { record } = run.outcome;
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(record.traffic.bytesReceived).toBeGreaterThan(300e6);
  });
});
