/**
 * A headless Chromium-family browser, offline, for the tests that open our HTML reports.
 * Which one: lab/cli/find-browser.js (CHROME_PATH, chromium, chromium-browser, google-chrome,
 * google-chrome-stable, a Playwright cache), the same discovery `npm test`'s pretest runs and
 * installs Debian's chromium from when it finds none. Lives beside the writers because every
 * page test (unit and suite) launches it the same way.
 */
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findBrowser, SEARCHED } from '../cli/find-browser';

/** Flags: headless as root, no background networking (this machine refuses outside connections). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let found: string | undefined;

/** The browser to launch: discovered once per process (pretest has already checked it answers). */
export function browserPath(): string {
  if (found) return found;
  const r = findBrowser({ verify: false });
  if (!r.path) {
    const rejected = r.rejected.length ? ` (rejected: ${r.rejected.join('; ')})` : '';
    throw new Error(
      `no headless browser found: looked at ${SEARCHED}${rejected}. npm test installs Debian's chromium when run as root with apt-get; ` +
        'otherwise install one (apt-get install chromium, or npx playwright-core install chromium) or set CHROME_PATH.',
    );
  }
  return (found = r.path);
}

/** Launches the discovered browser, or fails saying how to get one (never a silent skip). */
export async function launchChromium(page: string): Promise<Browser> {
  let executablePath: string;
  try {
    executablePath = browserPath();
  } catch (e) {
    throw new Error(`this test renders ${page} in a headless browser, and ${(e as Error).message}`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
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
