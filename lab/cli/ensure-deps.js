#!/usr/bin/env node
// Runs before `npm run lab`, `npm test` and `npm run bench` (npm's pre-scripts), so the
// README's two commands work exactly as written on a fresh host:
// - every time: installs the locked npm dependencies when node_modules is missing or stale;
// - prelab: says in one line when no lab image exists yet (the first run builds it);
// - pretest: the host tools the tests need. A headless browser (the report-rendering tests;
//   lab/cli/find-browser.js), and as root (the kernel tests run only as root) nft and
//   ip/tc. What is missing is installed from Debian's packages when we are root with apt-get,
//   saying so in one line; otherwise it stops before any test runs, with one line naming
//   what to install. A missing tool is never three failed tests.
// Plain JavaScript on purpose: it must run before TypeScript tooling exists.
'use strict';
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { delimiter, join } = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { findBrowser, SEARCHED } = require('./find-browser');
const base = require('../image/base-tree');

const root = join(__dirname, '..', '..');

/** True when node_modules is missing or older than the lock file. */
function npmDepsStale() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  return !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
}

/** npm ci when needed; asynchronous, so the base image can be made meanwhile (startBaseEarly). */
async function ensureNpmDeps(stale = npmDepsStale()) {
  if (!stale) return 0;
  process.stderr.write('mptcp-lab: installing dependencies (npm ci)...\n');
  const status = await new Promise((resolve) => {
    const child = spawn('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`mptcp-lab: cannot run npm ci: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code === null ? 1 : code));
  });
  if (status !== 0) {
    process.stderr.write('mptcp-lab: npm ci failed; see the output above\n');
    return status || 1;
  }
  return 0;
}

/**
 * A first `npm run lab` runs npm ci and then builds the lab image, whose base (when no registry
 * is reachable) is an mmdebstrap (or debootstrap) of about 30-60 s. Neither needs the other, so prelab makes the
 * base alongside npm ci (lab/image/base-tree.js, the lab's own recipe) and the lab then finds it
 * present. Returns undefined when there is nothing to gain or it cannot (the lab then does it).
 */
function startBaseEarly(npmCiNeeded, log) {
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  const bootstrapper = base.findBootstrapper();
  // Ask the engine only when the rest allows it (shouldMakeBaseEarly looks at the engine last).
  const decision = base.shouldMakeBaseEarly({ npmCiNeeded, uid, bootstrapper, base: npmCiNeeded && uid === 0 && bootstrapper ? base.baseImageState() : 'not asked' });
  if (!decision.go) return undefined;
  const logFile = join(tmpdir(), 'mptcp-lab-base-image.log');
  log(`mptcp-lab: making the lab image's base ${base.BASE_IMAGE} alongside npm ci (docker pull, else ${bootstrapper.tool}; log: ${logFile})`);
  const t0 = Date.now();
  return { t0, logFile, made: base.makeBaseWithCli({ bootstrapper, logFile, onStep: (line) => log(`mptcp-lab: ${line}`) }) };
}

/** Waits for startBaseEarly's work, saying so every 5 s; a failure is one line: the lab tries again and says why. */
async function finishBaseEarly(early, log) {
  const beat = setInterval(() => log(`mptcp-lab: still making ${base.BASE_IMAGE} (${Math.round((Date.now() - early.t0) / 1000)} s; log: ${early.logFile})`), 5000);
  const r = await early.made;
  clearInterval(beat);
  if (r.ok) log(`mptcp-lab: ${base.BASE_IMAGE} ${r.how === 'pulled' ? 'pulled' : `made with ${r.how}`} in ${(r.ms / 1000).toFixed(1)} s, alongside npm ci`);
  else log(`mptcp-lab: could not make ${base.BASE_IMAGE} early (${r.error}; log: ${early.logFile}): the lab will make it and say why if it cannot`);
  return r;
}

/** True when `name` is an executable on PATH or in the sbin directories non-login root shells often lack. */
function hasCommand(name, env = process.env) {
  const dirs = [...(env.PATH || '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs.filter(Boolean).some((d) => {
    try {
      return statSync(join(d, name)).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * What the tests need that this host lacks: [{ pkg, why }]. `browser` is findBrowser's result;
 * a set but broken CHROME_PATH is returned as `chromePath` (fix it; installing would not help).
 */
function missingTestTools({ uid, has, browser }) {
  const missing = [];
  if (!browser.path && !browser.chromePathSet) {
    const broken = browser.rejected.length ? `; found but not working: ${browser.rejected.join('; ')}` : '';
    missing.push({ pkg: 'chromium', why: `a headless browser for the report-rendering tests (looked at ${SEARCHED}${broken})` });
  }
  if (uid === 0) {
    if (!has('nft')) missing.push({ pkg: 'nftables', why: 'nft for the tc/nftables kernel tests (lab/tc/kernel.test.ts)' });
    if (!has('ip') || !has('tc')) missing.push({ pkg: 'iproute2', why: 'ip and tc for the kernel tests' });
  }
  return missing;
}

/**
 * Installs or refuses; returns the exit code (0: go on). Everything it does is injected, so
 * lab/cli/ensure-deps.test.ts can drive it: { uid, has, browser, findAgain, aptGet, log }.
 */
function ensureTestTools(ctx) {
  const { log } = ctx;
  if (!ctx.browser.path && ctx.browser.chromePathSet) {
    log(`mptcp-lab: CHROME_PATH does not work (${ctx.browser.rejected.join('; ')}): point it at a Chrome or Chromium, or unset it to use ${SEARCHED.replace('CHROME_PATH, ', '')}`);
    return 3;
  }
  const missing = missingTestTools(ctx);
  if (missing.length === 0) return 0;
  const pkgs = missing.map((m) => m.pkg);
  const command = `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
  const needs = missing.map((m) => `${m.pkg} (${m.why})`).join(', ');
  if (ctx.uid !== 0 || !ctx.has('apt-get')) {
    const how = ctx.has('apt-get') ? `as root: ${command}` : `the packages providing ${pkgs.join(', ')} with this system's package manager`;
    const browserHint = pkgs.includes('chromium') ? ', or set CHROME_PATH to a Chrome/Chromium (npx playwright-core install chromium puts one in ~/.cache/ms-playwright)' : '';
    log(`mptcp-lab: npm test needs ${needs}; install ${how}${browserHint}`);
    return 3;
  }
  log(`mptcp-lab: installing what the tests need and this host lacks: ${needs}: ${command}`);
  const r = ctx.aptGet(pkgs);
  if (!r.ok) {
    log(`mptcp-lab: ${command} failed:\n${r.output}`);
    return 1;
  }
  const still = missingTestTools({ ...ctx, browser: ctx.findAgain() });
  if (still.length) {
    log(`mptcp-lab: installed ${pkgs.join(' ')}, but still missing: ${still.map((m) => m.why).join(', ')}`);
    return 1;
  }
  return 0;
}

/** apt-get install, quiet; when the package lists are empty or stale (fresh machines), apt-get update and once more. */
function aptGet(pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  let r = install();
  if (r.status !== 0) {
    const u = spawnSync('apt-get', ['update', '-qq'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (u.status !== 0) return { ok: false, output: tail(`${u.stdout}${u.stderr}`) };
    r = install();
  }
  const output = `${r.stdout || ''}${r.stderr || ''}`;
  const logFile = join(tmpdir(), 'mptcp-lab-apt-get.log');
  try {
    writeFileSync(logFile, output);
  } catch {
    // the log is a convenience
  }
  return { ok: r.status === 0, output: tail(output) };
}

function tail(text, n = 15) {
  return text.trim().split('\n').slice(-n).join('\n');
}

/** One line when this Docker has no lab image at all: the first lab run will spend a minute or two building it. */
function noteMissingImage() {
  const r = spawnSync('docker', ['image', 'ls', '-q', 'mptcp-lab/host'], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.status === 0 && r.stdout.trim() === '') {
    process.stderr.write('mptcp-lab: no lab image on this Docker engine yet: the first lab run builds it (about 1-2 min, progress follows)\n');
  }
}

// The lab's default congestion control (DEFAULT_TCP in lab/model/plan.ts). A network namespace
// may make an algorithm its default only if the host lists it in tcp_allowed_congestion_control,
// and a host whose own default is bbr lists only "reno bbr": every lab would be refused (exit 3).
const LAB_CONGESTION_CONTROL = 'cubic';
const ALLOWED_CC = '/proc/sys/net/ipv4/tcp_allowed_congestion_control';

/**
 * Lets lab namespaces use the default congestion control: as root, adds it to the host's
 * allowed list (a runtime setting, gone at reboot), saying so in one line. Not root: nothing
 * (the lab then refuses with exit 3 and this fix). `io` is injectable for tests.
 */
function allowLabCongestionControl(ctx) {
  const { uid, read, write, modprobe, log } = ctx;
  const allowed = (read(ALLOWED_CC) ?? '').trim().split(/\s+/).filter(Boolean);
  if (allowed.length === 0 || allowed.includes(LAB_CONGESTION_CONTROL) || uid !== 0) return false;
  modprobe(`tcp_${LAB_CONGESTION_CONTROL}`);
  const next = [...allowed, LAB_CONGESTION_CONTROL].join(' ');
  try {
    write(ALLOWED_CC, next);
  } catch (e) {
    log(`mptcp-lab: could not allow ${LAB_CONGESTION_CONTROL} for lab namespaces (${e.message}); labs will say how`);
    return false;
  }
  log(`mptcp-lab: allowed ${LAB_CONGESTION_CONTROL} for network namespaces (net.ipv4.tcp_allowed_congestion_control = "${next}"): the lab's hosts run it, as the kernel selftests do, whatever this host's own default`);
  return true;
}

async function main() {
  const event = process.env.npm_lifecycle_event;
  const log = (line) => process.stderr.write(`${line}\n`);
  // MPTCP_LAB_NO_NPM_CI: its own tests run it under jest, where an npm ci would pull node_modules away.
  const stale = !process.env.MPTCP_LAB_NO_NPM_CI && npmDepsStale();
  const early = event === 'prelab' ? startBaseEarly(stale, log) : undefined;
  const code = stale ? await ensureNpmDeps(true) : 0;
  // Wait even when npm ci failed: nothing is left running or half-built.
  if (early) await finishBaseEarly(early, log);
  if (code) return code;
  const uid0 = typeof process.getuid === 'function' ? process.getuid() : -1;
  if (event === 'prelab' || event === 'pretest' || event === 'prebench') {
    allowLabCongestionControl({
      uid: uid0,
      read: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } },
      write: (p, v) => writeFileSync(p, v),
      modprobe: (m) => spawnSync('modprobe', [m], { stdio: 'ignore', timeout: 5000 }),
      log: (line) => process.stderr.write(`${line}\n`),
    });
  }
  if (event === 'prelab') noteMissingImage();
  if (event !== 'pretest') return 0;
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  return ensureTestTools({
    uid,
    has: (name) => hasCommand(name),
    browser: findBrowser(),
    findAgain: () => findBrowser(),
    aptGet,
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

module.exports = { ensureTestTools, missingTestTools, hasCommand, allowLabCongestionControl };

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`mptcp-lab: ${e && e.stack ? e.stack : e}\n`);
      process.exitCode = 1;
    },
  );
}
