import { summarizeRuns } from '../run/repeat';
import { seedRun, twoVariantRuns } from './__fixtures__/matrix-runs';
import { expectSelfContainedPage } from './__fixtures__/self-contained';
import { buildMatrixChartData, renderMatrixHtml } from './matrix-html';

describe('renderMatrixHtml (static)', () => {
  const summary = summarizeRuns(twoVariantRuns());
  const html = renderMatrixHtml(summary, { baseDir: '/reports/seed' });

  it('is one self-contained page: three inline scripts, no src or remote URL', () => {
    expectSelfContainedPage(html);
    expect(html).toContain('.verdict.pass'); // report.css, inline
  });

  it('shows the verdict, a row per variant, the checks grid, the problems and links to each run', () => {
    expect(html).toContain('<div class="verdict fail" id="verdict">FAIL<span class="counts">1 of 2 variants passed; 2 flaky checks</span>');
    expect(html).toContain('<h1>seed-two-vlans: matrix of 2 variants, 3 runs each</h1>');
    expect(html).toMatch(/<tr class="flaky"><td class="mono">rate=1gbit<\/td><td class="num">3 \(2 passed\)<\/td><td class="num">1\.53 Gbit\/s<span class="range">\(1\.48–1\.59 Gbit\/s\)<\/span><\/td>/);
    expect(html).toContain('<td class="mono">failover:vlan181<br>stall</td><td><span class="status flaky">FLAKY</span></td></tr>');
    expect(html).toMatch(/<tr><td class="mono">failover:vlan181<\/td><td title="[^"]*"><span class="status pass">✔ PASS 3\/3<\/span>[\s\S]*?<span class="status flaky">≈ FLAKY 2\/3<\/span>/);
    expect(html).toContain('<li><span class="mono">failover:vlan181</span> [rate=1gbit]: flaky: passed 2 of 3 runs; expected failover ≤ 1.00 s');
    expect(html).toContain('<li>rate=1gbit #2: <span class="mono">seed-two-vlans-20250101T120000Z-7f3a-rate1gbit-2</span> failed · <a href="rate%3D1gbit/run-2/report.html">report</a></li>');
  });

  it('gives the chart medians and min–max in Mbit/s, and no whisker for a single run', () => {
    const data = buildMatrixChartData(summary);
    expect(data.labels).toEqual([['rate=100mbit'], ['rate=1gbit']]);
    expect(data.medians[1]).toBeCloseTo(1528.602, 3);
    expect(data.ranges[1]).toEqual([1480.969, 1591.867]);
    expect(data.runs).toEqual([3, 3]);
    expect(buildMatrixChartData(summarizeRuns([seedRun('a b', 0)]))).toMatchObject({ labels: [['a', 'b']], ranges: [null] });
  });

  it('cannot be broken out of by a label or a message', () => {
    const run = seedRun('</script><img src=x onerror=alert(1)>', 0, { aggregates: false });
    run.checks = [{ ...run.checks[0]!, status: 'fail', message: '<b>bold</b> & "more"' }, ...run.checks.slice(1)];
    const page = renderMatrixHtml(summarizeRuns([run]));
    expect(page.match(/<script\b/g)).toHaveLength(3);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>');
    expect(page).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;more&quot;');
  });
});
