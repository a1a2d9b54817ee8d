import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCpio } from './cpio';

describe('writeCpio', () => {
  it('writes 4-byte aligned newc members and a trailer', () => {
    const buf = writeCpio([{ kind: 'file', path: 'a', data: 'xyz' }]);
    expect(buf.length % 4).toBe(0);
    expect(buf.subarray(0, 6).toString()).toBe('070701');
    expect(buf.includes(Buffer.from('TRAILER!!!\0'))).toBe(true);
  });

  it('is reproducible: the same entries give the same bytes', () => {
    const e = [{ kind: 'dir', path: 'bin' } as const, { kind: 'file', path: 'bin/x', data: 'hello', mode: 0o755 } as const];
    expect(writeCpio(e).equals(writeCpio(e))).toBe(true);
  });

  it('refuses a path twice or one that climbs out', () => {
    expect(() => writeCpio([{ kind: 'dir', path: 'a' }, { kind: 'dir', path: 'a' }])).toThrow(/twice/);
    expect(() => writeCpio([{ kind: 'dir', path: '../a' }])).toThrow(/bad path/);
  });

  const cpioBin = spawnSync('cpio', ['--version']).status === 0;
  (cpioBin ? it : it.skip)('is read back by GNU cpio: contents, modes and symlinks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlab-cpio-test-'));
    try {
      const archive = join(dir, 'a.cpio');
      const data = Buffer.from([0, 1, 2, 3, 4, 255]);
      writeFileSync(
        archive,
        writeCpio([
          { kind: 'dir', path: 'bin' },
          { kind: 'file', path: 'bin/tool', data, mode: 0o755 },
          { kind: 'file', path: 'init', data: '#!/bin/sh\necho hi\n', mode: 0o755 },
          { kind: 'symlink', path: 'bin/sh', target: 'tool' },
        ]),
      );
      const out = join(dir, 'x');
      const r = spawnSync('sh', ['-c', 'mkdir "$1" && cd "$1" && cpio -idm --quiet < "$2"', 'x', out, archive]);
      expect(r.status).toBe(0);
      expect(readFileSync(join(out, 'bin/tool')).equals(data)).toBe(true);
      expect(statSync(join(out, 'bin/tool')).mode & 0o777).toBe(0o755);
      expect(readFileSync(join(out, 'init'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
      expect(readlinkSync(join(out, 'bin/sh'))).toBe('tool');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
