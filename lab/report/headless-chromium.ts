/**
 * Debian's Chromium, headless and offline, for the tests that open our HTML reports.
 * Lives beside the writers because every page test (unit and suite) launches it the same way.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags: headless as root, no background networking (this machine refuses outside connections). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches Chromium, or fails saying how to install it (never a silent skip). */
export async function launchChromium(page: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: this test renders ${page} in headless Chromium. Install it (as root): apt-get update && apt-get install -y chromium (CI installs it).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page opened from file:// once its script has finished (data-rendered true or error). */
export interface RenderedPage {
  page: Page;
  /** `document.body.dataset`: `rendered`, `charts`, `renderError`. */
  dataset: Record<string, string>;
  /** Uncaught script errors. */
  errors: string[];
  /** Every request that left file:// (a self-contained page makes none). */
  requests: string[];
}

/** Opens `file` in a new 1200×900 page, recording script errors and outside requests, and waits until it has rendered or failed. */
export async function openRenderedPage(browser: Browser, file: string, timeoutMs = 15_000): Promise<RenderedPage> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-rendered="true"], body[data-rendered="error"]', { timeout: timeoutMs });
  const dataset = await page.evaluate<Record<string, string>>('({ ...document.body.dataset })');
  return { page, dataset, errors, requests };
}
