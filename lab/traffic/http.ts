/**
 * The seed's method: a file on a tmpfs served by `busybox httpd`, fetched with `busybox wget`,
 * resumed with `wget -c` when it stalls, checked with `sha256sum`. The lab mounts a tmpfs at
 * /srv/lab in each container; the file comes from the agent's `gen` (the seed's stream, so
 * its SHA-256 is known from the `generated` line).
 *
 * Measured on Debian bookworm's busybox 1.35.0-4+deb12u1 (host and image share it):
 * - `wget -c -O FILE` appends from FILE's current size with a Range request (httpd honours it);
 *   FILE missing → a normal download; FILE already complete → "restart failed", then the
 *   whole file again (exit 0).
 * - `wget -O FILE` without -c truncates FILE.
 * - `wget -T SEC` crashes (SIGSEGV, exit 139): there is no read timeout, so a stalled wget
 *   must be killed by the lab and resumed with -c.
 * - `-q` drops the progress bar; errors still reach stderr, exit code 1.
 */
import { AGENT_PATH } from '../runtime/lab-spec';
import { wrapProtocol, type TrafficProtocol } from './mptcpize';

export const HTTP_ROOT = '/srv/lab';
export const HTTP_FILE_NAME = 'file.bin';
export const HTTP_FILE = `${HTTP_ROOT}/${HTTP_FILE_NAME}`;
export const HTTP_DOWNLOAD = `${HTTP_ROOT}/download.bin`;

/** argv writing the served file: `sizeBytes` of the seed's stream (prints a `generated` line with its SHA-256). */
export function buildHttpFileArgv(o: { sizeBytes: number; seed: string; path?: string }): string[] {
  if (!Number.isSafeInteger(o.sizeBytes) || o.sizeBytes < 0) throw new RangeError(`sizeBytes must be a non-negative integer, got ${o.sizeBytes}`);
  return ['node', AGENT_PATH, 'gen', '--size', String(o.sizeBytes), '--seed', o.seed, '--out', o.path ?? HTTP_FILE];
}

/** argv for the server: busybox httpd in the foreground, serving HTTP_ROOT. */
export function buildHttpServerArgv(o: { port: number; protocol: TrafficProtocol; bind?: string; root?: string }): string[] {
  const listen = o.bind === undefined ? String(o.port) : `${o.bind}:${o.port}`;
  return wrapProtocol(['busybox', 'httpd', '-f', '-p', listen, '-h', o.root ?? HTTP_ROOT], o.protocol);
}

/** argv for the client: busybox wget into `out`; `resume` adds -c (continue from the file's size). */
export function buildHttpClientArgv(o: { address: string; port: number; protocol: TrafficProtocol; resume?: boolean; out?: string }): string[] {
  const url = `http://${o.address}:${o.port}/${HTTP_FILE_NAME}`;
  return wrapProtocol(['busybox', 'wget', '-q', ...(o.resume ? ['-c'] : []), '-O', o.out ?? HTTP_DOWNLOAD, url], o.protocol);
}

/** argv hashing a file in the container. */
export function buildSha256Argv(path: string = HTTP_DOWNLOAD): string[] {
  return ['sha256sum', path];
}

/** Parses `sha256sum FILE` output (`<64 hex>  FILE`); null when it holds no hash line. */
export function parseSha256sum(text: string): { sha256: string; path: string } | null {
  const m = /^([0-9a-f]{64}) [ *](.+)$/m.exec(text);
  return m ? { sha256: m[1] ?? '', path: m[2] ?? '' } : null;
}

/** argv printing a file's size in bytes (how much wget has written so far). */
export function buildFileSizeArgv(path: string = HTTP_DOWNLOAD): string[] {
  return ['stat', '-c', '%s', path];
}

/** Parses `stat -c %s` output; null when it is not a byte count. */
export function parseFileSize(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}
