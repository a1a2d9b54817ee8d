import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFollower } from './file-follower';

describe('FileFollower', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'follower-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('hashes a file as it grows, equal to a hash of the whole', async () => {
    const f = join(dir, 'x');
    const parts = [Buffer.alloc(5_000_000, 1), Buffer.alloc(3, 2), Buffer.alloc(9_000_000, 3)];
    const follower = new FileFollower(f);
    await follower.pump(); // absent: nothing yet
    for (const p of parts) {
      await appendFile(f, p);
      await follower.pump();
    }
    const want = createHash('sha256').update(Buffer.concat(parts)).digest('hex');
    expect(await follower.digest()).toEqual({ sha256: want, bytes: 14_000_003 });
  });

  it('restarts when the file is rewritten shorter (a download restarted from zero)', async () => {
    const f = join(dir, 'y');
    const follower = new FileFollower(f);
    await writeFile(f, Buffer.alloc(1000, 7));
    await follower.pump();
    await writeFile(f, Buffer.from('abc'));
    const want = createHash('sha256').update('abc').digest('hex');
    expect(await follower.digest()).toEqual({ sha256: want, bytes: 3 });
  });

  it('keeps the size it last read, from size() and from a pump alike', async () => {
    const f = join(dir, 'z');
    const follower = new FileFollower(f);
    expect(await follower.size()).toBeUndefined();
    await writeFile(f, Buffer.alloc(10));
    expect(await follower.size()).toBe(10);
    await appendFile(f, Buffer.alloc(5));
    expect(follower.lastSize).toBe(10);
    await follower.pump();
    expect(follower.lastSize).toBe(15);
  });
});
