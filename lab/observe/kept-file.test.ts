import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keptFiles } from './kept-file';

/** utime (field 14) of /proc/self/stat, in clock ticks. */
const utime = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[11]);

describe('kept files (one descriptor per file, read again from offset 0)', () => {
  let dir = '';
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'mlab-kept-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a procfs file anew on every read through the one descriptor', () => {
    const files = keptFiles();
    try {
      const before = utime(files.read('/proc/self/stat'));
      const until = Date.now() + 60;
      while (Date.now() < until); // burn 60 ms of user time: 6 ticks at 100 Hz
      const after = utime(files.read('/proc/self/stat'));
      expect(files.open).toBe(1);
      expect(after).toBeGreaterThan(before);
    } finally {
      files.close();
    }
  });

  it('reads a sysfs counter anew: loopback tx_bytes grows by the datagrams sent', async () => {
    const files = keptFiles();
    const path = '/sys/class/net/lo/statistics/tx_bytes';
    const sock = createSocket('udp4');
    try {
      const before = Number(files.read(path).trim());
      for (let i = 0; i < 10; i++) await new Promise<void>((r) => sock.send(Buffer.alloc(1000), 9, '127.0.0.1', () => r()));
      const after = Number(files.read(path).trim());
      expect(after - before).toBeGreaterThanOrEqual(10 * 1000);
    } finally {
      sock.close();
      files.close();
    }
  });

  it('returns the whole file when it is larger than the buffer', () => {
    const path = join(dir, 'big');
    const text = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    writeFileSync(path, text);
    const files = keptFiles(64);
    try {
      expect(files.read(path)).toBe(text);
      expect(files.read(path)).toBe(readFileSync(path, 'latin1'));
    } finally {
      files.close();
    }
  });

  it('names the path of a file it cannot read and does not keep its descriptor', () => {
    const files = keptFiles();
    expect(() => files.read(dir)).toThrow(new RegExp(`reading ${dir}: EISDIR`));
    expect(() => files.read(join(dir, 'absent'))).toThrow(/reading .*absent: ENOENT/);
    expect(files.open).toBe(0);
  });

  it('closes every descriptor, and reads after close still read (without keeping one)', () => {
    const path = join(dir, 'small');
    writeFileSync(path, 'a\n');
    const files = keptFiles();
    files.read(path);
    files.read('/proc/self/stat');
    expect(files.open).toBe(2);
    files.close();
    files.close();
    expect(files.open).toBe(0);
    writeFileSync(path, 'b\n');
    expect(files.read(path)).toBe('b\n');
    expect(files.open).toBe(0);
  });
});
