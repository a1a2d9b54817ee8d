import { summarizeRuns } from '../run/repeat';
import { findAll, parseXml } from './__fixtures__/parse-xml';
import { seedRun, twoVariantRuns } from './__fixtures__/matrix-runs';
import { renderMatrixJunit } from './matrix-junit';

describe('renderMatrixJunit', () => {
  it('writes one testsuite per variant and one testcase per check of each, failing the flaky ones with the numbers', () => {
    const root = parseXml(renderMatrixJunit(summarizeRuns(twoVariantRuns())));
    expect(root.attrs).toMatchObject({ tests: '16', failures: '2', errors: '0', skipped: '0' });
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs['name'])).toEqual(['mptcp-lab.seed-two-vlans[rate=100mbit]', 'mptcp-lab.seed-two-vlans[rate=1gbit]']);
    expect(suites.map((s) => [s.attrs['tests'], s.attrs['failures']])).toEqual([['8', '0'], ['8', '2']]);
    const cases = findAll(suites[1]!, 'testcase');
    expect(cases.map((c) => c.attrs['name'])).toEqual(['mptcp', 'integrity', 'aggregate', 'failover:vlan181', 'recovery:vlan181', 'stall', 'subflows', 'kernelLog']);
    expect(new Set(cases.map((c) => c.attrs['classname']))).toEqual(new Set(['seed-two-vlans[rate=1gbit]']));
    const failure = cases[3]!.children.find((c) => c.name === 'failure');
    expect(failure?.attrs['message']).toBe(
      'flaky: passed 2 of 3 runs, failed in run 2; measured failover 288 ms, then 935.6 Mbit/s, failover 1.59 s, then 748.3 Mbit/s, failover 388 ms, then 935.6 Mbit/s, expected failover ≤ 1.00 s, then ≥ 800.0 Mbit/s (80% of 1.00 Gbit/s vlan180)',
    );
    expect(failure?.text).toContain('value: 935.6 Mbit/s (748.3–935.6 Mbit/s) over 3 runs (min 748313994.9073464, median 935560786.749267');
    expect(failure?.text).toContain('run 2 (seed-two-vlans-20250101T120000Z-7f3a-rate1gbit-2): FAIL measured failover 1.59 s, then 748.3 Mbit/s: goodput back ≥ 800.0 Mbit/s 1.59 s after');
    expect(cases[2]!.children.map((c) => c.name)).toEqual(['system-out']);
    const props = Object.fromEntries(findAll(suites[1]!, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
    expect(props['failover time:failover:vlan181']).toBe('388 ms (min 288, max 1588, n 3)');
    expect(props['runs']).toBe('3');
  });

  it('writes a check that only errored as an error, and escapes hostile labels and messages', () => {
    const run = seedRun('rate=1gbit "<x>" & y', 0);
    run.checks = run.checks.map((c) => (c.name === 'integrity' ? { ...c, status: 'error' as const, message: 'cannot measure: ]]> <b>&' } : c));
    const root = parseXml(renderMatrixJunit(summarizeRuns([run])));
    expect(root.attrs).toMatchObject({ tests: '8', failures: '0', errors: '1' });
    const suite = findAll(root, 'testsuite')[0]!;
    expect(suite.attrs['name']).toBe('mptcp-lab.seed-two-vlans[rate=1gbit "<x>" & y]');
    const error = findAll(suite, 'testcase')[1]!.children.find((c) => c.name === 'error');
    expect(error?.attrs['message']).toBe('cannot measure: ]]> <b>&');
    expect(error?.text).toContain('run 1 (seed-two-vlans-20250101T120000Z-7f3a-rate1gbitxy-1): ERROR measured 2.50 GB, SHA-256 equal: cannot measure: ]]> <b>&');
  });
});
