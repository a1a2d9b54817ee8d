// The base image `debian:bookworm-slim` made here when no container registry is reachable:
// bootstrap a minbase tree (mmdebstrap when installed, else debootstrap), give it the sources a
// registry image has, and `docker import` it.
//
// Plain JavaScript on purpose: `npm run lab`'s prelab (lab/cli/ensure-deps.js) makes the base
// alongside `npm ci` on a first run, before TypeScript tooling exists, and lab/image/base.ts
// makes it with the same recipe (these functions) when the lab finds it missing itself.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const BASE_IMAGE = 'debian:bookworm-slim';
const SUITE = 'bookworm';
/** What `docker import` sets: a registry image's CMD, and labels that say where it came from. */
const IMPORT_CHANGES = ['CMD ["bash"]', 'LABEL io.mptcp-lab.project=mptcp-lab io.mptcp-lab.role=local-base'];
const TREE_PREFIX = 'mptcp-lab-rootfs-';

function mirror(env = process.env) {
  return env.MPTCP_LAB_DEBIAN_MIRROR || 'http://deb.debian.org/debian';
}

/**
 * The tools that make the tree, in order of preference. Both make the same `minbase` tree
 * (Essential: yes packages plus apt). mmdebstrap installs with apt in one pass, and took
 * 32-34 s here where debootstrap took 47-62 s (2026-12-03, this 2-core host, deb.debian.org).
 */
const BOOTSTRAPPERS = ['mmdebstrap', 'debootstrap'];
const BOOTSTRAP_HINT = 'apt-get install mmdebstrap (or debootstrap)';

/** argv that bootstraps SUITE's minbase into dir (empty) from the mirror. */
function bootstrapArgv(bootstrapper, dir, env = process.env) {
  if (bootstrapper.tool === 'mmdebstrap') return [bootstrapper.path, '--variant=minbase', '--mode=root', '--format=directory', SUITE, dir, mirror(env)];
  return [bootstrapper.path, '--variant=minbase', SUITE, dir, mirror(env)];
}

