/** `npm run bench [-- --quick] [-- --only bringup,fidelity] [--out FILE]`: the bench's arguments. Pure. */

export const SECTIONS = ['bringup', 'runtimes', 'fidelity', 'cost', 'failover', 'scale'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchArgs {
  quick: boolean;
  /** Sections to run, in the bench's order. */
  only: Section[];
  /** Where bench.json goes. */
  out: string;
  help: boolean;
}

export const DEFAULT_OUT = 'reports/bench/bench.json';

export const USAGE = `usage: npm run bench [-- --quick] [--only ${SECTIONS.join(',')}] [--out FILE]
  --quick        fewer repeats (a smoke check, about 3 minutes)
  --only LIST    run only these sections (comma-separated)
  --out FILE     where to write the JSON record (default ${DEFAULT_OUT})`;

export class BenchUsageError extends Error {}

/** Parses argv (after `tsx lab/bench/main.ts`); a stray `--` (npm's separator given twice) is ignored. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: [...SECTIONS], out: DEFAULT_OUT, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new BenchUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--':
        break;
      case '--quick':
        args.quick = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--only': {
        const wanted = value()
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean);
        const unknown = wanted.filter((w) => !(SECTIONS as readonly string[]).includes(w));
        if (unknown.length) throw new BenchUsageError(`--only: unknown section ${unknown.join(', ')}; expected some of ${SECTIONS.join(', ')}`);
        if (wanted.length === 0) throw new BenchUsageError('--only needs at least one section');
        args.only = SECTIONS.filter((s) => wanted.includes(s));
        break;
      }
      case '--out':
        args.out = value();
        break;
      default:
        throw new BenchUsageError(`unknown argument "${a}"`);
    }
  }
  return args;
}

/** Repeat counts per section: default vs --quick. */
export interface Repeats {
  bringup: number;
  bringup4x4: number;
  fidelity: number;
  cost: number;
  failover: number;
  scalePaths: number;
  scaleParallel: number;
}

export function repeatsFor(quick: boolean): Repeats {
  return quick
    ? { bringup: 2, bringup4x4: 1, fidelity: 1, cost: 1, failover: 2, scalePaths: 1, scaleParallel: 1 }
    : { bringup: 5, bringup4x4: 3, fidelity: 3, cost: 3, failover: 5, scalePaths: 3, scaleParallel: 2 };
}
