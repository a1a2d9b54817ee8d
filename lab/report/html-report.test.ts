import { evaluateChecks } from '../checks';
import { buildSeedRecord } from '../checks/__fixtures__/seed-record';
import { expectSelfContainedPage } from './__fixtures__/self-contained';
import { buildChartData, jsonForScript } from './chart-data';
import { renderHtmlReport } from './html-report';

describe('renderHtmlReport (static)', () => {
  const record = buildSeedRecord({ kernelErrors: ['MPTCP: mptcp_verif_dss_csum csum is wrong: 0x100 data_seq 4178570997'] });
  const checks = evaluateChecks(record);
  const html = renderHtmlReport(record, checks);

  it('is one self-contained page: three inline scripts, no src or remote URL', () => {
    expectSelfContainedPage(html);
  });

  it('shows the verdict, the checks with their numbers, and the tables', () => {
    expect(html).toContain('<div class="verdict fail" id="verdict">FAIL<span class="counts">7 passed, 1 failed, 0 errors, 0 skipped</span>');
    expect(html).toMatch(/<tr class="fail"><td class="mono">kernelLog<\/td>/);
    expect(html).toContain('≥ 1.70 Gbit/s (85% of 2.00 Gbit/s vlan180+vlan181)');
    expect(html).toContain('<td class="mono">MPJoinSynRx</td><td class="num">2</td><td class="num">0</td>');
    // Zero deltas are left out.
    expect(html).not.toContain('DSSNotMatching');
    expect(html).toMatch(/<td>cut \(down\)<\/td><td><span class="swatch" style="background:#E69F00"><\/span>vlan181<\/td><td class="num">3\.000 s<\/td><td class="num">3\.012 s<\/td><td class="num">12 ms<\/td>/);
    expect(html).toContain('<span class="err">[   4.210 s] MPTCP: mptcp_verif_dss_csum csum is wrong');
    expect(html).toContain('plan: traffic.port defaulted to 8080 for http');
    expect(html).toContain('<td class="mono">kernel</td><td>6.8.0-45-generic</td>');
  });

  it('cannot be broken out of by text from the run', () => {
    const evil = buildSeedRecord();
    evil.plan = { ...evil.plan, description: 'A <b>bold</b> claim & "more"' };
    evil.notes.push('</script><script>alert(1)</script>');
    evil.kernelLog.push({ tMs: 1, line: '<img src=x onerror=alert(1)>', error: true });
    evil.events[0]!.path = '</script><b>';
    const page = renderHtmlReport(evil, evaluateChecks(evil));
    expect(page.match(/<script\b/g)).toHaveLength(3);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>');
    expect(page).toContain('A &lt;b&gt;bold&lt;/b&gt; claim &amp; &quot;more&quot;');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    const data = jsonForScript(buildChartData(evil));
    expect(data).not.toMatch(/<\/?script/i);
    expect(JSON.parse(data).events[0].path).toBe('</script><b>');
  });

  it('gives the charts per-path, aggregate and goodput series in s and Mbit/s, and the outages', () => {
    const data = buildChartData(record);
    expect(data.throughput.map((l) => l.label)).toEqual(['vlan180 (link)', 'vlan181 (link)', 'aggregate (link)', 'goodput (application)']);
    const goodput = data.throughput[3]!.points;
    expect(goodput[10]?.[0]).toBe(1.1);
    expect(goodput[10]?.[1]).toBeGreaterThan(1800);
    expect(data.outages).toEqual([{ path: 'vlan181', fromS: 3.012, toS: 6.009, color: '#E69F00' }]);
    expect(data.events.map((e) => `${e.kind} ${e.path} ${e.s}`)).toEqual(['cut vlan181 3.012', 'restore vlan181 6.009']);
  });
});
