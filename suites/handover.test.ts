/**
 * handover: when one path degrades mid-transfer (walking away from the Wi-Fi access point),
 * does MPTCP move the traffic to the other? wifi (1 Gbit/s) drops to 50 Mbit/s at 3 s through
 * an `impair` event; lte stays at 200 Mbit/s. Bytes per path per window, before and after, from
 * the recorded series and from the suite's own sampler of the receiver's host veths (its own
 * clock; the impair placed on it at the pass's start + the recorded time).
 */
import { eventAt, expectEveryCheckPasses, heldLabOnce, keepOwnReadings, mb, pathBytes } from './helpers';

jest.setTimeout(180_000);

/** After the impair took effect, the queues drain and the scheduler adapts: judge from 1 s later. */
const SETTLE_MS = 1000;

describe('handover: wifi degrades from 1 Gbit/s to 50 Mbit/s mid-transfer, lte stays', () => {
  const run = heldLabOnce('handover', () => ({ watch: true }));
  let impairAt: number;

  beforeAll(() => {
    impairAt = eventAt(run.record, 'impair', 'wifi');
  });

  it('our own veth reading: wifi carried > 60% before the impair; after it, lte > 50%, wifi within its 50 Mbit/s', () => {
    const own = run.own!;
    const impair = own.passStart() + impairAt;
    const end = own.passEnd();
    const before = own.bytes(own.passStart() + 500, impair);
    const after = own.bytes(impair + SETTLE_MS, end + 1000);
    const seconds = (end - impair - SETTLE_MS) / 1000;
    const share = (w: Record<string, number>, p: string) => w[p]! / (w.wifi! + w.lte!);
    const seen = keepOwnReadings(run, 'veth bytes before / after the impair', { before, after, secondsAfter: seconds, wifiBefore: share(before, 'wifi'), lteAfter: share(after, 'lte') });
    expect({ seen, wifiBefore: seen.wifiBefore > 0.6, lteAfter: seen.lteAfter > 0.5, wifiRateAfter: after.wifi! / seconds < 6.25e6 * 1.1, lteRateAfter: after.lte! / seconds > 2e6 }).toEqual({
      seen,
      wifiBefore: true,
      lteAfter: true,
      wifiRateAfter: true,
      lteRateAfter: true,
    });
    // The recorded per-path totals are the same counters: within 5% of ours.
    const total = own.bytes(own.passStart(), end + 1000);
    for (const p of run.record.paths) expect([p.path, Math.abs(p.totalBytes - total[p.path]!) <= 0.05 * total[p.path]!]).toEqual([p.path, true]);
  });

  it('passes every check', () => {
    const { checks } = run;
    expectEveryCheckPasses(checks);
    expect(run.record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false, maxSubflows: 2 });
  });

  it('applied the impairment mid-run (recorded), with time left to watch after it', () => {
    const { record } = run;
    expect(record.events.find((e) => e.kind === 'impair')).toMatchObject({ path: 'wifi', plannedMs: 3000 });
    expect(impairAt).toBeGreaterThanOrEqual(3000);
    expect(record.traffic.endedMs - impairAt).toBeGreaterThan(SETTLE_MS + 1500);
  });

  it('before: wifi carries most of the data; after: lte carries most of it', () => {
    const { record } = run;
    const before = pathBytes(record, 500, impairAt);
    const after = pathBytes(record, impairAt + SETTLE_MS, record.traffic.endedMs + 1000);
    const share = (w: Record<string, number>, p: string) => w[p]! / (w.wifi! + w.lte!);
    const seen = { before: [mb(before.wifi!), mb(before.lte!)], after: [mb(after.wifi!), mb(after.lte!)] };
    expect({ ...seen, wifiBefore: share(before, 'wifi') > 0.6, lteAfter: share(after, 'lte') > 0.5 }).toEqual({ ...seen, wifiBefore: true, lteAfter: true });
  });

  it('after: wifi carries no more than its new 50 Mbit/s allows, lte keeps carrying', () => {
    const { record } = run;
    const from = impairAt + SETTLE_MS;
    const to = record.traffic.endedMs;
    const after = pathBytes(record, from, to + 1000);
    const seconds = (to - from) / 1000;
    // tbf at 50 Mbit/s: at most 6.25 MB/s of frames (plus one burst).
    expect(after.wifi! / seconds).toBeLessThan(6.25e6 * 1.1);
    expect(after.lte! / seconds).toBeGreaterThan(2e6);
  });

  it('delivers the stream whole', () => {
    const { record } = run;
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.integrity?.ok).toBe(true);
  });
});
