import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tailLines } from './line-tail';

describe('tailLines', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'line-tail-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers appended lines as they are written (inotify), a split line once whole, and the unterminated rest at close', async () => {
    const file = join(dir, 'out');
    writeFileSync(file, '');
    const got: Array<[string, number]> = [];
    const tail = tailLines(file, { clock: () => performance.now(), onLine: (l, t) => got.push([l, t]), pollMs: 10_000 });
    const writtenAt: number[] = [];
    for (const chunk of ['one\ntw', 'o\n', 'three\r\n', 'fo']) {
      appendFileSync(file, chunk);
      writtenAt.push(performance.now());
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(got.map((g) => g[0])).toEqual(['one', 'two', 'three']);
    // Woken by the write, not by the (10 s) poll: stamped within a few ms of the write.
    expect(got[1]![1] - writtenAt[1]!).toBeLessThan(25);
    tail.close();
    expect(got.map((g) => g[0])).toEqual(['one', 'two', 'three', 'fo']);
    expect(tail.bytes).toBe(17);
    tail.close();
  });

  it('keeps multi-byte characters split across reads whole', () => {
    const file = join(dir, 'out');
    const text = 'é'.repeat(40_000) + '\n';
    writeFileSync(file, text);
    const got: string[] = [];
    const tail = tailLines(file, { clock: () => 0, onLine: (l) => got.push(l) });
    tail.readNow();
    tail.close();
    expect(got).toEqual(['é'.repeat(40_000)]);
  });
});
