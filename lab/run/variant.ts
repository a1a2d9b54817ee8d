/**
 * Variants of a plan (one cell of a `--matrix`): the label helpers. Applying a variant is the
 * loader's job (LoadOptions.variant, lab/loader/apply-variant.ts), so its rules exist once.
 */
import { deepFreeze } from '../model/plan';
import type { Variant } from '../model/variant';

export type { Variant, VariantSettings } from '../model/variant';

/** The plan as written: what repeat runs without a matrix use. */
export const BASE_VARIANT: Variant = deepFreeze({ label: 'base', settings: {} });

/** The label as a folder name: `rate=100mbit loss=1%` → `rate=100mbit_loss=1pct`. */
export function variantSlug(label: string): string {
  return label.replace(/%/g, 'pct').replace(/[^A-Za-z0-9.=+-]+/g, '_').replace(/^_+|_+$/g, '') || 'base';
}
