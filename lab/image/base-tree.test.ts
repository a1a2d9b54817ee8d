/**
 * The base-image recipe prelab and the lab share (base-tree.js). The chain itself (pull, else
 * mmdebstrap or debootstrap, finish, tar | docker import) runs here against stand-in `docker`
 * and bootstrapper commands on PATH: what reaches `docker import` is checked as a tar.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, IMPORT_CHANGES, bootstrapArgv, findBootstrapper, leftoverTrees, makeBaseWithCli, makeTreeDir, mountsInside, removeTree, shouldMakeBaseEarly } from './base-tree';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'base-tree-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('shouldMakeBaseEarly', () => {
  const ok = { npmCiNeeded: true, uid: 0, bootstrapper: { tool: 'mmdebstrap' as const, path: '/usr/bin/mmdebstrap' }, base: 'missing' };
  it('goes only when npm ci runs, the engine lacks the base, and a bootstrapper can run as root', () => {
    expect(shouldMakeBaseEarly(ok)).toEqual({ go: true });
    expect(shouldMakeBaseEarly({ ...ok, npmCiNeeded: false }).why).toContain('nothing to overlap');
    expect(shouldMakeBaseEarly({ ...ok, base: 'present' }).why).toContain('is present');
    expect(shouldMakeBaseEarly({ ...ok, base: 'Cannot connect to the Docker daemon' }).why).toContain('did not answer (Cannot connect');
    expect(shouldMakeBaseEarly({ ...ok, uid: 1000 }).why).toBe('not root: mmdebstrap needs root');
    expect(shouldMakeBaseEarly({ ...ok, bootstrapper: undefined }).why).toBe('neither mmdebstrap nor debootstrap is installed');
  });
});

describe('the recipe', () => {
  it('bootstraps bookworm minbase into a directory from the mirror the environment names', () => {
    const deb = { tool: 'debootstrap' as const, path: '/d' };
    const mm = { tool: 'mmdebstrap' as const, path: '/m' };
    expect(bootstrapArgv(deb, '/t', {})).toEqual(['/d', '--variant=minbase', 'bookworm', '/t', 'http://deb.debian.org/debian']);
    expect(bootstrapArgv(deb, '/t', { MPTCP_LAB_DEBIAN_MIRROR: 'http://m/debian' })[4]).toBe('http://m/debian');
    expect(bootstrapArgv(mm, '/t', {})).toEqual(['/m', '--variant=minbase', '--mode=root', '--format=directory', 'bookworm', '/t', 'http://deb.debian.org/debian']);
    expect(bootstrapArgv(mm, '/t', { MPTCP_LAB_DEBIAN_MIRROR: 'http://m/debian' }).at(-1)).toBe('http://m/debian');
  });

  it('prefers mmdebstrap to debootstrap, and finds neither where neither is', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const sbin = join(dir, 'sbin');
    mkdirSync(sbin);
    const here = () => findBootstrapper({ PATH: bin }, [sbin]);
    expect(here()).toBeUndefined();
    writeFileSync(join(sbin, 'debootstrap'), '');
    expect(here()).toEqual({ tool: 'debootstrap', path: join(sbin, 'debootstrap') });
    writeFileSync(join(sbin, 'mmdebstrap'), '');
    expect(here()).toEqual({ tool: 'mmdebstrap', path: join(sbin, 'mmdebstrap') });
    writeFileSync(join(bin, 'mmdebstrap'), '');
    expect(here()?.path).toBe(join(bin, 'mmdebstrap'));
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

describe('makeBaseWithCli, with stand-in docker, mmdebstrap and debootstrap', () => {
  /** A bin dir with `docker` (pull fails or not; import saves stdin and its args) and `debootstrap` and `mmdebstrap` (each makes a tiny tree in its target, the second-to-last argument). */
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
    const tree = 'for a; do t=$prev; prev=$a; done; mkdir -p "$t/etc/apt" "$t/var/cache/apt/archives" "$t/var/lib/apt/lists" "$t/bin" && echo "hi from $(basename "$0")" > "$t/bin/hello"';
    script('debootstrap', `${tree} && echo "I: Base system installed successfully."`);
    script('mmdebstrap', `${tree} && echo "I: success in 1.0 seconds" >&2`);
    return { bin, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } };
  }

  it('pulls when a registry answers, and debootstraps nothing', async () => {
    const { bin, env } = fakeBin('works');
    const r = await makeBaseWithCli({ bootstrapper: { tool: 'debootstrap', path: join(bin, 'debootstrap') }, logFile: join(dir, 'log'), env, tmp: dir });
    expect(r).toMatchObject({ ok: true, how: 'pulled' });
    expect(existsSync(join(dir, 'import.tar'))).toBe(false);
  });

  it.each(['mmdebstrap', 'debootstrap'] as const)('else runs %s, finishes the tree as a registry image has it, imports it with the labels, and removes the tree', async (tool) => {
    const { bin, env } = fakeBin('fails');
    const steps: string[] = [];
    const r = await makeBaseWithCli({ bootstrapper: { tool, path: join(bin, tool) }, logFile: join(dir, 'log'), env, tmp: dir, onStep: (l) => steps.push(l) });
    expect(r).toMatchObject({ ok: true, how: tool });
    expect(steps[0]).toBe(`cannot pull ${BASE_IMAGE}: making it with ${tool} from http://deb.debian.org/debian`);
    expect(steps[1]).toMatch(new RegExp(`^${tool} done in [0-9.]+ s; importing ${BASE_IMAGE}$`));
    expect(spawnSync('tar', ['-xOf', join(dir, 'import.tar'), './bin/hello'], { encoding: 'utf8' }).stdout).toBe(`hi from ${tool}\n`);
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
    const r = await makeBaseWithCli({ bootstrapper: { tool: 'debootstrap', path: join(bin, 'debootstrap') }, logFile: join(dir, 'log'), env, tmp: dir });
    expect(r).toMatchObject({ ok: false, error: 'docker exited 7' });
    expect(readdirSync(dir).filter((n) => n.startsWith('mptcp-lab-rootfs-'))).toEqual([]);
  });
});
