/**
 * The guest's initramfs: static busybox, /init and stage 2, and the resolved modules in their
 * load order (decompressed: busybox insmod takes plain .ko). Cached under the VM cache by the
 * hash of its inputs (kernel release, module paths, parameters and bytes, busybox, scripts),
 * so a second run with the same kernel reuses the same file.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LabError } from '../../model/errors';
import { hashOf, vmCacheDir, writeAtomic } from './cache';
import { writeCpio, type CpioEntry } from './cpio';
import { INIT_SCRIPT, STAGE2_SCRIPT } from './guest-init';
import type { GuestKernel } from './kernel';
import { resolveModules, type ResolvedModules } from './modules';

/** Bumped when the layout changes in a way the inputs' hash would not see. */
const FORMAT = 1;

/** A built (or cached) initramfs. */
export interface Initramfs {
  path: string;
  hash: string;
  /** What was resolved for this kernel (loads are host paths; missing lab modules are listed). */
  modules: ResolvedModules;
  cached: boolean;
}

/** A module file's bytes as busybox insmod wants them: .ko as is; .ko.gz, .ko.xz, .ko.zst decompressed. */
export function moduleBytes(path: string): Buffer {
  const raw = readFileSync(path);
  if (path.endsWith('.ko')) return raw;
  if (path.endsWith('.ko.gz')) return gunzipSync(raw);
  const tool = path.endsWith('.ko.xz') ? 'xz' : path.endsWith('.ko.zst') ? 'zstd' : undefined;
  if (!tool) throw new LabError(`module ${path}: unknown compression`);
  const r = spawnSync(tool, ['-dc', path], { maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new LabError(`module ${path}: ${tool} -dc failed: ${String(r.stderr ?? r.error?.message).trim()}`);
  return r.stdout;
}

/** The path a module gets inside the initramfs: relative to its modules root, extension made plain .ko. */
export function guestModulePath(hostPath: string, modulesBase: string): string {
  return '/' + relative(modulesBase, hostPath).replace(/\.ko\.(gz|xz|zst)$/, '.ko');
}

/** The cpio members of an initramfs (pure given its inputs): directories, busybox, scripts, modules and their list. */
export function initramfsEntries(busybox: Buffer, modules: readonly { guestPath: string; params: string[]; data: Buffer }[]): CpioEntry[] {
  const dirs = new Set<string>(['bin', 'dev', 'etc', 'proc', 'sys', 'lower', 'upper', 'newroot']);
  for (const m of modules) {
    const parts = m.guestPath.replace(/^\//, '').split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const list = modules.map((m) => [m.guestPath, ...m.params].join(' ')).join('\n') + '\n';
  return [
    ...[...dirs].sort().map((path): CpioEntry => ({ kind: 'dir', path })),
    { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'char', path: 'dev/null', major: 1, minor: 3, mode: 0o666 },
    { kind: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    { kind: 'file', path: 'init', data: INIT_SCRIPT, mode: 0o755 },
    { kind: 'file', path: 'stage2', data: STAGE2_SCRIPT, mode: 0o644 },
    { kind: 'file', path: 'etc/mlab-modules', data: list },
    ...modules.map((m): CpioEntry => ({ kind: 'file', path: m.guestPath.replace(/^\//, ''), data: m.data })),
  ];
}

/** Builds the initramfs for `kernel` (or returns the cached one with the same inputs). */
export async function buildInitramfs(kernel: GuestKernel, opts: { busybox: string; cacheDir?: string; moduleNames?: readonly string[] }): Promise<Initramfs> {
  const base = kernel.modulesBase;
  const resolved: ResolvedModules = base ? await resolveModules(kernel.version, base, opts.moduleNames) : { loads: [], builtin: [], missing: [] };
  const busybox = readFileSync(opts.busybox);
  const modules = resolved.loads.map((l) => {
    const data = moduleBytes(l.path);
    return { guestPath: guestModulePath(l.path, base!), params: l.params, data, sha: createHash('sha256').update(data).digest('hex') };
  });
  const hash = hashOf({
    FORMAT,
    version: kernel.version,
    busybox: createHash('sha256').update(busybox).digest('hex'),
    init: INIT_SCRIPT,
    stage2: STAGE2_SCRIPT,
    modules: modules.map((m) => [m.guestPath, m.params, m.sha]),
  });
  const path = join(vmCacheDir(opts.cacheDir), `initramfs-${kernel.version}-${hash.slice(0, 16)}.cpio`);
  if (existsSync(path)) return { path, hash, modules: resolved, cached: true };
  writeAtomic(path, writeCpio(initramfsEntries(busybox, modules)));
  pruneInitramfs(dirname(path), kernel.version, path);
  return { path, hash, modules: resolved, cached: false };
}

/** Removes this kernel's other initramfs files not used for a day (an older checkout's scripts); returns what it removed. */
export function pruneInitramfs(dir: string, version: string, keep: string, maxAgeMs = 24 * 3600_000, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (p === keep || !f.startsWith(`initramfs-${version}-`) || !f.endsWith('.cpio')) continue;
    try {
      if (now - statSync(p).atimeMs > maxAgeMs && now - statSync(p).mtimeMs > maxAgeMs) {
        rmSync(p, { force: true });
        removed.push(p);
      }
    } catch {
      /* another run removed it */
    }
  }
  return removed;
}
