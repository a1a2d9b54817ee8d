/** The console's side-by-side of two runs: one row per figure, A, B, the delta and the ratio; unchanged rows only when asked. */
import Table from 'cli-table3';
import { formatDelta, type Comparison, type DeltaRow } from './compare-data';

const STATUS: Record<string, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

/** A cell of one run: the value, and a check's verdict before it. */
export function cellText(r: DeltaRow, side: 'a' | 'b'): string {
  const status = side === 'a' ? r.statusA : r.statusB;
  const text = side === 'a' ? r.aText : r.bText;
  return r.section === 'check' ? `${status ? STATUS[status] : '—'} ${text}` : text;
}

export function ratioText(r: DeltaRow): string {
  return r.ratio !== undefined && r.unit !== 'bool' ? `×${r.ratio.toFixed(3)}` : '';
}

/** The table (checks and figures always; counters only where they differ, as compareRuns keeps them). */
export function renderCompareTable(c: Comparison): string {
  const head = ['', 'figure', `A ${c.a.runId}`, `B ${c.b.runId}`, 'B − A', 'B / A'];
  const table = new Table({ head, wordWrap: true, colWidths: [9, 30, 30, 30, 18, 10], style: { head: [], border: [] } });
  for (const r of c.rows) table.push([r.section, r.name, cellText(r, 'a'), cellText(r, 'b'), formatDelta(r.delta, r.unit), ratioText(r)]);
  const changed = c.rows.filter((r) => r.section === 'check' && r.statusA !== r.statusB).map((r) => `${r.name} ${r.statusA ?? 'absent'} → ${r.statusB ?? 'absent'}`);
  return [
    `A: ${c.a.topology} ${c.a.runId} (${c.a.startedAt})`,
    `B: ${c.b.topology} ${c.b.runId} (${c.b.startedAt})`,
    table.toString(),
    changed.length ? `verdicts that changed: ${changed.join(', ')}` : 'no check changed its verdict',
  ].join('\n');
}
