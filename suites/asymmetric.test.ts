/**
 * asymmetric: fibre (1 Gbit/s) + LTE (100 Mbit/s). What fraction of the 1.1 Gbit/s sum does
 * MPTCP's default scheduler achieve, and is it better than plain TCP over the fibre alone?
 * The lab runs the MPTCP download, then the same download over plain TCP (--baseline tcp: the
 * first path, fibre, only) on the same lab, and records both.
 */
import { checkNamed, expectEveryCheckPasses, mb, meanBetween, pathBytes, runLabOnce } from './helpers';

jest.setTimeout(180_000);

describe('asymmetric: 1 Gbit/s fibre + 100 Mbit/s LTE', () => {
  const run = runLabOnce('asymmetric', { baseline: 'tcp' });

  it('passes every check: the aggregate is at least 40% of the 1.1 Gbit/s sum', () => {
    const { checks, exitCode } = run.outcome;
    expectEveryCheckPasses(checks);
    expect(exitCode).toBe(0);
    const aggregate = checkNamed(checks, 'aggregate');
    expect(aggregate.bound).toBe(0.4 * 1.1e9);
    // No scheduler beats physics: the goodput stays under the sum of the two rates.
    expect(aggregate.value).toBeLessThan(1.1e9);
  });

  it('uses the slow path to its capacity: LTE runs near its 100 Mbit/s and carries ≥ 5% of the bytes', () => {
    const { record } = run.outcome;
    const lte = record.paths.find((p) => p.path === 'lte')!;
    const lteMean = meanBetween(lte, 500, record.traffic.endedMs - 200, record.intervalMs);
    expect(lteMean).toBeGreaterThan(80e6);
    expect(lteMean).toBeLessThan(110e6);
    const bytes = pathBytes(record, 0, record.traffic.endedMs + 1000);
    const share = bytes.lte! / (bytes.fibre! + bytes.lte!);
    expect({ fibre: mb(bytes.fibre!), lte: mb(bytes.lte!), share: share >= 0.05 }).toEqual({ fibre: mb(bytes.fibre!), lte: mb(bytes.lte!), share: true });
  });

  it('records the plain-TCP baseline over the fibre alone and MPTCP\'s gain over it', () => {
    const { record } = run.outcome;
    expect(record.baseline).toBeDefined();
    const { goodputBps, gainRatio } = record.baseline!;
    // TCP on one 1 Gbit/s path: measured 725-952 Mbit/s.
    expect(goodputBps).toBeGreaterThan(500e6);
    expect(goodputBps).toBeLessThan(1e9);
    expect(gainRatio).toBeCloseTo(record.traffic.goodputBps / goodputBps, 6);
    // Measured gain 0.65-0.97 (6 runs): adding LTE never made the download worse than half of fibre alone.
    expect(gainRatio).toBeGreaterThan(0.5);
  });

  it('delivers the 400 MB whole over MPTCP with both subflows', () => {
    const { record } = run.outcome;
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.bytesReceived).toBe(400e6);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false, maxSubflows: 2 });
  });
});
