/**
 * The guest kernel: `debian` (the default) is the newest /boot/vmlinuz-* that has its
 * /lib/modules/KVER; a path is a bzImage whose release is read from its own header, with its
 * modules either under a given directory or the host's /lib/modules/KVER, or none (all built in).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../../model/errors';
import { bzImageVersion } from './binary-facts';
import { VM_INSTALL_HINT } from './install-hint';

/** A resolved guest kernel. */
export interface GuestKernel {
  /** The bzImage QEMU boots. */
  image: string;
  /** Its release, as `uname -r` will print it in the guest. */
  version: string;
  /** The root whose lib/modules/<version> holds its modules (`modprobe -d`), or undefined when it has none. */
  modulesBase?: string;
  source: 'debian' | 'path';
}

/** Compares kernel releases by their numeric parts (6.1.0-57 < 6.1.0-112 < 6.10.0-1), then as text. */
export function compareKernelVersions(a: string, b: string): number {
  const na = a.match(/\d+/g)?.map(Number) ?? [];
  const nb = b.match(/\d+/g)?.map(Number) ?? [];
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? -1) - (nb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

/** Where installed kernels and their modules live (tests point these at fixtures). */
export interface KernelDirs {
  bootDir?: string;
  /** The root holding lib/modules (default `/`). */
  modulesRoot?: string;
}

/** The newest installed Debian kernel with its modules, or an EnvironmentError naming linux-image-amd64. */
export function debianKernel(dirs: KernelDirs = {}): GuestKernel {
  const boot = dirs.bootDir ?? '/boot';
  const root = dirs.modulesRoot ?? '/';
  const names = existsSync(boot) ? readdirSync(boot).filter((f) => /^vmlinuz-\d/.test(f)) : [];
  const usable = names
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => existsSync(join(root, 'lib/modules', v, 'modules.dep')))
    .sort(compareKernelVersions);
  const version = usable[usable.length - 1];
  if (!version) {
    throw new EnvironmentError(
      'a guest kernel (/boot/vmlinuz-* with /lib/modules/KVER)',
      VM_INSTALL_HINT,
      names.length ? `found ${names.join(', ')} but no matching ${join(root, 'lib/modules')}/KVER/modules.dep` : `no vmlinuz-* in ${boot}`,
    );
  }
  return { image: join(boot, `vmlinuz-${version}`), version, modulesBase: root, source: 'debian' };
}

/**
 * The modules root for `version` given a directory: either an INSTALL_MOD_PATH-style root
 * (holding lib/modules/<version>) or the lib/modules/<version> directory itself.
 */
export function modulesBaseFor(dir: string, version: string): string {
  const abs = resolve(dir);
  if (existsSync(join(abs, 'lib/modules', version, 'modules.dep'))) return abs;
  if (basename(abs) === version && basename(dirname(abs)) === 'modules' && basename(dirname(dirname(abs))) === 'lib' && existsSync(join(abs, 'modules.dep'))) {
    return dirname(dirname(dirname(abs)));
  }
  throw new UsageError(`--modules ${dir}: no modules.dep for kernel ${version} there (expected ${join(abs, 'lib/modules', version)} or ${abs} to be lib/modules/${version}; run depmod)`);
}

/** A given bzImage: its release from its header; modules from `modulesDir`, else the host's /lib/modules/<release> if present, else none. */
export function kernelFromPath(image: string, modulesDir?: string, dirs: KernelDirs = {}): GuestKernel {
  const abs = resolve(image);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new UsageError(`--kernel ${image}: no such file`);
  const version = bzImageVersion(readFileSync(abs));
  if (!version) throw new UsageError(`--kernel ${image}: not a bzImage (no "HdrS" setup header with a version string)`);
  const root = dirs.modulesRoot ?? '/';
  let modulesBase: string | undefined;
  if (modulesDir !== undefined) modulesBase = modulesBaseFor(modulesDir, version);
  else if (existsSync(join(root, 'lib/modules', version, 'modules.dep'))) modulesBase = root;
  return { image: abs, version, modulesBase, source: 'path' };
}

/** `--kernel debian` (default) or `--kernel PATH` [`--modules DIR`]. */
export function resolveKernel(choice = 'debian', modulesDir?: string, dirs: KernelDirs = {}): GuestKernel {
  if (choice === 'debian') {
    if (modulesDir !== undefined) throw new UsageError('--modules goes with --kernel PATH; the Debian kernel uses /lib/modules/KVER');
    return debianKernel(dirs);
  }
  return kernelFromPath(choice, modulesDir, dirs);
}
