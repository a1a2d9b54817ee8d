/**
 * netem options, and which impairment fields need sch_netem at all. Only loss has a
 * fallback (an nftables random drop); rate never needs netem (tbf does it everywhere).
 */
import type { Impairment } from '../model/plan';
import { formatMs, formatPercent, isOn } from './format';

/** iproute2's default netem queue limit, in packets. */
export const NETEM_DEFAULT_LIMIT = 1000;

/**
 * Features of `impairment` that only sch_netem provides (topology field names): the
 * runtime rejects a plan using any of them on a host without netem. `loss` is absent on
 * purpose: it falls back to nftables. `limit` counts only without a rate (with a rate it
 * becomes tbf's limit).
 */
export function netemFeaturesOf(impairment: Impairment): string[] {
  const features: string[] = [];
  if (isOn(impairment.delayMs)) features.push('delay');
  if (isOn(impairment.jitterMs)) features.push('jitter');
  if (isOn(impairment.corruptPct)) features.push('corrupt');
  if (isOn(impairment.duplicatePct)) features.push('duplicate');
  if (isOn(impairment.reorderPct)) features.push('reorder');
  if (impairment.limitPackets !== undefined && !isOn(impairment.rateBps)) features.push('limit');
  return features;
}

/** True when the impairment asks for anything netem would do (loss included). */
export function wantsNetem(impairment: Impairment): boolean {
  return netemFeaturesOf(impairment).length > 0 || isOn(impairment.lossPct);
}

/**
 * Options after the word `netem`. `corrupt` and `reorder` are always written, even at 0%:
 * the kernel keeps their previous values when a `replace` omits them (netem_change only
 * touches attributes that are present), so a run-time change back to none would not take.
 */
export function netemOptions(impairment: Impairment, limitPackets: number): string[] {
  const { delayMs, jitterMs, lossPct, corruptPct, duplicatePct, reorderPct } = impairment;
  if (!isOn(delayMs) && (isOn(jitterMs) || isOn(reorderPct))) {
    throw new Error(`netem: ${isOn(jitterMs) ? 'jitter' : 'reorder'} needs a delay (the loader should have rejected this impairment)`);
  }
  const opts = ['limit', String(limitPackets)];
  if (isOn(delayMs)) {
    opts.push('delay', formatMs(delayMs));
    // A normal distribution, as real queues vary; uniform (netem's default) looks artificial.
    if (isOn(jitterMs)) opts.push(formatMs(jitterMs), 'distribution', 'normal');
  }
  if (isOn(lossPct)) opts.push('loss', 'random', formatPercent(lossPct));
  opts.push('corrupt', formatPercent(corruptPct ?? 0));
  if (isOn(duplicatePct)) opts.push('duplicate', formatPercent(duplicatePct));
  opts.push('reorder', formatPercent(reorderPct ?? 0));
  return opts;
}