/** The first bootstrapper installed, as { tool, path }, or undefined (non-login root shells often lack /usr/sbin in PATH). */
function findBootstrapper(env = process.env, alsoIn = ['/usr/sbin', '/sbin', '/usr/bin']) {
  const dirs = [...(env.PATH || '').split(':'), ...alsoIn].filter(Boolean);
  for (const tool of BOOTSTRAPPERS) {
    for (const dir of dirs) {
      const file = join(dir, tool);
      try {
        if (statSync(file).isFile()) return { tool, path: file };
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** A fresh directory for a tree, named with its maker's pid: `lab clean` removes those whose maker is gone. */
function makeTreeDir(tmp = tmpdir()) {
  return mkdtempSync(join(tmp, `${TREE_PREFIX}${process.pid}-`));
}

/** Trees under tmp whose maker process is gone (all trees with `all`): a killed build's leftovers. */
function leftoverTrees({ tmp = tmpdir(), all = false, alive = pidAlive } = {}) {
  let names = [];
  try {
    names = readdirSync(tmp);
  } catch {
    return [];
  }
  return names
    .map((n) => ({ n, m: new RegExp(`^${TREE_PREFIX}(\\d+)-`).exec(n) }))
    .filter(({ m }) => m && (all || !alive(Number(m[1]))))
    .map(({ n }) => join(tmp, n));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** After bootstrapping: the sources a registry image has (updates and security too), and no package cache baked in. */
function finishTree(dir, env = process.env) {
  const m = mirror(env);
  writeFileSync(join(dir, 'etc/apt/sources.list'), [`deb ${m} ${SUITE} main`, `deb ${m} ${SUITE}-updates main`, `deb http://deb.debian.org/debian-security ${SUITE}-security main`, ''].join('\n'));
  rmSync(join(dir, 'var/cache/apt/archives'), { recursive: true, force: true });
  rmSync(join(dir, 'var/lib/apt/lists'), { recursive: true, force: true });
}

/** Mount points at or under dir, deepest first (proc or sys a failed bootstrap left). */
function mountsInside(dir, mounts) {
  return mounts
    .split('\n')
    .map((l) => l.split(' ')[1] || '')
    .filter((m) => m === dir || m.startsWith(dir + '/'))
    .sort()
    .reverse();
}

/** Removes a tree, unmounting what a failed run left inside; false (tree kept, warned) if something is still mounted. */
function removeTree(dir, warn = (line) => process.stderr.write(`${line}\n`)) {
  if (!existsSync(dir)) return true;
  const read = () => {
    try {
      return readFileSync('/proc/mounts', 'utf8');
    } catch {
      return '';
    }
  };
  for (const m of mountsInside(dir, read())) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  if (mountsInside(dir, read()).length) {
    warn(`warning: left ${dir} in place: something is still mounted inside it`);
    return false;
  }
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/**
 * Should prelab make the base alongside npm ci? Only when npm ci is about to run (there is
 * something to overlap with), the engine answers and lacks the base, and a bootstrapper can run
 * (root, installed). Otherwise the lab does what it always did, with its own messages.
 */
function shouldMakeBaseEarly({ npmCiNeeded, uid, bootstrapper, base }) {
  if (!npmCiNeeded) return { go: false, why: 'npm ci is not needed: nothing to overlap with' };
  if (uid !== 0) return { go: false, why: `not root: ${bootstrapper ? bootstrapper.tool : 'bootstrapping a tree'} needs root` };
  if (!bootstrapper) return { go: false, why: `neither ${BOOTSTRAPPERS.join(' nor ')} is installed` };
  if (base !== 'missing') return { go: false, why: base === 'present' ? `${BASE_IMAGE} is present` : `the Docker engine did not answer (${base})` };
  return { go: true };
}

/** 'present', 'missing', or why the engine could not say (no docker CLI, engine down). */
function baseImageState(env = process.env) {
  const r = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE], { env, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return r.error.code === 'ENOENT' ? 'no docker CLI' : r.error.message;
  if (r.status === 0) return 'present';
  return /no such image/i.test(r.stderr || '') ? 'missing' : (r.stderr || '').trim().split('\n')[0] || `docker exited ${r.status}`;
}

/** Runs argv with its output appended to logFile; resolves with the exit code (or the error), killed after timeoutMs. */
function runLogged(argv, logFile, timeoutMs, env = process.env) {
  return new Promise((resolve) => {
    const out = openSync(logFile, 'a');
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', out, out] });
    closeSync(out);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, error: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code === null ? -1 : code, ...(signal ? { error: signal === 'SIGKILL' ? `did not finish within ${timeoutMs / 1000} s` : `killed by ${signal}` } : {}) });
    });
  });
}

/** `tar -C dir -c . | docker import --change ... - debian:bookworm-slim`, piped here (no shell); resolves with an error message or undefined. */
function importTree(dir, logFile, env = process.env) {
  return new Promise((resolve) => {
    const log = openSync(logFile, 'a');
    const tar = spawn('tar', ['--numeric-owner', '-C', dir, '-c', '.'], { env, stdio: ['ignore', 'pipe', log] });
    const docker = spawn('docker', ['import', ...IMPORT_CHANGES.flatMap((c) => ['--change', c]), '-', BASE_IMAGE], { env, stdio: ['pipe', log, log] });
    closeSync(log);
    tar.stdout.pipe(docker.stdin);
    const codes = {};
    const settle = (who, code, err) => {
      codes[who] = err ? `${who}: ${err}` : code === 0 ? '' : `${who} exited ${code}`;
      if (who === 'tar' && code !== 0) docker.kill('SIGKILL');
      if ('tar' in codes && 'docker' in codes) resolve([codes.tar, codes.docker].filter(Boolean).join('; ') || undefined);
    };
    tar.on('error', (e) => settle('tar', -1, e.message));
    docker.on('error', (e) => settle('docker', -1, e.message));
    docker.stdin.on('error', () => {});
    tar.on('close', (code) => 'tar' in codes || settle('tar', code));
    docker.on('close', (code) => 'docker' in codes || settle('docker', code));
  });
}

/**
 * Makes the base the way the lab would, with the docker CLI (prelab has no dockerode yet):
 * `docker pull`, else the bootstrapper + `docker import`. Every command's output goes to logFile.
 * Resolves { ok, how (pulled, or the tool's name), ms, error? }; never rejects, never leaves a tree behind.
 */
async function makeBaseWithCli({ bootstrapper, logFile, env = process.env, tmp = tmpdir(), onStep = () => {} }) {
  const t0 = Date.now();
  writeFileSync(logFile, '');
  const pull = await runLogged(['docker', 'pull', BASE_IMAGE], logFile, 120_000, env);
  if (pull.code === 0) return { ok: true, how: 'pulled', ms: Date.now() - t0 };
  const how = bootstrapper.tool;
  onStep(`cannot pull ${BASE_IMAGE}: making it with ${how} from ${mirror(env)}`);
  const dir = makeTreeDir(tmp);
  try {
    const boot = await runLogged(bootstrapArgv(bootstrapper, dir, env), logFile, 20 * 60_000, env);
    if (boot.code !== 0) return { ok: false, how, ms: Date.now() - t0, error: `${how} ${boot.error || `exited ${boot.code}`}` };
    try {
      finishTree(dir, env);
    } catch (e) {
      return { ok: false, how, ms: Date.now() - t0, error: `the ${how} tree is not complete: ${e.message}` };
    }
    onStep(`${how} done in ${((Date.now() - t0) / 1000).toFixed(1)} s; importing ${BASE_IMAGE}`);
    const imported = await importTree(dir, logFile, env);
    if (imported) return { ok: false, how, ms: Date.now() - t0, error: imported };
    return { ok: true, how, ms: Date.now() - t0 };
  } finally {
    removeTree(dir);
  }
}

module.exports = {
  BASE_IMAGE,
  BOOTSTRAPPERS,
  BOOTSTRAP_HINT,
  IMPORT_CHANGES,
  SUITE,
  TREE_PREFIX,
  baseImageState,
  bootstrapArgv,
  findBootstrapper,
  finishTree,
  leftoverTrees,
  makeBaseWithCli,
  makeTreeDir,
  mirror,
  mountsInside,
  removeTree,
  shouldMakeBaseEarly,
};
