/**
 * A variant of a topology: the same lab with its path settings or its traffic size or
 * duration replaced (one `--matrix` cell, or loadTopology's overrides). The loader applies it
 * to the parsed topology before any of its rules run (lab/loader/apply-variant.ts), so what a
 * variant can break is judged by the same rules as what a file says.
 */

/** The settings a variant replaces, in the Plan's base units. */
export interface VariantSettings {
  rateBps?: number;
  delayMs?: number;
  jitterMs?: number;
  /** 0 removes loss. */
  lossPct?: number;
  sizeBytes?: number;
  durationMs?: number;
}

export interface Variant {
  /** `rate=100mbit loss=1%`: names the variant in notes, tables and folders. */
  label: string;
  settings: VariantSettings;
}

/** True when the variant changes nothing (the base of a sweep). */
export function isEmptyVariant(v: Variant | undefined): boolean {
  return !v || Object.values(v.settings).every((x) => x === undefined);
}
