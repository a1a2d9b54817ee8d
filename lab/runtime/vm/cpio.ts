/**
 * A cpio archive in the "newc" format (the one the kernel unpacks as an initramfs), written
 * in memory: directories, regular files, symlinks and device nodes, mtimes fixed at 0 so the
 * same entries always give the same bytes (the initramfs cache keys on its inputs, and a
 * reproducible archive makes that honest).
 */

/** One member of the archive; `path` is relative (no leading slash). */
export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer | string; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'char'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pad4(len: number): Buffer {
  return Buffer.alloc((4 - (len % 4)) % 4);
}

function member(ino: number, name: string, mode: number, data: Buffer, rdev: [number, number] = [0, 0]): Buffer[] {
  const nameBuf = Buffer.from(name + '\0', 'utf8');
  const header = Buffer.from(
    '070701' +
      [ino, mode, 0, 0, mode & S_IFDIR ? 2 : 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBuf.length, 0].map(hex8).join(''),
    'latin1',
  );
  return [header, nameBuf, pad4(header.length + nameBuf.length), data, pad4(data.length)];
}

/** The archive's bytes: every entry in the given order, then the TRAILER!!! member. */
export function writeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const path = e.path.replace(/^\/+/, '');
    if (!path || path.split('/').includes('..')) throw new Error(`cpio: bad path ${JSON.stringify(e.path)}`);
    if (seen.has(path)) throw new Error(`cpio: ${path} twice`);
    seen.add(path);
    const ino = i + 1;
    switch (e.kind) {
      case 'dir':
        parts.push(...member(ino, path, S_IFDIR | (e.mode ?? 0o755), Buffer.alloc(0)));
        break;
      case 'file':
        parts.push(...member(ino, path, S_IFREG | (e.mode ?? 0o644), Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8')));
        break;
      case 'symlink':
        parts.push(...member(ino, path, S_IFLNK | 0o777, Buffer.from(e.target, 'utf8')));
        break;
      case 'char':
        parts.push(...member(ino, path, S_IFCHR | (e.mode ?? 0o600), Buffer.alloc(0), [e.major, e.minor]));
        break;
    }
  });
  parts.push(...member(0, 'TRAILER!!!', 0, Buffer.alloc(0)));
  return Buffer.concat(parts);
}
