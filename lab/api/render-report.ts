/**
 * renderReport: opens a report.html offline in a headless Chromium and says how it rendered.
 * A test tool: playwright-core (a development dependency) and a Chromium are loaded only when
 * it is called, so `require('mptcp-lab')` never needs them.
 */

/** How a report page rendered: its body's data set (`rendered` is `true` or `error`), script errors, and requests that left file://. */
export interface RenderedReport {
  dataset: Record<string, string>;
  errors: string[];
  requests: string[];
}

/** Renders `file` (a report.html) in a 1200×900 headless page, waiting up to `timeoutMs` for its script to finish. */
export async function renderReport(file: string, opts: { timeoutMs?: number } = {}): Promise<RenderedReport> {
  const { launchChromium, openRenderedPage } = await import('../report/headless-chromium');
  const browser = await launchChromium(file);
  try {
    const { dataset, errors, requests } = await openRenderedPage(browser, file, opts.timeoutMs);
    return { dataset, errors, requests };
  } finally {
    await browser.close();
  }
}
