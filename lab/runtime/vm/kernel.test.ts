import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareKernelVersions, modulesBaseFor, resolveKernel } from './kernel';

function fakeBzImage(version: string): Buffer {
  const b = Buffer.alloc(0x800);
  b.write('HdrS', 0x202, 'latin1');
  b.writeUInt16LE(0x400, 0x20e);
  b.write(`${version} (x@y) #1\0`, 0x600, 'latin1');
  return b;
}

describe('kernel discovery', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlab-kernel-test-'));
    mkdirSync(join(dir, 'boot'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const addModules = (root: string, v: string) => {
    mkdirSync(join(root, 'lib/modules', v), { recursive: true });
    writeFileSync(join(root, 'lib/modules', v, 'modules.dep'), '');
  };

  it('orders releases numerically', () => {
    expect(['6.10.0-1-amd64', '6.1.0-112-amd64', '6.1.0-57-amd64'].sort(compareKernelVersions)).toEqual(['6.1.0-57-amd64', '6.1.0-112-amd64', '6.10.0-1-amd64']);
  });

  it('debian: the newest vmlinuz that has its modules', () => {
    for (const v of ['6.1.0-57-amd64', '6.1.0-112-amd64', '6.12.0-1-amd64']) writeFileSync(join(dir, 'boot', `vmlinuz-${v}`), '');
    addModules(dir, '6.1.0-57-amd64');
    addModules(dir, '6.1.0-112-amd64');
    const k = resolveKernel('debian', undefined, { bootDir: join(dir, 'boot'), modulesRoot: dir });
    expect(k).toEqual({ image: join(dir, 'boot/vmlinuz-6.1.0-112-amd64'), version: '6.1.0-112-amd64', modulesBase: dir, source: 'debian' });
  });

  it('debian: none installed is exit 3 naming what to install', () => {
    let err: unknown;
    try {
      resolveKernel('debian', undefined, { bootDir: join(dir, 'boot'), modulesRoot: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ exitCode: 3 });
    expect(String(err)).toContain('apt-get install qemu-system-x86 linux-image-amd64 busybox-static');
  });

  it('a path: release from the header, modules from an INSTALL_MOD_PATH root or the version dir', () => {
    const img = join(dir, 'bzImage');
    writeFileSync(img, fakeBzImage('6.13.0-lab'));
    addModules(join(dir, 'mods'), '6.13.0-lab');
    expect(resolveKernel(img, join(dir, 'mods'), { modulesRoot: dir })).toMatchObject({ version: '6.13.0-lab', modulesBase: join(dir, 'mods'), source: 'path' });
    expect(modulesBaseFor(join(dir, 'mods/lib/modules/6.13.0-lab'), '6.13.0-lab')).toBe(join(dir, 'mods'));
    expect(resolveKernel(img, undefined, { modulesRoot: dir }).modulesBase).toBeUndefined();
  });

  it('a path that is not a bzImage, or a modules dir without modules.dep, is bad input (exit 2)', () => {
    writeFileSync(join(dir, 'junk'), 'not a kernel');
    expect(() => resolveKernel(join(dir, 'junk'))).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => resolveKernel(join(dir, 'missing'))).toThrow(/no such file/);
    writeFileSync(join(dir, 'bzImage'), fakeBzImage('6.13.0-lab'));
    expect(() => resolveKernel(join(dir, 'bzImage'), join(dir, 'nowhere'))).toThrow(/no modules.dep/);
  });
});
