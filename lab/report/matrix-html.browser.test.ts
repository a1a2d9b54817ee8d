/**
 * Opens summary.html in headless Chromium from file:// (no network) and checks that the
 * goodput chart drew its bars and our plugin's min–max whiskers; saves a screenshot.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, openRenderedPage } from './headless-chromium';
import { summarizeRuns } from '../run/repeat';
import { twoVariantRuns } from './__fixtures__/matrix-runs';
import { writeMatrixReports } from './matrix-summary';

const SCREENSHOT = resolve(__dirname, '../../reports/summary-test.png');

jest.setTimeout(60_000);

describe('summary.html in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium('summary.html');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the goodput bars with min–max whiskers, offline, and screenshots the page', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-summary-'));
    const [, , file] = await writeMatrixReports(dir, summarizeRuns(twoVariantRuns()));

    const { page, dataset, errors, requests } = await openRenderedPage(browser, file!);
    expect(errors).toEqual([]);
    expect(dataset).toMatchObject({ rendered: 'true', charts: '1' });
    expect(requests).toEqual([]);

    // Browser-side code is passed as text: the project compiles without the DOM library.
    const canvas = await page.evaluate<{ width: number; inked: number }>(`(() => {
      const c = document.getElementById('chart-goodput');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      return { width: c.width, inked };
    })()`);
    expect(canvas.width).toBeGreaterThan(300);
    expect(canvas.inked).toBeGreaterThan(5000);

    // The 1gbit bar (median 1529 Mbit/s) spans 1481–1592: at 1560 Mbit/s, above the bar, the
    // whisker is drawn at the bar's centre and nothing is beside it; at 1505, inside the bar,
    // the whisker (black) crosses the bar's pink.
    const px = await page.evaluate<Record<string, number[]>>(`(() => {
      const chart = Chart.getChart('chart-goodput');
      const r = chart.currentDevicePixelRatio;
      const bar = chart.getDatasetMeta(0).data[1];
      const at = (x, mbit) => Array.from(chart.ctx.getImageData(Math.round(x * r), Math.round(chart.scales.y.getPixelForValue(mbit) * r), 1, 1).data);
      return { whiskerAbove: at(Math.round(bar.x), 1560), besideAbove: at(bar.x + bar.width / 3, 1560), whiskerInside: at(Math.round(bar.x), 1505), barInside: at(bar.x + bar.width / 3, 1505) };
    })()`);
    expect(px['whiskerAbove']![3]).toBeGreaterThan(150);
    expect(px['besideAbove']![3]).toBe(0);
    expect(Math.max(...px['whiskerInside']!.slice(0, 3))).toBeLessThan(40);
    expect(px['barInside']!.slice(0, 3)).toEqual([0xcc, 0x79, 0xa7]);

    await mkdir(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
