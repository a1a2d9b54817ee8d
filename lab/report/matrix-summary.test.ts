import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeRuns } from '../run/repeat';
import { seedRun, twoVariantRuns } from './__fixtures__/matrix-runs';
import { renderMatrixSummary, writeMatrixReports } from './matrix-summary';

/** The table's data rows (first line of each), cells trimmed. */
function rows(text: string): string[][] {
  return text.split('\n').filter((l) => l.startsWith('│') && !/│\s+│/.test(l.slice(0, 20))).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
}

describe('renderMatrixSummary', () => {
  it('prints one row per variant, without ranges or a flaky column when each ran once', () => {
    const text = renderMatrixSummary(summarizeRuns([seedRun('rate=1gbit loss=0%', 0), seedRun('rate=1gbit loss=1%', 0, { failoverMs: 1500 })]));
    const lines = text.split('\n');
    expect(lines[0]).toBe('seed-two-vlans: matrix of 2 variants, 1 run each');
    const [head, first, second] = rows(text);
    expect(head).toEqual(['variant', 'goodput', 'aggregate (link)', 'failover time', 'recovery time', 'checks', 'verdict']);
    expect(first).toEqual(['rate=1gbit loss=0%', expect.stringMatching(/^1\.\d\d Gbit\/s$/), expect.stringMatching(/^1\.\d\d Gbit\/s$/), '288 ms', '391 ms', '8 passed, 0 failed', 'PASS']);
    expect(second?.slice(-4)).toEqual(['1.59 s', '391 ms', '6 passed, 2 failed', 'FAIL']);
    expect(text).toContain('  FAIL failover:vlan181 [rate=1gbit loss=1%]: goodput back ≥ 800.0 Mbit/s 1.59 s after vlan181 was cut');
    expect(lines.at(-1)).toBe('FAIL: 1 of 2 variants passed');
    expect(text.includes('\u001b[')).toBe(false);
  });

  it('names repeat runs clearly: runs, median (min–max), and the flaky checks', () => {
    const text = renderMatrixSummary(summarizeRuns(twoVariantRuns()), ['out/summary.json', 'out/summary.html']);
    const lines = text.split('\n');
    expect(lines[0]).toBe('seed-two-vlans: matrix of 2 variants, 3 runs each');
    const table = rows(text);
    expect(table[0]).toEqual(['variant', 'runs', 'goodput median (min–max)', 'aggregate (link)', 'failover time', 'recovery time', 'checks', 'flaky', 'verdict']);
    expect(table.find((r) => r[0] === 'rate=1gbit')).toEqual(['rate=1gbit', '3 (2 passed)', '1.53 Gbit/s', '1.61 Gbit/s', '388 ms', '391 ms', '6 passed, 0 failed, 2 flaky', 'failover:vlan181', 'FLAKY']);
    // The ranges sit on the second line of each cell.
    expect(text).toMatch(/│ \(1\.48–1\.59 Gbit\/s\)\s+│ \(1\.55–1\.67 Gbit\/s\)\s+│ \(288 ms–1\.59 s\)\s+│/);
    expect(text).toContain('  FLAKY failover:vlan181 [rate=1gbit]: passed 2 of 3 runs (failing: run 2); goodput back');
    expect(lines.at(-2)).toBe('FAIL: 1 of 2 variants passed; 2 flaky checks');
    expect(lines.at(-1)).toBe('reports: out/summary.json  out/summary.html');
  });

  it('titles a repeat of the plan as written by its run count', () => {
    const text = renderMatrixSummary(summarizeRuns([seedRun('base', 0), seedRun('base', 1)]));
    expect(text.split('\n')[0]).toBe('seed-two-vlans: 2 repeated runs');
    expect(text.split('\n').at(-1)).toBe('PASS: 2 of 2 runs passed; 0 flaky checks');
  });
});

describe('writeMatrixReports', () => {
  it('writes summary.json (the summary, whole), junit.xml and summary.html', async () => {
    const summary = summarizeRuns(twoVariantRuns());
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-matrix-'));
    const files = await writeMatrixReports(join(dir, 'nested'), summary);
    expect(files).toEqual(['summary.json', 'junit.xml', 'summary.html'].map((f) => join(dir, 'nested', f)));
    const doc = JSON.parse(await readFile(files[0]!, 'utf8'));
    expect(doc).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(doc.exitCode).toBe(1);
    expect(await readFile(files[1]!, 'utf8')).toMatch(/^<\?xml/);
    expect(await readFile(files[2]!, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });
});
