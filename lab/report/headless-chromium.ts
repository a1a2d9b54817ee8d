/**
 * Debian's Chromium, headless and offline, for the tests that open our HTML reports.
 * Lives beside the writers because every page test (unit and suite) launches it the same way.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
