#!/usr/bin/env node
// Finds a Chromium-family browser for the tests that render our HTML reports headless:
// CHROME_PATH, then chromium, chromium-browser, google-chrome, google-chrome-stable on PATH,
// then a Playwright browser cache (PLAYWRIGHT_BROWSERS_PATH or ~/.cache/ms-playwright). A set
// CHROME_PATH is the only candidate: when it does not work, that is the error.
// Each candidate must answer `--version` (Ubuntu's chromium-browser can be a snap stub that
// only prints how to install the snap). Plain JavaScript: pretest (lab/cli/ensure-deps.js)
// runs it before any TypeScript tooling exists; lab/report/headless-chromium.ts uses it too.
// As a command: prints `<path>  <version>`, or the reason none was found (exit 3).
'use strict';
const { accessSync, constants, readdirSync } = require('node:fs');
const { homedir } = require('node:os');
const { delimiter, join } = require('node:path');
const { spawnSync } = require('node:child_process');

const BROWSER_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, or undefined. */
function onPath(name, env) {
  for (const dir of (env.PATH || '').split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    if (executable(file)) return file;
  }
  return undefined;
}

/** Browsers in a Playwright cache, newest build first: chromium-NNNN/chrome-linux{,64}/chrome and the headless shell. */
function playwrightBrowsers(env) {
  const roots = [env.PLAYWRIGHT_BROWSERS_PATH, join(env.HOME || homedir(), '.cache', 'ms-playwright')].filter(Boolean);
  const found = [];
  for (const root of roots) {
    let dirs = [];
    try {
      dirs = readdirSync(root);
    } catch {
      continue;
    }
    const build = (d) => Number((/-(\d+)$/.exec(d) || [])[1] || 0);
    for (const d of dirs.filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d)).sort((a, b) => build(b) - build(a))) {
      for (const rel of ['chrome-linux/chrome', 'chrome-linux64/chrome', 'chrome-linux/headless_shell', 'chrome-headless-shell-linux64/chrome-headless-shell']) {
        const file = join(root, d, rel);
        if (executable(file)) found.push(file);
      }
    }
  }
  return found;
}

function version(file) {
  const r = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n')[0] || '';
  if (r.status === 0 && /\d+\.\d+/.test(out)) return { ok: true, version: out };
  return { ok: false, why: r.error ? r.error.message : `--version exited ${r.status === null ? r.signal : r.status}: ${out.slice(0, 120)}` };
}

/** Where this looks, for messages. */
const SEARCHED = `CHROME_PATH, ${BROWSER_COMMANDS.join(', ')} on PATH, ~/.cache/ms-playwright`;

/**
 * { path, version, source } for the first browser that answers `--version`; or { path: undefined,
 * rejected: [...] } naming every candidate that did not. `verify: false` skips the `--version` run.
 */
function findBrowser(opts = {}) {
  const env = opts.env || process.env;
  const verify = opts.verify !== false;
  const candidates = [];
  if (env.CHROME_PATH) {
    // An explicit CHROME_PATH is the answer or the error, never silently replaced by another browser.
    candidates.push({ file: env.CHROME_PATH, source: 'CHROME_PATH' });
  } else {
    for (const name of BROWSER_COMMANDS) {
      const file = onPath(name, env);
      if (file) candidates.push({ file, source: name });
    }
    for (const file of playwrightBrowsers(env)) candidates.push({ file, source: 'Playwright cache' });
  }
  const rejected = [];
  for (const c of candidates) {
    if (!executable(c.file)) {
      rejected.push(`${c.source} ${c.file}: not an executable file`);
      continue;
    }
    if (!verify) return { path: c.file, source: c.source, rejected };
    const v = version(c.file);
    if (v.ok) return { path: c.file, version: v.version, source: c.source, rejected };
    rejected.push(`${c.source} ${c.file}: ${v.why}`);
  }
  return { path: undefined, rejected, chromePathSet: !!env.CHROME_PATH };
}

module.exports = { BROWSER_COMMANDS, SEARCHED, findBrowser };

if (require.main === module) {
  const r = findBrowser();
  if (r.path) {
    process.stdout.write(`${r.path}  ${r.version} (from ${r.source})\n`);
  } else {
    process.stderr.write(`no headless browser found (looked at ${SEARCHED})${r.rejected.length ? `; rejected: ${r.rejected.join('; ')}` : ''}\n`);
    process.exit(3);
  }
}
