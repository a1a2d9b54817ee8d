/**
 * The package a user installs: `import('mptcp-lab')` and `require('mptcp-lab')` from a scratch
 * project that installs this repository by path list the public API, and `npx mptcp-lab`
 * runs the CLI. The ES module entry lists its names by hand: they must stay lab/index.ts's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as api from '../index';

const REPO = resolve(__dirname, '..', '..');
const API = ['loadTopology', 'startLab', 'writeReports', 'runLab', 'measureLab'];

describe('the mptcp-lab package', () => {
  it('lab/entry.mjs exports exactly what lab/index.ts does', () => {
    const mjs = readFileSync(join(REPO, 'lab', 'entry.mjs'), 'utf8');
    const listed = /export const \{([^}]*)\}/.exec(mjs)?.[1]?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    expect([...listed].sort()).toEqual(Object.keys(api).filter((k) => k !== '__esModule').sort());
    expect(Object.keys(api)).toEqual(expect.arrayContaining(API));
  });

  it('installs by path into a scratch project: import, require and the bin all answer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mptcp-lab-pkg-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
      const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
      const install = spawnSync('npm', ['install', '--no-save', REPO], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
      expect({ status: install.status, stderr: install.status === 0 ? '' : install.stderr }).toEqual({ status: 0, stderr: '' });
      const esm = spawnSync('node', ['-e', "import('mptcp-lab').then((m) => console.log(JSON.stringify(Object.keys(m))))"], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
      expect(JSON.parse(esm.stdout)).toEqual(expect.arrayContaining(API));
      const cjs = spawnSync('node', ['-e', "console.log(JSON.stringify(Object.keys(require('mptcp-lab'))))"], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
      expect(JSON.parse(cjs.stdout)).toEqual(expect.arrayContaining(API));
      const bin = spawnSync(join(dir, 'node_modules', '.bin', 'mptcp-lab'), ['validate', 'two-vlan'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
      expect(bin.status).toBe(0);
      expect(bin.stdout).toMatch(/^two-vlan \(/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
