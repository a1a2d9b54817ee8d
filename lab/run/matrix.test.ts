import { formatProblem, TopologyError } from '../model/errors';
import { expandMatrix, MATRIX_KEYS, parseMatrixArg, parseMatrixArgs, type MatrixAxis } from './matrix';
import { BASE_VARIANT } from './variant';

/** The problem messages a call throws (it must throw a TopologyError located at --matrix). */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    expect(e.exitCode).toBe(2);
    expect(e.problems.every((p) => p.file === '--matrix')).toBe(true);
    return e.problems.map(formatProblem);
  }
  throw new Error('expected a TopologyError');
}

describe('parseMatrixArg', () => {
  it('parses each key with the topology units into base units, keeping the texts for labels', () => {
    expect(parseMatrixArg('rate=100mbit, 1gbit')).toEqual({ key: 'rate', values: [1e8, 1e9], texts: ['100mbit', '1gbit'] });
    expect(parseMatrixArg('delay=0ms,20ms,1.5s').values).toEqual([0, 20, 1500]);
    expect(parseMatrixArg('jitter=5ms').values).toEqual([5]);
    expect(parseMatrixArg('size=200MB,1GiB').values).toEqual([2e8, 1024 ** 3]);
    expect(parseMatrixArg('duration=10s').values).toEqual([10_000]);
    expect(parseMatrixArg(' LOSS = 0 , 1% ,0.5%')).toEqual({ key: 'loss', values: [0, 1, 0.5], texts: ['0%', '1%', '0.5%'] });
    expect(MATRIX_KEYS).toEqual(['rate', 'delay', 'jitter', 'loss', 'size', 'duration']);
  });

  it('names the key and its units when a value does not parse', () => {
    expect(problems(() => parseMatrixArg('rate=fast'))).toEqual([
      '--matrix: rate=fast: expected a rate such as 1gbit or 100mbit (units: bit, kbit, mbit, gbit, tbit), got "fast"',
    ]);
    expect(problems(() => parseMatrixArg('loss=1'))[0]).toBe('--matrix: loss=1: expected a percentage such as 1% or 0.5%, got "1" (only 0 may go without %)');
    expect(problems(() => parseMatrixArg('delay=20'))[0]).toBe('--matrix: delay=20: expected a duration such as 30ms or 3s (units: us, ms, s, m, min, h), got "20"');
    expect(problems(() => parseMatrixArg('size=10'))[0]).toContain('size=10: expected a size such as 2.5GB or 512MiB');
  });

  it('lists the allowed keys for an unknown key or a missing =', () => {
    const allowed = 'allowed keys: rate (e.g. 100mbit), delay (e.g. 20ms), jitter (e.g. 5ms), loss (e.g. 1%), size (e.g. 200MB), duration (e.g. 10s)';
    expect(problems(() => parseMatrixArg('speed=1gbit'))).toEqual([`--matrix: "speed=1gbit": unknown key "speed"; ${allowed}`]);
    expect(problems(() => parseMatrixArg('rate'))).toEqual([`--matrix: "rate": expected key=value[,value...], e.g. rate=100mbit,1gbit; ${allowed}`]);
  });

  it('rejects empty values, repeated values and values the topology would reject, all at once', () => {
    expect(problems(() => parseMatrixArg('rate='))).toEqual(['--matrix: rate= has no values: give one or more, comma separated, e.g. rate=100mbit']);
    expect(problems(() => parseMatrixArg('rate=1gbit,,1000mbit,0mbit,'))).toEqual([
      '--matrix: rate: value 2 of "rate=1gbit,,1000mbit,0mbit," is empty (two commas in a row, or one at an end?)',
      '--matrix: rate=1000mbit: the same value as 1gbit; give each value once',
      '--matrix: rate=0mbit: a rate must be greater than 0 (to cut a path, use a timeline cut event)',
      '--matrix: rate: value 5 of "rate=1gbit,,1000mbit,0mbit," is empty (two commas in a row, or one at an end?)',
    ]);
    expect(problems(() => parseMatrixArg('loss=101%'))[0]).toContain('at most 100%');
    expect(problems(() => parseMatrixArg('size=100GB'))[0]).toContain('a size above 64 GB');
    expect(problems(() => parseMatrixArg('duration=0s'))[0]).toContain('a duration must be greater than 0');
  });
});

describe('expandMatrix', () => {
  const rate = parseMatrixArg('rate=100mbit,1gbit');
  const loss = parseMatrixArg('loss=0,1%');

  it('expands 2×2 in a stable order, first axis slowest', () => {
    const variants = expandMatrix([rate, loss]);
    expect(variants).toEqual([
      { label: 'rate=100mbit loss=0%', settings: { rateBps: 1e8, lossPct: 0 } },
      { label: 'rate=100mbit loss=1%', settings: { rateBps: 1e8, lossPct: 1 } },
      { label: 'rate=1gbit loss=0%', settings: { rateBps: 1e9, lossPct: 0 } },
      { label: 'rate=1gbit loss=1%', settings: { rateBps: 1e9, lossPct: 1 } },
    ]);
    expect(expandMatrix([loss, rate]).map((v) => v.label)).toEqual(['loss=0% rate=100mbit', 'loss=0% rate=1gbit', 'loss=1% rate=100mbit', 'loss=1% rate=1gbit']);
    expect(parseMatrixArgs(['rate=100mbit,1gbit', 'loss=0,1%'])).toEqual(variants);
  });

  it('gives the plan as written when there is no axis', () => {
    expect(expandMatrix([])).toEqual([BASE_VARIANT]);
    expect(parseMatrixArgs([])).toEqual([BASE_VARIANT]);
  });

  it('rejects a key given twice, size with duration, and more than 64 combinations', () => {
    expect(problems(() => parseMatrixArgs(['rate=1gbit', 'loss=1%', 'rate=2gbit']))).toEqual([
      '--matrix: rate is given twice; put every value in one argument: --matrix rate=1gbit,2gbit',
    ]);
    expect(problems(() => parseMatrixArgs(['size=1MB', 'duration=1s']))).toEqual([
      '--matrix: size and duration cannot both vary: a transfer ends either after a size or after a duration',
    ]);
    const nine = (key: MatrixAxis['key'], unit: string): MatrixAxis => parseMatrixArg(`${key}=${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${n}${unit}`).join(',')}`);
    expect(problems(() => expandMatrix([nine('rate', 'mbit'), nine('delay', 'ms')]))).toEqual([
      '--matrix: 9 × 9 = 81 combinations, more than 64: each is a whole lab run; sweep fewer values',
    ]);
    expect(expandMatrix([nine('rate', 'mbit'), parseMatrixArg('delay=1ms,2ms,3ms,4ms,5ms,6ms,7ms')])).toHaveLength(63);
  });

  it('reports the problems of every argument together', () => {
    expect(problems(() => parseMatrixArgs(['rate=fast', 'loss=2', 'loss=1%']))).toHaveLength(2);
  });
});
