import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateChecks } from '../checks';
import { buildSeedRecord } from '../checks/__fixtures__/seed-record';
import { writeResultJson } from './result-json';

describe('writeResultJson', () => {
  it('writes everything: summary, checks, plan, environment, series, events, counters', async () => {
    const record = buildSeedRecord({ aggregates: false });
    const checks = evaluateChecks(record);
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-json-'));
    const file = await writeResultJson(join(dir, 'nested'), record, checks);
    expect(file).toBe(join(dir, 'nested', 'result.json'));
    const text = await readFile(file, 'utf8');
    const doc = JSON.parse(text);
    expect(Object.keys(doc).slice(0, 3)).toEqual(['summary', 'checks', 'runId']);
    expect(doc.summary).toMatchObject({ failed: 4, errors: 0, exitCode: 1 });
    expect(doc.checks).toEqual(JSON.parse(JSON.stringify(checks)));
    // The round trip keeps the record whole, so a report can be re-made from the file.
    const { summary: _s, checks: _c, ...rest } = doc;
    expect(rest).toEqual(JSON.parse(JSON.stringify(record)));
    expect(doc.plan.paths.map((p: { name: string }) => p.name)).toEqual(['vlan180', 'vlan181']);
    expect(doc.counters.pc1.MPCapableSYNRX).toBe(1);
    expect(doc.events).toHaveLength(2);
    // Number arrays stay on one line.
    expect(text).toMatch(/"t": \[100,200,300,/);
  });

  it('keeps a skipped check with its reason and the sampler\'s account', async () => {
    const record = buildSeedRecord({ checks: [{ kind: 'kernelLog', maxErrors: 0, skip: 'dmesg is not readable here' }] });
    record.sampling = { intervalMs: 100, samples: 90, skippedTicks: 0, errors: [], gaps: [{ fromMs: 4000, toMs: 4300 }] };
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-json-'));
    const doc = JSON.parse(await readFile(await writeResultJson(dir, record, evaluateChecks(record)), 'utf8'));
    expect(doc.summary).toMatchObject({ skipped: 1, exitCode: 0 });
    expect(doc.checks).toEqual([{ name: 'kernelLog', kind: 'kernelLog', status: 'skipped', expected: '≤ 0 error lines', measured: 'not run', message: 'dmesg is not readable here' }]);
    expect(doc.sampling.gaps).toEqual([{ fromMs: 4000, toMs: 4300 }]);
  });
});
