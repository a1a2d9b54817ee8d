import { stats } from './stats';
import { formatStats, formatTarget, formatValue, missedTargets, renderMarkdown, renderTable, verdictOf, type BenchRow } from './table';

const one = (v: number) => stats([v]);

describe('formatValue', () => {
  it('formats each unit', () => {
    expect(formatValue(812.4, 'ms')).toBe('812 ms');
    expect(formatValue(12_345, 'ms')).toBe('12.3 s');
    expect(formatValue(1.874e9, 'bit/s')).toBe('1.87 Gbit/s');
    expect(formatValue(277e6, 'bit/s')).toBe('277 Mbit/s');
    expect(formatValue(5e3, 'bit/s')).toBe('5 kbit/s');
    expect(formatValue(0.0405, 'cpu')).toBe('4.05%');
    expect(formatValue(0.583, 'cpu')).toBe('58.3%');
    expect(formatValue(0.934, 'ratio')).toBe('0.93');
    expect(formatValue(0.0812, 'fraction')).toBe('0.081');
    expect(formatValue(12.34, 'ratio')).toBe('12.3');
    expect(formatValue(NaN, 'ms')).toBe('—');
  });
});

describe('formatStats', () => {
  it('shows median (min–max) without repeating the unit', () => {
    expect(formatStats(stats([776, 812, 901]), 'ms')).toBe('812 ms (776–901)');
    expect(formatStats(stats([1.8e9, 1.87e9, 1.9e9]), 'bit/s')).toBe('1.87 Gbit/s (1.80–1.90)');
  });

  it('shows a single value alone, and a dash when nothing was measured', () => {
    expect(formatStats(one(812), 'ms')).toBe('812 ms');
    expect(formatStats(undefined, 'ms')).toBe('—');
  });
});

describe('verdictOf', () => {
  it('checks the ratio median against the target', () => {
    expect(verdictOf({ ratio: stats([0.5, 0.9, 1.2]), target: { op: '<=', value: 1 } })).toBe('ok');
    expect(verdictOf({ ratio: stats([1.1, 1.2]), target: { op: '<=', value: 1 } })).toBe('over');
    expect(verdictOf({ ratio: stats([0.85]), target: { op: '>=', value: 0.9 } })).toBe('under');
    expect(verdictOf({ ratio: stats([0.95]), target: { op: '>=', value: 0.9 } })).toBe('ok');
  });

  it('has nothing to say without a target or a ratio', () => {
    expect(verdictOf({ ratio: stats([2]) })).toBe('n/a');
    // A target without a measured ratio is a miss, not a pass (the bench used to exit 0 on it).
    expect(verdictOf({ target: { op: '<=', value: 1 } })).toBe('unmeasured');
    expect(missedTargets([{ target: { op: '<=', value: 1 } }, { ratio: stats([2]) }, { ratio: stats([0.5]), target: { op: '<=', value: 1 } }])).toHaveLength(1);
  });

  it('formats targets', () => {
    expect(formatTarget({ op: '<=', value: 1 })).toBe('≤ 1');
    expect(formatTarget({ op: '>=', value: 0.9 })).toBe('≥ 0.9');
    expect(formatTarget(undefined)).toBe('');
  });
});

const rows: BenchRow[] = [
  {
    section: 'bring-up',
    figure: 'two-vlan bring-up',
    unit: 'ms',
    measured: stats([800, 812, 900]),
    baselineName: 'script',
    baseline: stats([1500, 1600, 1700]),
    ratio: stats([0.5, 0.51, 0.6]),
    target: { op: '<=', value: 1 },
  },
  { section: 'bring-up', figure: 'two-vlan teardown', unit: 'ms', measured: stats([600]), baselineName: 'script', baseline: stats([500]), ratio: stats([1.2]), target: { op: '<=', value: 1 }, note: 'noisy' },
  { section: 'fidelity', figure: 'iperf3 goodput / capacity', unit: 'bit/s', measured: stats([1.87e9]), baselineName: '2.00 Gbit/s shaped', ratio: stats([0.935]) },
  { section: 'scale', figure: 'scale (section failed)', unit: 'ms', note: 'no Docker' },
];

describe('renderTable', () => {
  const text = renderTable(rows);

  it('groups rows under their section and shows each column', () => {
    expect(text).toMatch(/\[bring-up\][\s\S]*\[fidelity\][\s\S]*\[scale\]/);
    expect(text).toContain('812 ms (800–900)');
    expect(text).toContain('script: 1600 ms (1500–1700)');
    expect(text).toContain('0.51 (0.50–0.60)');
    expect(text).toContain('≤ 1');
    expect(text).toContain('OVER');
    expect(text).toContain('2.00 Gbit/s shaped');
  });

  it('lists the notes under the table', () => {
    expect(text).toContain('* two-vlan teardown: noisy');
    expect(text).toContain('* scale (section failed): no Docker');
  });

  it('has no colour codes', () => {
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001b\[/);
  });
});

describe('renderMarkdown', () => {
  it('is a Markdown table with a section column, then the notes', () => {
    const md = renderMarkdown(rows);
    const lines = md.split('\n');
    expect(lines[0]).toBe('| section | figure | measured | baseline (same run) | ratio | target | |');
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- | --- |');
    expect(lines[2]).toBe('| bring-up | two-vlan bring-up | 812 ms (800–900) | script: 1600 ms (1500–1700) | 0.51 (0.50–0.60) | ≤ 1 | ok |');
    expect(md).toContain('| bring-up | two-vlan teardown | 600 ms | script: 500 ms | 1.20 | ≤ 1 | OVER |');
    expect(md).toContain('- two-vlan teardown: noisy');
  });

  it('escapes pipes', () => {
    expect(renderMarkdown([{ section: 's', figure: 'a | b', unit: 'ms' }])).toContain('a \\| b');
  });
});
