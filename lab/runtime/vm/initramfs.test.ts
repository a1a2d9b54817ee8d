import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeCpio } from './cpio';
import { buildInitramfs, guestModulePath, initramfsEntries, moduleBytes } from './initramfs';
import { debianKernel } from './kernel';

describe('initramfs pieces', () => {
  it('places a module under its modules root as plain .ko', () => {
    expect(guestModulePath('/opt/k/lib/modules/6.13/kernel/net/sched/sch_netem.ko.zst', '/opt/k')).toBe('/lib/modules/6.13/kernel/net/sched/sch_netem.ko');
    expect(guestModulePath('/lib/modules/6.1/kernel/fs/9p/9p.ko', '/')).toBe('/lib/modules/6.1/kernel/fs/9p/9p.ko');
  });

  it('decompresses a .ko.gz', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlab-initramfs-test-'));
    try {
      writeFileSync(join(dir, 'x.ko.gz'), gzipSync(Buffer.from('ELFDATA')));
      expect(moduleBytes(join(dir, 'x.ko.gz')).toString()).toBe('ELFDATA');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists modules in load order with their parameters, parents before files', () => {
    const entries = initramfsEntries(Buffer.from('bb'), [
      { guestPath: '/lib/modules/v/a.ko', params: [], data: Buffer.from('a') },
      { guestPath: '/lib/modules/v/net/dummy.ko', params: ['numdummies=0'], data: Buffer.from('d') },
    ]);
    const list = entries.find((e) => e.path === 'etc/mlab-modules');
    expect(list).toMatchObject({ data: '/lib/modules/v/a.ko\n/lib/modules/v/net/dummy.ko numdummies=0\n' });
    const paths = entries.map((e) => e.path);
    expect(paths.indexOf('lib/modules/v/net')).toBeLessThan(paths.indexOf('lib/modules/v/net/dummy.ko'));
    expect(() => writeCpio(entries)).not.toThrow();
  });
});

let kernel: ReturnType<typeof debianKernel> | undefined;
try {
  kernel = debianKernel();
} catch {
  kernel = undefined;
}
const busybox = existsSync('/bin/busybox') ? '/bin/busybox' : undefined;
(kernel && busybox && spawnSync('cpio', ['--version']).status === 0 ? describe : describe.skip)('buildInitramfs with the installed Debian kernel', () => {
  let cache: string;
  beforeAll(() => (cache = mkdtempSync(join(tmpdir(), 'mlab-initramfs-cache-'))));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('builds once, then reuses the file with the same inputs; GNU cpio lists init, busybox and sch_netem', async () => {
    const first = await buildInitramfs(kernel!, { busybox: busybox!, cacheDir: cache });
    expect(first.cached).toBe(false);
    const second = await buildInitramfs(kernel!, { busybox: busybox!, cacheDir: cache });
    expect(second).toMatchObject({ path: first.path, hash: first.hash, cached: true });
    expect(statSync(first.path).size).toBeGreaterThan(1_000_000);
    const listing = spawnSync('cpio', ['-it', '--quiet'], { input: readFileSync(first.path), encoding: 'utf8' }).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['init', 'stage2', 'bin/busybox', 'etc/mlab-modules', 'dev/console']));
    expect(listing.some((l) => l.endsWith('/sch_netem.ko'))).toBe(true);
    const fewer = await buildInitramfs(kernel!, { busybox: busybox!, cacheDir: cache, moduleNames: ['virtio_pci', '9pnet_virtio', '9p', 'overlay'] });
    expect(fewer.hash).not.toBe(first.hash);
  });
});
