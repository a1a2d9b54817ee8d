import { twoVariantRuns, seedRun } from '../report/__fixtures__/matrix-runs';
import { TopologyError } from '../model/errors';
import { figureStats, median, parseRepeatArg, summarizeRuns, type LabelledRun } from './repeat';

/** Runs of one label whose whole-transfer goodput is set to the given values. */
function withGoodputs(label: string, values: number[]): LabelledRun[] {
  return values.map((g, i) => {
    const run = seedRun(label, i);
    run.record.traffic.goodputBps = g;
    return run;
  });
}

describe('median and figureStats', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
    expect(figureStats([5, NaN, 1, 3], 'ms')).toEqual({ min: 1, median: 3, max: 5, n: 3, unit: 'ms' });
    expect(figureStats([NaN], 'ms')).toBeUndefined();
  });
});

describe('summarizeRuns', () => {
  it('gives min/median/max of goodput per label, for odd and even run counts', () => {
    const s = summarizeRuns([...withGoodputs('odd', [3e9, 1e9, 2e9]), ...withGoodputs('even', [4e9, 1e9, 3e9, 2e9])]);
    expect(s.variants.map((v) => v.label)).toEqual(['odd', 'even']);
    expect(s.variants[0]!.figures['goodput']).toEqual({ min: 1e9, median: 2e9, max: 3e9, n: 3, unit: 'bit/s' });
    expect(s.variants[1]!.figures['goodput']).toEqual({ min: 1e9, median: 2.5e9, max: 4e9, n: 4, unit: 'bit/s' });
    expect(s).toMatchObject({ topology: 'seed-two-vlans', runs: 7, repeated: true, exitCode: 0 });
  });

  it('summarizes every figure: goodput, aggregate, failover and recovery times, check values, subflows, bytes, duration', () => {
    const [rate100, rate1g] = summarizeRuns(twoVariantRuns()).variants;
    expect(Object.keys(rate1g!.figures)).toEqual([
      'goodput', 'aggregate', 'failover time:failover:vlan181', 'recovery time:recovery:vlan181',
      'check:mptcp', 'check:integrity', 'check:aggregate', 'check:failover:vlan181', 'check:recovery:vlan181', 'check:stall', 'check:subflows', 'check:kernelLog',
      'maxSubflows', 'bytesReceived', 'duration',
    ]);
    // Failover times of the three runs: 288 ms, 1.59 s, 388 ms (the seed's failoverMs plus sampling).
    expect(rate1g!.figures['failover time:failover:vlan181']).toEqual({ min: 288, median: 388, max: 1588, n: 3, unit: 'ms' });
    expect(rate1g!.figures['maxSubflows']).toEqual({ min: 2, median: 2, max: 2, n: 3, unit: 'count' });
    expect(rate100!.figures['bytesReceived']).toMatchObject({ min: 2.5e8, max: 2.5e8, unit: 'bytes' });
    const g = rate1g!.figures['goodput']!;
    expect(g.min).toBeLessThan(g.median);
    expect(g.median).toBeLessThan(g.max);
    expect(g.max).toBeLessThan(2e9);
    const agg = rate1g!.figures['aggregate']!;
    expect(agg.median).toBeGreaterThan(g.median); // link throughput carries the headers too
    expect(rate1g!.figures['check:aggregate']!.unit).toBe('bit/s');
  });

  it('calls a check flaky when it passed in some runs and failed in others, and fails the whole for it', () => {
    const s = summarizeRuns(twoVariantRuns());
    const [rate100, rate1g] = s.variants;
    expect(rate100!.exitCode).toBe(0);
    expect(rate100!.counts).toEqual({ passed: 8, failed: 0, flaky: 0, skipped: 0 });
    const failover = rate1g!.checks['failover:vlan181']!;
    expect(failover).toMatchObject({ kind: 'failover', passed: 2, failed: 1, errors: 0, skipped: 0, flaky: true, verdict: 'flaky' });
    expect(failover.runs.map((r) => r.status)).toEqual(['pass', 'fail', 'pass']);
    expect(rate1g!.checks['aggregate']).toMatchObject({ passed: 3, flaky: false, verdict: 'pass' });
    expect(rate1g!.counts).toEqual({ passed: 6, failed: 0, flaky: 2, skipped: 0 });
    expect(rate1g!.runs.map((r) => r.exitCode)).toEqual([0, 1, 0]);
    expect(rate1g!.runs[1]).toEqual({ runId: 'seed-two-vlans-20250101T120000Z-7f3a-rate1gbit-2', startedAt: '2025-01-01T12:01:00.000Z', outDir: '/reports/seed/rate=1gbit/run-2', exitCode: 1 });
    expect(s.exitCode).toBe(1);
  });

  it('tells a consistent failure, an error and a skip apart from flakiness', () => {
    const runs = [seedRun('slow', 0, { failoverMs: 1500 }), seedRun('slow', 1, { failoverMs: 1600 })];
    runs[1]!.checks = runs[1]!.checks.map((c) => (c.name === 'kernelLog' ? { ...c, status: 'error' as const } : c.name === 'mptcp' ? { ...c, status: 'skipped' as const } : c));
    const [v] = summarizeRuns(runs).variants;
    expect(v!.checks['failover:vlan181']).toMatchObject({ failed: 2, flaky: false, verdict: 'fail' });
    expect(v!.checks['kernelLog']).toMatchObject({ passed: 1, errors: 1, flaky: true, verdict: 'flaky' });
    expect(v!.checks['mptcp']).toMatchObject({ passed: 1, skipped: 1, verdict: 'pass' });
    expect(v!.exitCode).toBe(1);
  });

  it('exits 0 only when every check passed in every run, and 0 for nothing at all', () => {
    expect(summarizeRuns([seedRun('a', 0), seedRun('a', 1), seedRun('b', 0)]).exitCode).toBe(0);
    expect(summarizeRuns([seedRun('a', 0), seedRun('b', 0, { aggregates: false })]).exitCode).toBe(1);
    expect(summarizeRuns([])).toEqual({ topology: '', runs: 0, repeated: false, variants: [], exitCode: 0 });
  });
});

describe('parseRepeatArg', () => {
  it('takes a whole number of runs from 1 to 100', () => {
    expect(parseRepeatArg('5')).toBe(5);
    for (const bad of ['0', '101', '2.5', 'five', '']) expect(() => parseRepeatArg(bad)).toThrow(TopologyError);
    expect(() => parseRepeatArg('x')).toThrow('--repeat: expected a whole number of runs from 1 to 100, got "x"');
  });
});
