import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderResultJson } from '../report/result-json';
import { renderMatrixJunit } from '../report/matrix-junit';
import { renderMatrixSummary } from '../report/matrix-summary';
import { seedRun } from '../report/__fixtures__/matrix-runs';
import { parseMatrixArgs } from '../run/matrix';
import { cellDir, cellLine, cellMeta, listCells, parseShardArg, shardCells, summaryFromDirs, writeCellMeta, type EngineRef } from './shard';

const variants = parseMatrixArgs(['rate=100mbit,1gbit', 'loss=0,1%']);
const engine = (name: string): EngineRef => ({ name, endpoint: `unix:///run/${name}.sock`, host: 'lab-host' });

/** Writes the cells as a sweep process does: each folder with result.json and cell.json. */
async function writeCells(root: string, indices: readonly number[], repeat = 1, eng = engine('default')): Promise<void> {
  for (const cell of listCells(variants, repeat).filter((c) => indices.includes(c.index))) {
    const dir = cellDir(root, cell);
    await mkdir(dir, { recursive: true });
    const run = seedRun(cell.variant.label, cell.run - 1, cell.index === 3 ? { failoverMs: 1500 } : {});
    await writeFile(join(dir, 'result.json'), renderResultJson(run.record, run.checks));
    await writeCellMeta(dir, cellMeta('seed-two-vlans', variants, repeat, cell, eng));
  }
}

describe('--shard', () => {
  it('parses i/n as Jest does and refuses anything else at --shard', () => {
    expect(parseShardArg('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1', 'a/b', '1/0', '-1/2']) expect(() => parseShardArg(bad)).toThrow(/--shard|i\/n/);
  });

  it('splits cells round robin (cell c to shard c mod n + 1): every cell in exactly one shard', () => {
    const cells = listCells(variants, 3);
    expect(cells).toHaveLength(12);
    expect(cells.slice(0, 4).map((c) => [c.index, c.variant.label, c.run])).toEqual([[0, 'rate=100mbit loss=0%', 1], [1, 'rate=100mbit loss=0%', 2], [2, 'rate=100mbit loss=0%', 3], [3, 'rate=100mbit loss=1%', 1]]);
    const shards = [1, 2, 3, 4, 5].map((i) => shardCells(cells, { index: i, count: 5 }).map((c) => c.index));
    expect(shards).toEqual([[0, 5, 10], [1, 6, 11], [2, 7], [3, 8], [4, 9]]);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(cells.map((c) => c.index));
  });
});

describe('summaryFromDirs (merge and the unsharded run share it)', () => {
  it('gives the same summary, JUnit and console from 2 shards merged as from one folder', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'mptcp-lab-shard-'));
    await writeCells(join(tmp, 'whole'), [0, 1, 2, 3]);
    await writeCells(join(tmp, 's1'), [0, 2]);
    await writeCells(join(tmp, 's2'), [1, 3]);
    const whole = await summaryFromDirs([join(tmp, 'whole')]);
    const merged = await summaryFromDirs([join(tmp, 's2'), join(tmp, 's1')]);
    const strip = (s: object) => JSON.parse(JSON.stringify(s).replace(/"outDir":"[^"]*",?/g, '')) as unknown;
    expect(strip(merged)).toEqual(strip(whole));
    expect(renderMatrixJunit(merged)).toBe(renderMatrixJunit(whole));
    expect(renderMatrixSummary(merged)).toBe(renderMatrixSummary(whole));
    expect(whole.variants.map((v) => v.label)).toEqual(variants.map((v) => v.label));
    expect(Object.keys(whole.variants[0]!.checks)).toContain('failover:vlan181');
    expect(whole.exitCode).toBe(1);
  });

  it('names missing cells (exit 1, a JUnit error each) and refuses a cell given twice', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'mptcp-lab-shard-'));
    await writeCells(join(tmp, 'a'), [0, 1]);
    const partial = await summaryFromDirs([join(tmp, 'a')]);
    expect(partial.missing?.map((m) => [m.cell, m.label])).toEqual([[2, 'rate=1gbit loss=0%'], [3, 'rate=1gbit loss=1%']]);
    expect(partial.exitCode).toBe(1);
    expect(renderMatrixSummary(partial)).toContain('MISSING cell 3 (rate=1gbit loss=0% run 1): no result');
    expect(renderMatrixSummary(partial).split('\n').at(-1)).toMatch(/2 of 4 cells missing$/);
    expect(renderMatrixJunit(partial)).toContain('errors="2"');
    await writeCells(join(tmp, 'b'), [1]);
    await expect(summaryFromDirs([join(tmp, 'a'), join(tmp, 'b')])).rejects.toThrow(/cell 2 .* is given twice/);
  });

  it('reads cells from pod logs (mptcp-lab-cell lines) and says which engine ran what', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'mptcp-lab-shard-'));
    const lines: string[] = ['some npm noise'];
    for (const cell of listCells(variants, 1)) {
      const run = seedRun(cell.variant.label, 0);
      lines.push(`2026-12-01T10:00:00Z ${cellLine(cellMeta('seed-two-vlans', variants, 1, cell, engine(cell.index % 2 ? 'node-b' : 'node-a')), renderResultJson(run.record, run.checks))}`);
    }
    await writeFile(join(tmp, 'pods.log'), lines.join('\n'));
    const s = await summaryFromDirs([join(tmp, 'pods.log')]);
    expect(s.runs).toBe(4);
    expect(s.engines?.map((e) => [e.name, e.cells])).toEqual([['node-a', 2], ['node-b', 2]]);
    expect(renderMatrixSummary(s)).toContain('engines: node-a (unix:///run/node-a.sock): 2 cells, node-b (unix:///run/node-b.sock): 2 cells');
  });
});
