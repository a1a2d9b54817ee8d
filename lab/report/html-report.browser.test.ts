/**
 * Opens report.html in headless Chromium from file:// (no network) and checks that both
 * charts drew, that the outage shading is there, and saves a screenshot to look at.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, openRenderedPage } from './headless-chromium';
import { evaluateChecks } from '../checks';
import { buildSeedRecord } from '../checks/__fixtures__/seed-record';
import { writeHtmlReport } from './html-report';

const SCREENSHOT = resolve(__dirname, '../../reports/report-test.png');

jest.setTimeout(60_000);

describe('report.html in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium('report.html');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws both charts with outage shading, offline, and screenshots the page', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const record = buildSeedRecord({ kernelErrors: ['MPTCP: mptcp_verif_dss_csum csum is wrong: 0x100 data_seq 4178570997 dss_csum_added 1 overflowed 0 iterations 1'] });
    const file = await writeHtmlReport(await mkdtemp(join(tmpdir(), 'mptcp-lab-html-')), record, evaluateChecks(record));

    const { page, dataset, errors, requests } = await openRenderedPage(browser, file);
    expect(errors).toEqual([]);
    expect(dataset).toMatchObject({ rendered: 'true', charts: '2' });
    expect(requests).toEqual([]);

    // Browser-side code is passed as text: the project compiles without the DOM library.
    const canvases = await page.evaluate<Array<{ id: string; width: number; inked: number; dataUrl: number }>>(`
      Array.from(document.querySelectorAll('canvas')).map((c) => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let inked = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
        return { id: c.id, width: c.width, inked, dataUrl: c.toDataURL().length };
      })`);
    expect(canvases.map((c) => c.id)).toEqual(['chart-throughput', 'chart-subflows']);
    for (const c of canvases) {
      expect(c.width).toBeGreaterThan(300);
      expect(c.inked).toBeGreaterThan(5000);
      expect(c.dataUrl).toBeGreaterThan(10_000);
    }

    // Our plugin shades the outage: at 1500 Mbit/s no line is drawn, so the pixel there is
    // shaded during the cut (4.5 s) and clear before it (1.5 s).
    const alpha = await page.evaluate<{ during: number; before: number }>(`(() => {
      const chart = Chart.getChart('chart-throughput');
      const r = chart.currentDevicePixelRatio;
      const at = (s) => chart.ctx.getImageData(Math.round(chart.scales.x.getPixelForValue(s) * r), Math.round(chart.scales.y.getPixelForValue(1500) * r), 1, 1).data[3];
      return { during: at(4.5), before: at(1.5) };
    })()`);
    expect(alpha.during).toBeGreaterThan(20);
    expect(alpha.before).toBe(0);

    await mkdir(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
