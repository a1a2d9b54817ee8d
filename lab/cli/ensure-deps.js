#!/usr/bin/env node
// Runs before `npm run lab` and `npm test` (npm's pre-scripts): on a fresh clone it installs
// the locked dependencies, so the README's two commands work exactly as written.
// Plain JavaScript on purpose: it must run before TypeScript tooling exists.
'use strict';
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..', '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  process.stderr.write('mptcp-lab: installing dependencies (npm ci)...\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('mptcp-lab: npm ci failed; see the output above\n');
    process.exit(r.status ?? 1);
  }
}
