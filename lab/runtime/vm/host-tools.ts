/**
 * The host programs the VM runtime runs: QEMU (and its version, part of the probe caches' keys)
 * and a static busybox for the initramfs. Each missing one is an EnvironmentError (exit 3)
 * naming the Debian packages that provide it.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentError } from '../../model/errors';
import { isStaticElf } from './binary-facts';
import { VM_INSTALL_HINT } from './install-hint';

/** The first executable `name` on PATH (or in `dirs`), or undefined. */
export function findOnPath(name: string, dirs: readonly string[] = (process.env.PATH ?? '').split(delimiter)): string | undefined {
  for (const dir of dirs) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Path of qemu-system-x86_64, or an EnvironmentError naming the package. */
export function findQemu(): string {
  const qemu = findOnPath('qemu-system-x86_64');
  if (!qemu) throw new EnvironmentError('qemu-system-x86_64', VM_INSTALL_HINT, 'not on PATH');
  return qemu;
}

/** QEMU's version line, e.g. `QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)`. */
export function qemuVersion(qemu: string): string {
  const r = spawnSync(qemu, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const line = (r.stdout ?? '').split('\n')[0]?.trim();
  if (r.status !== 0 || !line) throw new EnvironmentError(qemu, VM_INSTALL_HINT, `--version failed: ${(r.stderr ?? r.error?.message ?? '').trim()}`);
  return line;
}

/** Where Debian's busybox-static (and a few others) put a static busybox. */
export const BUSYBOX_CANDIDATES: readonly string[] = ['/bin/busybox', '/usr/bin/busybox', '/usr/lib/initramfs-tools/bin/busybox'];

/** Path of a statically linked busybox, or an EnvironmentError (a dynamic one cannot run in the initramfs). */
export function findStaticBusybox(candidates: readonly string[] = BUSYBOX_CANDIDATES): string {
  const seen: string[] = [];
  for (const p of candidates) {
    if (!existsSync(p)) continue;
    if (isStaticElf(readFileSync(p))) return p;
    seen.push(`${p} is dynamically linked`);
  }
  throw new EnvironmentError('a static busybox (busybox-static)', VM_INSTALL_HINT, seen.length ? seen.join('; ') : `none of ${candidates.join(', ')}`);
}
