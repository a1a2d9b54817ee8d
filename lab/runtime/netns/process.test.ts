import { HOLDER_SCRIPT, holderArgv, nsenterArgv } from './process';
import { rootfsDirFor } from './rootfs';

describe('netns process argv', () => {
  it('runs the holder setup as one constant script, values as positional parameters', () => {
    const argv = holderArgv('/run/netns/mlab-abc123-pc1', '/var/cache/mptcp-lab/rootfs-x', 1e9 + 0.5, 'pc1');
    expect(argv.slice(0, 12)).toEqual(['setpriv', '--pdeathsig', 'KILL', 'nsenter', '--net=/run/netns/mlab-abc123-pc1', '--', 'unshare', '--mount', '--uts', '--propagation', 'private', '--']);
    expect(argv.slice(12)).toEqual(['sh', '-c', HOLDER_SCRIPT, 'mlab-holder', '/var/cache/mptcp-lab/rootfs-x', '1000000000', 'pc1']);
    expect(HOLDER_SCRIPT).not.toMatch(/pc1|rootfs-x/);
    expect(HOLDER_SCRIPT.split('\n').pop()).toBe('exec chroot "$r" /bin/sleep infinity');
  });

  it('enters a host by its holder pid: network, mount and UTS namespaces, root and cwd', () => {
    expect(nsenterArgv(4242, ['ip', '-j', 'addr'])).toEqual(['setpriv', '--pdeathsig', 'KILL', 'nsenter', '--target=4242', '--net', '--mount', '--uts', '--root', '--wd', '--', 'ip', '-j', 'addr']);
    expect(() => nsenterArgv(1, ['true'])).toThrow(/no holder/);
    expect(() => nsenterArgv(4242, [])).toThrow(/empty/);
  });

  it('keeps one rootfs folder per image tag', () => {
    expect(rootfsDirFor('mptcp-lab/host:c1c007e98ffd', '/cache')).toBe('/cache/rootfs-c1c007e98ffd');
    expect(() => rootfsDirFor('mptcp-lab/host:../x', '/cache')).toThrow();
  });
});

describe('pruneRootfsCache', () => {
  it('removes the other image roots and nothing else of the cache', async () => {
    const { mkdtemp, mkdir, readdir, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { pruneRootfsCache } = await import('./rootfs');
    const cache = await mkdtemp(join(tmpdir(), 'mlab-rootfs-cache-'));
    try {
      for (const d of ['rootfs-old1/etc', 'rootfs-old2', 'rootfs-current/etc', 'vm']) await mkdir(join(cache, d), { recursive: true });
      await writeFile(join(cache, 'rootfs-old1', '.mlab-complete'), 'x');
      expect((await pruneRootfsCache(join(cache, 'rootfs-current'))).sort()).toEqual(['rootfs-old1', 'rootfs-old2']);
      expect((await readdir(cache)).sort()).toEqual(['rootfs-current', 'vm']);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});
