import { BenchUsageError, DEFAULT_OUT, parseBenchArgs, repeatsFor, SECTIONS } from './args';

describe('parseBenchArgs', () => {
  it('runs every section by default', () => {
    expect(parseBenchArgs([])).toEqual({ quick: false, only: [...SECTIONS], out: DEFAULT_OUT, help: false });
  });

  it('takes --quick and --only, in the bench order whatever the order given', () => {
    expect(parseBenchArgs(['--quick', '--only', 'scale,bringup'])).toMatchObject({ quick: true, only: ['bringup', 'scale'] });
    expect(parseBenchArgs(['--only=fidelity'])).toMatchObject({ only: ['fidelity'] });
  });

  it('ignores npm separators given twice (`npm run bench -- --quick -- --only cost`)', () => {
    expect(parseBenchArgs(['--quick', '--', '--only', 'cost'])).toMatchObject({ quick: true, only: ['cost'] });
  });

  it('takes --out and --help', () => {
    expect(parseBenchArgs(['--out', '/tmp/b.json']).out).toBe('/tmp/b.json');
    expect(parseBenchArgs(['-h']).help).toBe(true);
  });

  it('refuses unknown sections and arguments, and a missing value', () => {
    expect(() => parseBenchArgs(['--only', 'bringup,speed'])).toThrow(/unknown section speed/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--only'])).toThrow(/needs a value/);
    expect(() => parseBenchArgs(['--only', ','])).toThrow(/at least one section/);
  });
});

describe('repeatsFor', () => {
  it('repeats less in --quick, and at least 3 where spread matters otherwise', () => {
    const full = repeatsFor(false);
    const quick = repeatsFor(true);
    for (const k of Object.keys(full) as Array<keyof typeof full>) expect(quick[k]).toBeLessThanOrEqual(full[k]);
    expect(full.bringup).toBeGreaterThanOrEqual(3);
    expect(full.failover).toBe(5);
  });
});
