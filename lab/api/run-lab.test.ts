import { mkdtempSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutDirError, prepareOutDir } from './run-lab';

describe('prepareOutDir (the --out check before anything starts)', () => {
  const root = mkdtempSync(join(tmpdir(), 'mlab-outdir-'));

  it('creates a nested folder and leaves no probe file in it', async () => {
    const dir = join(root, 'a', 'b', 'c');
    await prepareOutDir(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a file, and a folder under a file, naming it (exit 2)', async () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    await expect(prepareOutDir(file)).rejects.toThrow(`--out ${file}: it exists and is not a folder`);
    await expect(prepareOutDir(join(file, 'sub'))).rejects.toThrow(`${file} exists and is not a folder`);
    await expect(prepareOutDir(file)).rejects.toBeInstanceOf(OutDirError);
    expect(await prepareOutDir(file).catch((e: OutDirError) => e.exitCode)).toBe(2);
  });

  it('refuses /proc/nope at once (Node\'s recursive mkdir spins forever there)', async () => {
    await expect(prepareOutDir('/proc/nope')).rejects.toThrow('--out /proc/nope: cannot create /proc/nope: the filesystem of /proc does not allow creating folders (ENOENT)');
  });
});
