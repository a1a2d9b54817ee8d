/**
 * Human units, parsed once, here: sizes (`2.5GB`), rates (`1gbit`), durations (`30ms`),
 * percentages (`1%`). Each parser returns a number in a base unit or throws a message
 * that says what was expected; the schema turns that into a located problem.
 */

const SIZE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};
const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, tbit: 1e12 };
const DURATION_UNITS: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

const NUMBER_WITH_UNIT = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z%]*)\s*$/;

function parseWithUnits(input: unknown, units: Record<string, number>, what: string, example: string): number {
  if (typeof input === 'number') {
    throw new Error(`expected ${what} with a unit (e.g. ${example}), got the bare number ${input}`);
  }
  if (typeof input !== 'string') throw new Error(`expected ${what} such as ${example}, got ${describe(input)}`);
  const m = NUMBER_WITH_UNIT.exec(input);
  const unit = m?.[2]?.toLowerCase() ?? '';
  const factor = units[unit];
  if (!m || factor === undefined) {
    throw new Error(`expected ${what} such as ${example} (units: ${Object.keys(units).join(', ')}), got "${input}"`);
  }
  return Number(m[1]) * factor;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

/** `2.5GB` → 2_500_000_000 bytes (SI: GB = 10^9, GiB = 2^30). A bare integer is bytes. */
export function parseSize(input: unknown): number {
  if (typeof input === 'number' && Number.isInteger(input) && input >= 0) return input;
  return Math.round(parseWithUnits(input, SIZE_UNITS, 'a size', '2.5GB or 512MiB'));
}

/** `value` as a whole multiple of `quantum` when it is one up to float noise (1.1 * 1000 is 1100.0000000000002), else undefined. */
function whole(value: number, quantum = 1): number | undefined {
  const n = Math.round(value / quantum);
  return Math.abs(value / quantum - n) <= 1e-9 * Math.max(1, Math.abs(n)) ? n * quantum : undefined;
}

/**
 * `1gbit` → 1e9 bits per second (tc's units: bit, kbit, mbit, gbit; SI). A rate is a whole
 * number of bits per second: `0.4bit` or `1.5bit` is refused, never rounded to something else.
 */
export function parseRate(input: unknown): number {
  const bps = parseWithUnits(input, RATE_UNITS, 'a rate', '1gbit or 100mbit');
  const bits = whole(bps);
  if (bits === undefined) throw new Error(`a rate is a whole number of bits per second: "${String(input)}" is ${bps} bit/s`);
  return bits;
}

/** `30ms` → 30 milliseconds; `1.5s` → 1500 (float noise below a microsecond is removed; whole-unit rules are the schema's). */
export function parseDuration(input: unknown): number {
  const ms = parseWithUnits(input, DURATION_UNITS, 'a duration', '30ms or 3s');
  const us = whole(ms * 1000);
  return us === undefined ? ms : us / 1000;
}

/** Whether `ms` is a whole number of milliseconds (up to float noise). */
export function isWholeMs(ms: number): boolean {
  return whole(ms) !== undefined;
}

/** Whether `ms` is a whole number of microseconds (up to float noise). */
export function isWholeUs(ms: number): boolean {
  return whole(ms * 1000) !== undefined;
}

/** `1%` → 1 (percent, 0 to 100). */
export function parsePercent(input: unknown): number {
  if (typeof input === 'number') throw new Error(`expected a percentage such as 1% or 0.5%, got the bare number ${input}`);
  if (typeof input !== 'string' || !/^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.test(input)) {
    throw new Error(`expected a percentage such as 1% or 0.5%, got ${typeof input === 'string' ? `"${input}"` : describe(input)}`);
  }
  const value = parseFloat(input);
  if (value > 100) throw new Error(`a percentage must be at most 100%, got "${input}"`);
  return value;
}

/**
 * The largest unit whose rounded figure stays below 1000 of it: 999.96e6 is `1.00 G…`, not
 * `1000.0 M…`. `units` runs from the largest down; each has its factor and decimals.
 */
function scaled(value: number, units: readonly [number, number, string][], small: (v: number) => string): string {
  const abs = Math.abs(value);
  for (const [factor, decimals, name] of units) {
    if (Number((abs / factor).toFixed(decimals)) >= 1) return `${(value / factor).toFixed(decimals)} ${name}`;
  }
  return small(value);
}

/** 1.87e9 → `1.87 Gbit/s`; below 1 bit/s (a measured mean, never a parsed rate) with 2 decimals. */
export function formatRate(bitsPerSecond: number): string {
  return scaled(bitsPerSecond, [[1e9, 2, 'Gbit/s'], [1e6, 1, 'Mbit/s'], [1e3, 1, 'kbit/s']], (v) =>
    Math.abs(v) >= 0.995 || v === 0 ? `${v.toFixed(0)} bit/s` : `${v.toFixed(2)} bit/s`,
  );
}

/** 2_500_000_000 → `2.50 GB`. */
export function formatSize(bytes: number): string {
  return scaled(bytes, [[1e9, 2, 'GB'], [1e6, 1, 'MB'], [1e3, 1, 'kB']], (v) => `${v} B`);
}

/** 1234 → `1.23 s`; 80 → `80 ms`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** Rate in bits/s → the argument tc wants (`1000mbit`), exact, no floats. */
export function rateToTc(bitsPerSecond: number): string {
  const bits = Math.round(bitsPerSecond);
  // 0 % 1e9 is 0 too: without this, 0 (or 0.4 rounded) would be written `0gbit`.
  if (bits === 0) return '0bit';
  if (bits % 1e9 === 0) return `${bits / 1e9}gbit`;
  if (bits % 1e6 === 0) return `${bits / 1e6}mbit`;
  if (bits % 1e3 === 0) return `${bits / 1e3}kbit`;
  return `${bits}bit`;
}
