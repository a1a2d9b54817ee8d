/**
 * Opens compare.html in headless Chromium from file:// (no network) and checks that each of
 * its three charts drew both runs' series (datasets in Chart.js's own config, ink on the
 * canvas, B's lines dashed); saves a screenshot.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { twoRuns } from './__fixtures__/compare-runs';
import { writeCompareHtml } from './compare-html';
import { launchChromium, openRenderedPage } from './headless-chromium';

const SCREENSHOT = resolve(__dirname, '../../reports/compare-test.png');

jest.setTimeout(60_000);

describe('compare.html in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium('compare.html');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws both runs on the aggregate, per-path and goodput charts, offline', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const [a, b] = twoRuns();
    const file = await writeCompareHtml(join(await mkdtemp(join(tmpdir(), 'mptcp-lab-compare-')), 'compare.html'), a, b);

    const { page, dataset, errors, requests } = await openRenderedPage(browser, file);
    expect(errors).toEqual([]);
    expect(dataset).toMatchObject({ rendered: 'true', charts: '3', datasets: '2,4,2' });
    expect(requests).toEqual([]);

    // Browser-side code is passed as text: the project compiles without the DOM library.
    const charts = await page.evaluate<Array<{ id: string; labels: string[]; dashed: boolean[]; points: number[]; inked: number }>>(`
      ['chart-aggregate', 'chart-paths', 'chart-goodput'].map((id) => {
        const chart = Chart.getChart(id);
        const c = chart.canvas;
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let inked = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
        return {
          id,
          labels: chart.data.datasets.map((d) => d.label),
          dashed: chart.data.datasets.map((d) => d.borderDash.length > 0),
          points: chart.data.datasets.map((d) => d.data.length),
          inked,
        };
      })`);
    expect(charts.map((c) => [c.id, c.labels, c.dashed])).toEqual([
      ['chart-aggregate', ['A: aggregate (link)', 'B: aggregate (link)'], [false, true]],
      ['chart-paths', ['A: vlan180', 'A: vlan181', 'B: vlan180', 'B: vlan181'], [false, false, true, true]],
      ['chart-goodput', ['A: goodput (application)', 'B: goodput (application)'], [false, true]],
    ]);
    for (const c of charts) {
      expect(Math.min(...c.points)).toBeGreaterThan(50);
      expect(c.inked).toBeGreaterThan(5000);
    }

    // During B's unrecovered outage (7 s: vlan181 restored at 6 s in both runs), A's vlan181
    // carries ~985 Mbit/s and B's nothing: A's line is drawn there, B's at zero.
    const at7 = await page.evaluate<number[]>(`(() => {
      const chart = Chart.getChart('chart-paths');
      return [1, 3].map((i) => { const d = chart.data.datasets[i].data; return d.reduce((best, p) => Math.abs(p.x - 7) < Math.abs(best.x - 7) ? p : best).y; });
    })()`);
    expect(at7[0]).toBeGreaterThan(800);
    expect(at7[1]).toBeLessThan(1);

    await mkdir(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
