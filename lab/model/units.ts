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

/** `1gbit` → 1e9 bits per second (tc's units: bit, kbit, mbit, gbit; SI). */
export function parseRate(input: unknown): number {
  return parseWithUnits(input, RATE_UNITS, 'a rate', '1gbit or 100mbit');
}

/** `30ms` → 30 milliseconds; `1.5s` → 1500. */
export function parseDuration(input: unknown): number {
  return parseWithUnits(input, DURATION_UNITS, 'a duration', '30ms or 3s');
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

/** 1.87e9 → `1.87 Gbit/s`. */
export function formatRate(bitsPerSecond: number): string {
  const abs = Math.abs(bitsPerSecond);
  if (abs >= 1e9) return `${(bitsPerSecond / 1e9).toFixed(2)} Gbit/s`;
  if (abs >= 1e6) return `${(bitsPerSecond / 1e6).toFixed(1)} Mbit/s`;
  if (abs >= 1e3) return `${(bitsPerSecond / 1e3).toFixed(1)} kbit/s`;
  return `${bitsPerSecond.toFixed(0)} bit/s`;
}

/** 2_500_000_000 → `2.50 GB`. */
export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

/** 1234 → `1.23 s`; 80 → `80 ms`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** Rate in bits/s → the argument tc wants (`1000mbit`), exact, no floats. */
export function rateToTc(bitsPerSecond: number): string {
  const bits = Math.round(bitsPerSecond);
  if (bits % 1e9 === 0) return `${bits / 1e9}gbit`;
  if (bits % 1e6 === 0) return `${bits / 1e6}mbit`;
  if (bits % 1e3 === 0) return `${bits / 1e3}kbit`;
  return `${bits}bit`;
}
