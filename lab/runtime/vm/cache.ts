/**
 * The VM runtime's cache directory (initramfs images, probe results), written atomically so
 * two runs never read half a file. Default /var/cache/mptcp-lab/vm; MPTCP_LAB_VM_CACHE overrides.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The cache directory (created on first use). */
export function vmCacheDir(override?: string): string {
  const dir = override ?? process.env.MPTCP_LAB_VM_CACHE ?? '/var/cache/mptcp-lab/vm';
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** sha256 hex of the JSON of `value` (the cache key of anything derived from it). */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Writes `data` to `path` through a temporary name and a rename. */
export function writeAtomic(path: string, data: Buffer | string): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** A cached JSON value, or undefined when absent or unreadable. */
export function readJsonCache<T>(dir: string, name: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Stores a JSON value in the cache. */
export function writeJsonCache(dir: string, name: string, value: unknown): void {
  writeAtomic(join(dir, name), JSON.stringify(value, null, 2) + '\n');
}
