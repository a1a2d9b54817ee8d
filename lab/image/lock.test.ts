import { readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireLock } from './lock';

const lockFile = (): string => path.join(os.tmpdir(), `mlab-lock-test-${process.pid}-${Math.random().toString(36).slice(2)}`);

describe('acquireLock', () => {
  it('lets one holder in at a time, the next gets in after release', async () => {
    const file = lockFile();
    const release = await acquireLock(file);
    expect(await readFile(file, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    const waits: string[] = [];
    let second = false;
    const next = acquireLock(file, (holder) => waits.push(holder)).then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(second).toBe(false);
    expect(waits).toEqual([`pid ${process.pid}`]);
    await release();
    const release2 = await next;
    expect(second).toBe(true);
    await release2();
  });

  it('takes over a lock whose holder is dead', async () => {
    const file = lockFile();
    // PID 2^22 + 1 is above Linux's pid_max ceiling: never a live process.
    await writeFile(file, `${2 ** 22 + 1} 2020-01-01T00:00:00Z\n`);
    const release = await acquireLock(file);
    expect(await readFile(file, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await release();
  });
});
