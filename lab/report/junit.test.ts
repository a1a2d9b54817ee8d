import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateChecks } from '../checks';
import { buildSeedRecord } from '../checks/__fixtures__/seed-record';
import type { CheckResult } from '../model/record';
import { findAll, parseXml } from './__fixtures__/parse-xml';
import { renderJunit, writeJunit } from './junit';

describe('writeJunit', () => {
  it('writes one testsuite and one testcase per check, failures carrying the numbers', async () => {
    const record = buildSeedRecord({ aggregates: false });
    const checks = evaluateChecks(record);
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-junit-'));
    const root = parseXml(await readFile(await writeJunit(dir, record, checks), 'utf8'));
    const [suite, ...more] = findAll(root, 'testsuite');
    expect(more).toHaveLength(0);
    expect(suite?.attrs).toMatchObject({ name: 'mptcp-lab.seed-two-vlans', tests: String(checks.length), failures: '4', errors: '0', skipped: '0' });
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs['name'])).toEqual(checks.map((c) => c.name));
    expect(new Set(cases.map((c) => c.attrs['classname']))).toEqual(new Set(['seed-two-vlans']));
    const aggregate = cases.find((c) => c.attrs['name'] === 'aggregate');
    const failure = aggregate?.children.find((c) => c.name === 'failure');
    expect(failure?.attrs['message']).toMatch(/^measured 93\d\.\d Mbit\/s, expected ≥ 1\.70 Gbit\/s \(85% of 2\.00 Gbit\/s vlan180\+vlan181\)$/);
    expect(failure?.text).toContain('bound: 1700000000 bit/s');
    const props = Object.fromEntries(findAll(root, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
    expect(props).toMatchObject({ runId: record.runId, kernel: '6.8.0-45-generic', tool: 'http' });
  });

  it('writes errors and skips as such, and escapes hostile text', () => {
    const record = buildSeedRecord({ kernelErrors: ['bad \u0001 byte </system-out> & "q" <x>'] });
    const hostile = 'a "quoted" <b>&amp; ]]> \'x\'\nsecond line';
    const checks: CheckResult[] = [
      { name: 'integrity', kind: 'integrity', status: 'error', expected: 'SHA-256 equal', measured: 'not measured', message: `cannot measure: ${hostile}` },
      { name: 'failover', kind: 'failover', status: 'skipped', expected: '', measured: 'no cut', message: 'the timeline cuts no path <none>' },
      { name: 'kernelLog', kind: 'kernelLog', status: 'fail', expected: '≤ 0 <lines>', measured: '1 & more', message: hostile, value: 1, bound: 0, unit: 'lines' },
    ];
    const root = parseXml(renderJunit(record, checks));
    const cases = findAll(root, 'testcase');
    expect(cases[0]?.children.find((c) => c.name === 'error')?.attrs['message']).toBe(`cannot measure: ${hostile}`);
    expect(cases[1]?.children.map((c) => c.name)).toEqual(['skipped']);
    expect(cases[1]?.children[0]?.attrs['message']).toBe('the timeline cuts no path <none>');
    const failure = cases[2]?.children.find((c) => c.name === 'failure');
    expect(failure?.attrs['message']).toBe('measured 1 & more, expected ≤ 0 <lines>');
    expect(failure?.text.startsWith(hostile)).toBe(true);
    const suiteOut = findAll(root, 'system-out').at(-1)?.text;
    expect(suiteOut).toContain('ERROR bad \uFFFD byte </system-out> & "q" <x>');
  });

  it('shows a check the plan skipped with its reason, and the sampler\'s errors and gaps', () => {
    const record = buildSeedRecord({ checks: [{ kind: 'mptcp' }, { kind: 'failover', min: { percent: 80 }, withinMs: 1000, skip: 'the traffic ends before the cut at 3 s' }] });
    record.sampling = { intervalMs: 100, samples: 90, skippedTicks: 4, errors: [{ tMs: 4200, message: 'EIO reading rx_bytes' }], gaps: [{ fromMs: 4000, toMs: 4300 }] };
    const root = parseXml(renderJunit(record, evaluateChecks(record)));
    expect(findAll(root, 'testsuite')[0]?.attrs).toMatchObject({ tests: '2', skipped: '1' });
    const skipped = findAll(root, 'testcase')[1]?.children.find((c) => c.name === 'skipped');
    expect(skipped?.attrs['message']).toBe('the traffic ends before the cut at 3 s');
    expect(findAll(root, 'system-out').at(-1)?.text).toContain('sampler: 90 samples, 4 skipped ticks, 1 failed sample (first at 4.20 s: EIO reading rx_bytes), 1 gap with no sample (4.00–4.30 s)');
  });
});
