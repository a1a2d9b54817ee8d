import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrowser } from './find-browser';

function stub(file: string, script: string): string {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('findBrowser', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mptcp-lab-browser-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the first command on PATH that answers --version, passing over a snap stub (GitHub runners: google-chrome only)', () => {
    const bin = join(dir, 'bin');
    stub(join(bin, 'chromium-browser'), 'echo "Command \'/usr/bin/chromium-browser\' requires the chromium snap to be installed." >&2; exit 1');
    const chrome = stub(join(bin, 'google-chrome'), 'echo "Google Chrome 131.0.6778.85"');
    const r = findBrowser({ env: { PATH: bin, HOME: dir } });
    expect(r).toMatchObject({ path: chrome, version: 'Google Chrome 131.0.6778.85', source: 'google-chrome' });
    expect(r.rejected).toEqual([expect.stringMatching(/^chromium-browser .*--version exited 1: Command .* requires the chromium snap/)]);
  });

  it('prefers chromium over google-chrome when both are there', () => {
    const bin = join(dir, 'bin');
    const chromium = stub(join(bin, 'chromium'), 'echo "Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)"');
    stub(join(bin, 'google-chrome-stable'), 'echo "Google Chrome 131.0"');
    expect(findBrowser({ env: { PATH: bin, HOME: dir } }).path).toBe(chromium);
  });

  it('falls back to the newest browser in the Playwright cache', () => {
    const cache = join(dir, '.cache', 'ms-playwright');
    stub(join(cache, 'chromium-1100', 'chrome-linux', 'chrome'), 'echo "Chromium 120.0.6099.28"');
    const newest = stub(join(cache, 'chromium-1200', 'chrome-linux64', 'chrome'), 'echo "Chromium 133.0.6943.16"');
    expect(findBrowser({ env: { PATH: join(dir, 'empty'), HOME: dir } })).toMatchObject({ path: newest, source: 'Playwright cache' });
  });

  it('a set CHROME_PATH is the only candidate: a broken one is an error, not a reason to pick another browser', () => {
    const bin = join(dir, 'bin');
    stub(join(bin, 'chromium'), 'echo "Chromium 156.0"');
    const r = findBrowser({ env: { PATH: bin, HOME: dir, CHROME_PATH: join(dir, 'nope') } });
    expect(r.path).toBeUndefined();
    expect(r.chromePathSet).toBe(true);
    expect(r.rejected).toEqual([`CHROME_PATH ${join(dir, 'nope')}: not an executable file`]);
    const good = stub(join(dir, 'my-chrome'), 'echo "Chromium 150.0"');
    expect(findBrowser({ env: { PATH: bin, HOME: dir, CHROME_PATH: good } })).toMatchObject({ path: good, source: 'CHROME_PATH' });
  });

  it('finds nothing on a host without a browser', () => {
    expect(findBrowser({ env: { PATH: join(dir, 'empty'), HOME: dir } })).toEqual({ path: undefined, rejected: [], chromePathSet: false });
  });
});
