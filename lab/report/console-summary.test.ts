import { evaluateChecks } from '../checks';
import { buildSeedRecord } from '../checks/__fixtures__/seed-record';
import { renderSummaryTable } from './console-summary';

describe('renderSummaryTable', () => {
  it('prints a row per check, the failures, and a line about the transfer', () => {
    const record = buildSeedRecord({ fellBack: true });
    const text = renderSummaryTable(record, evaluateChecks(record), ['reports/x/result.json', 'reports/x/report.html']);
    const lines = text.split('\n');
    expect(lines.find((l) => l.includes('│ mptcp '))).toMatch(/│ FAIL\s+│ MPTCP on both ends, no fallback, ≥ 1 MP_JOIN\s+│ TCP \(fallback\)/);
    expect(text).toContain('FAIL mptcp: fell back to TCP: pc1 answered without MP_CAPABLE');
    expect(text).toContain('FAIL: 4 passed, 4 failed, 0 errors, 0 skipped');
    expect(text).toMatch(/goodput 9\d\d\.\d Mbit\/s, 2\.50 GB of 2\.50 GB in 2\d\.\d\d s; not MPTCP \(fell back to TCP: /);
    expect(lines.at(-1)).toBe('reports: reports/x/result.json  reports/x/report.html');
    // No ANSI colours: the text also lands in CI logs.
    expect(text.includes('\u001b[')).toBe(false);
  });

  it('states MPTCP\'s gain over the plain-TCP baseline when one was run', () => {
    const record = { ...buildSeedRecord({}), baseline: { protocol: 'tcp' as const, goodputBps: 0.94e9, gainRatio: 1.98 } };
    expect(renderSummaryTable(record, evaluateChecks(record))).toContain("plain TCP on the same lab: 940.0 Mbit/s; MPTCP's gain ×1.98");
  });

  it('says the baseline measured nothing instead of printing a gain of ×0.00', () => {
    const record = { ...buildSeedRecord({}), baseline: { protocol: 'tcp' as const, goodputBps: 0, gainRatio: 0 } };
    const text = renderSummaryTable(record, evaluateChecks(record));
    expect(text).toContain('plain TCP on the same lab measured nothing (no goodput): no gain stated');
    expect(text).not.toContain('×0.00');
    const inf = { ...record, baseline: { protocol: 'tcp' as const, goodputBps: 0, gainRatio: Infinity } };
    expect(renderSummaryTable(inf, [])).not.toMatch(/×(Infinity|NaN)/);
  });

  it('lists skipped checks with their reason, and the sampler\'s failed samples and gaps', () => {
    const record = buildSeedRecord({ checks: [{ kind: 'mptcp' }, { kind: 'stall', below: { percent: 10 }, longerThanMs: 1000, skip: '--size 10MB: too short to watch' }] });
    record.sampling = { intervalMs: 100, samples: 90, skippedTicks: 4, errors: [{ tMs: 4200, message: 'EIO' }], gaps: [{ fromMs: 4000, toMs: 4300 }] };
    const text = renderSummaryTable(record, evaluateChecks(record));
    expect(text).toMatch(/│ stall\s+│ SKIP\s+│/);
    expect(text).toContain('  SKIP stall: --size 10MB: too short to watch');
    expect(text).toContain('sampler: 90 samples, 4 skipped ticks, 1 failed sample (first at 4.20 s: EIO), 1 gap with no sample (4.00–4.30 s)');
  });
});
