/**
 * `--matrix key=v1,v2`: the axes of a sweep, each value parsed with the topology's own units
 * (lab/model/units.ts), and their expansion into every combination, first axis slowest.
 * Every problem is a TopologyError located at `--matrix` (exit 2) before anything runs.
 */
import { TopologyError, type TopologyProblem } from '../model/errors';
import { parseDuration, parsePercent, parseRate, parseSize } from '../model/units';
import { BASE_VARIANT, type Variant, type VariantSettings } from './variant';

/** Beyond this many combinations a sweep is more likely a typo than a plan (each one is a whole lab run). */
export const MAX_COMBINATIONS = 64;

interface KeySpec {
  field: keyof VariantSettings;
  example: string;
  parse: (text: string) => number;
  /** A further limit, as the topology schema has it. */
  limit?: (value: number) => string | undefined;
}

const SPECS = {
  rate: {
    field: 'rateBps',
    example: '100mbit',
    parse: parseRate,
    limit: (v) => (v <= 0 ? 'a rate must be greater than 0 (to cut a path, use a timeline cut event)' : v > 100e9 ? 'a rate above 100gbit is beyond what a veth pair can carry' : undefined),
  },
  delay: { field: 'delayMs', example: '20ms', parse: parseDuration, limit: (v) => (v > 60_000 ? 'a delay above 60s is absurd for a lab path' : undefined) },
  jitter: { field: 'jitterMs', example: '5ms', parse: parseDuration, limit: (v) => (v > 60_000 ? 'a jitter above 60s is absurd for a lab path' : undefined) },
  // A bare 0 reads naturally as "no loss"; any other bare number is ambiguous (fraction or percent?).
  loss: { field: 'lossPct', example: '1%', parse: (t) => (/^0+(\.0+)?$/.test(t) ? 0 : parsePercent(t)) },
  size: {
    field: 'sizeBytes',
    example: '200MB',
    parse: parseSize,
    limit: (v) => (v <= 0 ? 'a size must be greater than 0' : v > 64e9 ? 'a size above 64 GB does not fit a RAM disk on a lab host' : undefined),
  },
  duration: { field: 'durationMs', example: '10s', parse: parseDuration, limit: (v) => (v <= 0 ? 'a duration must be greater than 0' : undefined) },
} satisfies Record<string, KeySpec>;

export type MatrixKey = keyof typeof SPECS;
export const MATRIX_KEYS = Object.keys(SPECS) as MatrixKey[];

/** One `--matrix` argument, parsed. */
export interface MatrixAxis {
  key: MatrixKey;
  /** In the Plan's base units: bit/s, ms, percent, bytes. */
  values: number[];
  /** As written, spaces removed (a bare 0 loss reads `0%`): what labels show. */
  texts: string[];
}

const ALLOWED = `allowed keys: ${MATRIX_KEYS.map((k) => `${k} (e.g. ${SPECS[k].example})`).join(', ')}`;

const problem = (message: string): TopologyProblem => ({ file: '--matrix', path: '', message });

function isKey(key: string): key is MatrixKey {
  return Object.prototype.hasOwnProperty.call(SPECS, key);
}

/** `rate=100mbit,1gbit` → `{ key: 'rate', values: [1e8, 1e9], texts: [...] }`; throws a TopologyError naming the key and its units. */
export function parseMatrixArg(text: string): MatrixAxis {
  const eq = text.indexOf('=');
  const key = (eq < 0 ? text : text.slice(0, eq)).trim().toLowerCase();
  if (eq < 0) throw new TopologyError([problem(`"${text}": expected key=value[,value...], e.g. rate=100mbit,1gbit; ${ALLOWED}`)]);
  if (!isKey(key)) throw new TopologyError([problem(`"${text}": unknown key "${key}"; ${ALLOWED}`)]);
  const spec: KeySpec = SPECS[key];
  const raw = text.slice(eq + 1).split(',').map((v) => v.replace(/\s+/g, ''));
  if (raw.every((v) => v === '')) throw new TopologyError([problem(`${key}= has no values: give one or more, comma separated, e.g. ${key}=${spec.example}`)]);
  const problems: TopologyProblem[] = [];
  const axis: MatrixAxis = { key, values: [], texts: [] };
  raw.forEach((value, i) => {
    if (value === '') return void problems.push(problem(`${key}: value ${i + 1} of "${text.trim()}" is empty (two commas in a row, or one at an end?)`));
    let parsed: number;
    try {
      parsed = spec.parse(value);
    } catch (e) {
      return void problems.push(problem(`${key}=${value}: ${(e as Error).message}${key === 'loss' ? ' (only 0 may go without %)' : ''}`));
    }
    const limit = spec.limit?.(parsed);
    if (limit) return void problems.push(problem(`${key}=${value}: ${limit}`));
    const same = axis.values.indexOf(parsed);
    if (same >= 0) return void problems.push(problem(`${key}=${value}: the same value as ${axis.texts[same]}; give each value once`));
    axis.values.push(parsed);
    axis.texts.push(key === 'loss' && parsed === 0 ? '0%' : value);
  });
  if (problems.length) throw new TopologyError(problems);
  return axis;
}

/** Every `--matrix` argument parsed and expanded; all their problems are reported together. */
export function parseMatrixArgs(texts: readonly string[]): Variant[] {
  const problems: TopologyProblem[] = [];
  const axes = texts.flatMap((t) => {
    try {
      return [parseMatrixArg(t)];
    } catch (e) {
      if (!(e instanceof TopologyError)) throw e;
      problems.push(...e.problems);
      return [];
    }
  });
  if (problems.length) throw new TopologyError(problems);
  return expandMatrix(axes);
}

/**
 * Every combination of the axes, as variants, first axis varying slowest:
 * rate=a,b × loss=x,y → a x, a y, b x, b y. No axes: the plan as written (BASE_VARIANT).
 */
export function expandMatrix(axes: readonly MatrixAxis[]): Variant[] {
  const problems: TopologyProblem[] = [];
  const keys = axes.map((a) => a.key);
  for (const key of new Set(keys.filter((k, i) => keys.indexOf(k) !== i))) {
    problems.push(problem(`${key} is given twice; put every value in one argument: --matrix ${key}=${axes.filter((a) => a.key === key).flatMap((a) => a.texts).join(',')}`));
  }
  if (keys.includes('size') && keys.includes('duration')) {
    problems.push(problem('size and duration cannot both vary: a transfer ends either after a size or after a duration'));
  }
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_COMBINATIONS) {
    problems.push(problem(`${axes.map((a) => a.values.length).join(' × ')} = ${count} combinations, more than ${MAX_COMBINATIONS}: each is a whole lab run; sweep fewer values`));
  }
  if (problems.length) throw new TopologyError(problems);
  if (axes.length === 0) return [BASE_VARIANT];

  let combos: Array<Array<{ axis: MatrixAxis; i: number }>> = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((_, i) => [...c, { axis, i }]));
  return combos.map((c) => {
    const settings: VariantSettings = {};
    for (const { axis, i } of c) settings[SPECS[axis.key].field] = axis.values[i];
    return { label: c.map(({ axis, i }) => `${axis.key}=${axis.texts[i]}`).join(' '), settings };
  });
}
