import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCommand, readRunDoc } from '../cli/commands/compare';
import { renderCompareTable } from './compare-console';
import { twoRuns } from './__fixtures__/compare-runs';
import { buildCompareChartData, compareRuns, formatDelta } from './compare-data';
import { renderCompareHtml } from './compare-html';

describe('compareRuns', () => {
  const [a, b] = twoRuns();
  const c = compareRuns(a, b);
  const byName = (n: string) => c.rows.find((r) => r.name === n)!;

  it('has a row for every check of either run, with both values, verdicts and the delta', () => {
    expect(c.rows.filter((r) => r.section === 'check').map((r) => r.name)).toEqual(a.checks.map((x) => x.name));
    const rec = byName('recovery:vlan181');
    expect(rec.statusA).toBe('pass');
    expect(rec.statusB).not.toBe('pass');
    expect(rec.differs).toBe(true);
    const agg = byName('aggregate');
    expect(agg).toMatchObject({ unit: 'bit/s', statusA: 'pass', statusB: 'pass' });
    expect(agg.delta).toBeCloseTo(agg.b! - agg.a!, 3);
  });

  it('compares goodput, bytes, subflows and per-path bytes, and lists only the counters that differ', () => {
    const goodput = byName('goodput');
    expect(goodput.b!).toBeLessThan(goodput.a!);
    expect(goodput.ratio!).toBeCloseTo(goodput.b! / goodput.a!, 6);
    expect(byName('bytes received')).toMatchObject({ unit: 'bytes' });
    expect(byName('subflows at most')).toMatchObject({ a: 2, b: 2, delta: 0, differs: false });
    expect(byName('vlan181 bytes').b!).toBeLessThan(byName('vlan181 bytes').a!);
    expect(c.rows.filter((r) => r.section === 'counter').map((r) => [r.name, r.a, r.b, r.delta])).toEqual([['pc1 MPTcpExt.DSSNoMatchTCP', 0, 2, 2]]);
  });

  it('formats signed deltas in their unit', () => {
    expect(formatDelta(12e6, 'bit/s')).toBe('+12.0 Mbit/s');
    expect(formatDelta(-1080, 'ms')).toMatch(/^−1\.08 s$/);
    expect(formatDelta(0, 'count')).toBe('0');
    expect(formatDelta(undefined, 'count')).toBe('');
  });

  it('prints a console table naming both runs and the verdicts that changed', () => {
    const text = renderCompareTable(c);
    expect(text).toContain('A ');
    expect(text).toContain('run-a');
    expect(text).toContain('run-b');
    expect(text).toMatch(/verdicts that changed: .*recovery:vlan181 pass → (fail|error)/);
    expect(text).toMatch(/goodput/);
  });
});

describe('compare page', () => {
  const [a, b] = twoRuns();

  it('has both runs\' aggregate, per-path and goodput series, B dashed', () => {
    const d = buildCompareChartData(a, b);
    expect(d.aggregate.map((l) => [l.label, l.dashed])).toEqual([['A: aggregate (link)', false], ['B: aggregate (link)', true]]);
    expect(d.paths.map((l) => l.label)).toEqual(['A: vlan180', 'A: vlan181', 'B: vlan180', 'B: vlan181']);
    expect(d.goodput).toHaveLength(2);
    expect(d.paths[1]!.color).toBe(d.paths[3]!.color);
    expect(d.aggregate[0]!.points.length).toBe(a.aggregate.t.length);
  });

  it('is self-contained: Chart.js inline, no outside URL, every row in the table', () => {
    const html = renderCompareHtml(a, b);
    expect(html).toContain('id="compare-data"');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)[^"'\s)]*\.(js|css)/);
    expect(html).toContain('recovery:vlan181');
    expect(html).toContain('pc1 MPTcpExt.DSSNoMatchTCP');
  });
});

describe('compare command', () => {
  it('reads two report folders (or result.json files), prints the table and writes the page', async () => {
    const [a, b] = twoRuns();
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-compare-'));
    await writeFile(join(dir, 'a.json'), JSON.stringify(a));
    const folder = join(dir, 'b');
    await import('node:fs/promises').then((fs) => fs.mkdir(folder));
    await writeFile(join(folder, 'result.json'), JSON.stringify(b));
    const out = join(dir, 'page.html');
    const r = await compareCommand([join(dir, 'a.json'), folder, '--out', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`page: ${out}`);
    expect(await readFile(out, 'utf8')).toContain('<canvas id="chart-paths"');
    const j = await compareCommand([join(dir, 'a.json'), folder, '--out', out, '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ a: { runId: 'run-a' }, b: { runId: 'run-b' }, page: out });
  });

  it('bad input is exit 2 with the reason, nothing written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-compare-'));
    await writeFile(join(dir, 'x.json'), '{"runId": "x"}');
    expect((await compareCommand([join(dir, 'x.json')])).stderr).toMatch(/two runs; got 1/);
    const r = await compareCommand([join(dir, 'x.json'), join(dir, 'nope')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/not a run's result.json \(no topology, traffic/);
    expect(() => readRunDoc(join(dir, 'missing'))).toThrow(/no such file or folder/);
    expect(() => readRunDoc(dir)).toThrow(/no result.json there/);
  });
});
