import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeControl } from './run-in-guest';

describe('writeControl', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mlab-control-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one file per word, env pairs first and counted, bytes exact', () => {
    writeControl(dir, ['sh', '-c', 'echo "$1"\n', 'x', "it's ; $(rm -rf /)\n\n"], { A: '1 2' }, '/work');
    const words = readdirSync(join(dir, 'argv')).sort((a, b) => Number(a) - Number(b)).map((f) => readFileSync(join(dir, 'argv', f), 'utf8'));
    expect(words).toEqual(['A=1 2', 'sh', '-c', 'echo "$1"\n', 'x', "it's ; $(rm -rf /)\n\n"]);
    expect(readFileSync(join(dir, 'envc'), 'utf8')).toBe('1');
    expect(readFileSync(join(dir, 'cwd'), 'utf8')).toBe('/work');
  });
  it('refuses what the guest could not run as given', () => {
    expect(() => writeControl(dir, [])).toThrow(/empty argv/);
    expect(() => writeControl(dir, ['A=1', 'true'])).toThrow(/contains '='/);
    expect(() => writeControl(dir, ['true'], { 'bad name': 'x' })).toThrow(/bad environment name/);
  });
});
