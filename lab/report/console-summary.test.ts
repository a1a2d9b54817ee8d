import { evaluateChecks } from '../checks';
import { buildSeedRecord } from '../checks/__fixtures__/seed-record';
import { renderSummaryTable } from './console-summary';

describe('renderSummaryTable', () => {
  it('prints a row per check, the failures, and a line about the transfer', () => {
    const record = buildSeedRecord({ fellBack: true });
    const text = renderSummaryTable(record, evaluateChecks(record), ['reports/x/result.json', 'reports/x/report.html']);
    const lines = text.split('\n');
    expect(lines.find((l) => l.includes('│ mptcp '))).toMatch(/│ FAIL\s+│ MPTCP on both ends, no fallback\s+│ TCP \(fallback\)/);
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
});
