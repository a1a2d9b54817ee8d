/**
 * The base-image recipe prelab and the lab share (base-tree.js). The chain itself (pull, else
 * debootstrap, finish, tar | docker import) runs here against stand-in `docker` and
 * `debootstrap` commands on PATH: what reaches `docker import` is checked as a tar.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, IMPORT_CHANGES, debootstrapArgv, leftoverTrees, makeBaseWithCli, makeTreeDir, mountsInside, removeTree, shouldMakeBaseEarly } from './base-tree';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'base-tree-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('shouldMakeBaseEarly', () => {
  const ok = { npmCiNeeded: true, uid: 0, debootstrap: '/usr/sbin/debootstrap', base: 'missing' };
  it('goes only when npm ci runs, the engine lacks the base, and debootstrap can run as root', () => {
    expect(shouldMakeBaseEarly(ok)).toEqual({ go: true });
    expect(shouldMakeBaseEarly({ ...ok, npmCiNeeded: false }).why).toContain('nothing to overlap');
    expect(shouldMakeBaseEarly({ ...ok, base: 'present' }).why).toContain('is present');
    expect(shouldMakeBaseEarly({ ...ok, base: 'Cannot connect to the Docker daemon' }).why).toContain('did not answer (Cannot connect');
    expect(shouldMakeBaseEarly({ ...ok, uid: 1000 }).why).toContain('not root');
    expect(shouldMakeBaseEarly({ ...ok, debootstrap: undefined }).why).toContain('not installed');
  });
});

describe('the recipe', () => {
  it('debootstraps bookworm minbase from the mirror the environment names', () => {
    expect(debootstrapArgv('/d', '/t', {})).toEqual(['/d', '--variant=minbase', 'bookworm', '/t', 'http://deb.debian.org/debian']);
    expect(debootstrapArgv('/d', '/t', { MPTCP_LAB_DEBIAN_MIRROR: 'http://m/debian' })[4]).toBe('http://m/debian');
  });

  it('finds mounts inside a tree, deepest first, and not beside it', () => {
    const mounts = ['proc /t/a/proc proc rw 0 0', 'sys /t/a/proc/sys sysfs rw 0 0', 'proc /t/ab proc rw 0 0', ''].join('\n');
    expect(mountsInside('/t/a', mounts)).toEqual(['/t/a/proc/sys', '/t/a/proc']);
  });

  it('names trees by their maker; leftovers are those whose maker is gone', () => {
    const mine = makeTreeDir(dir);
    mkdirSync(join(dir, 'mptcp-lab-rootfs-999999999-abc'));
    mkdirSync(join(dir, 'unrelated'));
    expect(mine).toContain(`mptcp-lab-rootfs-${process.pid}-`);
    expect(leftoverTrees({ tmp: dir })).toEqual([join(dir, 'mptcp-lab-rootfs-999999999-abc')]);
    expect(leftoverTrees({ tmp: dir, all: true }).sort()).toEqual([mine, join(dir, 'mptcp-lab-rootfs-999999999-abc')].sort());
    expect(removeTree(mine)).toBe(true);
    expect(existsSync(mine)).toBe(false);
  });
});

describe('makeBaseWithCli, with stand-in docker and debootstrap', () => {
  /** A bin dir with `docker` (pull fails or not; import saves stdin and its args) and `debootstrap` (makes a tiny tree). */
  function fakeBin(pull: 'fails' | 'works', importExit = 0): { bin: string; env: NodeJS.ProcessEnv } {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const script = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    script(
      'docker',
      [
        'if [ "$1" = pull ]; then echo "pulling $2"; ' + (pull === 'fails' ? 'echo "no such host" >&2; exit 1; fi' : 'exit 0; fi'),
        `if [ "$1" = import ]; then shift; printf '%s\\n' "$@" > "${dir}/import-args"; cat > "${dir}/import.tar"; exit ${importExit}; fi`,
        'exit 2',
      ].join('\n'),
    );
    script('debootstrap', 'mkdir -p "$3/etc/apt" "$3/var/cache/apt/archives" "$3/var/lib/apt/lists" "$3/bin" && echo hi > "$3/bin/hello" && echo "I: Base system installed successfully."');
    return { bin, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } };
  }

  it('pulls when a registry answers, and debootstraps nothing', async () => {
    const { bin, env } = fakeBin('works');
    const r = await makeBaseWithCli({ debootstrap: join(bin, 'debootstrap'), logFile: join(dir, 'log'), env, tmp: dir });
    expect(r).toMatchObject({ ok: true, how: 'pulled' });
    expect(existsSync(join(dir, 'import.tar'))).toBe(false);
  });

  it('else debootstraps, finishes the tree as a registry image has it, imports it with the labels, and removes the tree', async () => {
    const { bin, env } = fakeBin('fails');
    const steps: string[] = [];
    const r = await makeBaseWithCli({ debootstrap: join(bin, 'debootstrap'), logFile: join(dir, 'log'), env, tmp: dir, onStep: (l) => steps.push(l) });
    expect(r).toMatchObject({ ok: true, how: 'debootstrap' });
    expect(steps[0]).toContain(`cannot pull ${BASE_IMAGE}`);
    expect(readFileSync(join(dir, 'import-args'), 'utf8').trim().split('\n')).toEqual([...IMPORT_CHANGES.flatMap((c) => ['--change', c]), '-', BASE_IMAGE]);
    const listing = spawnSync('tar', ['-tf', join(dir, 'import.tar')], { encoding: 'utf8' }).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['./bin/hello', './etc/apt/sources.list']));
    expect(listing.some((l) => l.startsWith('./var/cache/apt/archives') || l.startsWith('./var/lib/apt/lists'))).toBe(false);
    const sources = spawnSync('tar', ['-xOf', join(dir, 'import.tar'), './etc/apt/sources.list'], { encoding: 'utf8' }).stdout;
    expect(sources).toContain('bookworm-security');
    expect(readdirSync(dir).filter((n) => n.startsWith('mptcp-lab-rootfs-'))).toEqual([]);
    expect(readFileSync(join(dir, 'log'), 'utf8')).toContain('no such host');
  });

  it('a failed import is an error naming docker, and the tree is still removed', async () => {
    const { bin, env } = fakeBin('fails', 7);
    const r = await makeBaseWithCli({ debootstrap: join(bin, 'debootstrap'), logFile: join(dir, 'log'), env, tmp: dir });
    expect(r).toMatchObject({ ok: false, error: 'docker exited 7' });
    expect(readdirSync(dir).filter((n) => n.startsWith('mptcp-lab-rootfs-'))).toEqual([]);
  });
});
