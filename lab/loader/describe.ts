/** Human descriptions of Plan parts, shared by notes and the `validate` command's output. */
import type { Impairment, PlanCheck, RateBound } from '../model/plan';
import { rateText, sizeText, timeText } from './human';

/** `85% of capacity` or `1.7 Gbit/s`. */
export function describeBound(b: RateBound): string {
  return 'percent' in b ? `${b.percent}% of capacity` : rateText(b.rateBps);
}

/** One line per check: `failover ≥ 85% of capacity within 1 s`; a skipped one says so and why. */
export function describeCheck(c: PlanCheck): string {
  const text = describeBounds(c);
  return c.skip ? `${text} (skipped: ${c.skip})` : text;
}

function describeBounds(c: PlanCheck): string {
  switch (c.kind) {
    case 'mptcp':
      return 'mptcp: the connection uses MPTCP on both ends, with joins';
    case 'integrity':
      return 'integrity: the transfer completes and its SHA-256 matches';
    case 'aggregate':
      return `aggregate ≥ ${describeBound(c.min)} while every path is up${c.perPath ? `, each path ≥ ${describePerPath(c.perPath)}` : ''}`;
    case 'failover':
      return `failover ≥ ${describeBound(c.min)} (of the surviving paths) within ${timeText(c.withinMs)} of a cut`;
    case 'recovery':
      return `recovery: the restored path carries ≥ ${describeBound(c.min)} within ${timeText(c.withinMs)}, held for ${timeText(c.holdMs)}`;
    case 'stall':
      return `stall: fail if goodput stays below ${describeBound(c.below)} for longer than ${timeText(c.longerThanMs)}`;
    case 'subflows':
      return `subflows ≥ ${c.min}${c.max !== undefined ? ` and ≤ ${c.max}` : ''}`;
    case 'backupIdle':
      return `backupIdle: path ${c.path} carries at most ${sizeText(c.maxBytes)} while the others are up`;
    case 'kernelLog':
      return c.maxErrors === 0 ? 'kernelLog: no MPTCP error line in the kernel log' : `kernelLog: at most ${c.maxErrors} MPTCP error line${c.maxErrors === 1 ? '' : 's'} in the kernel log`;
    case 'fallback':
      return c.expect ? 'fallback: the connection falls back to TCP (a fallback counter ≥ 1)' : 'fallback: no fallback counter moves';
    case 'checksumErrors':
      return `checksumErrors: DataCsumErr ${countRange(c)}`;
    case 'subflowReset':
      return `subflowReset: MP_RSTs ${countRange(c)}`;
  }
}

/** A per-path bound: `20% of its rate` or `100 Mbit/s`. */
function describePerPath(b: RateBound): string {
  return 'percent' in b ? `${b.percent}% of its rate` : rateText(b.rateBps);
}

/** `rate 1 Gbit/s, delay 20 ms, loss 1%`, or `none`. */
export function describeImpairment(i: Impairment): string {
  const parts: string[] = [];
  if (i.rateBps !== undefined) parts.push(`rate ${rateText(i.rateBps)}`);
  if (i.delayMs !== undefined) parts.push(`delay ${timeText(i.delayMs)}`);
  if (i.jitterMs !== undefined) parts.push(`jitter ${timeText(i.jitterMs)}`);
  if (i.lossPct !== undefined) parts.push(`loss ${i.lossPct}%`);
  if (i.corruptPct !== undefined) parts.push(`corrupt ${i.corruptPct}%`);
  if (i.duplicatePct !== undefined) parts.push(`duplicate ${i.duplicatePct}%`);
  if (i.reorderPct !== undefined) parts.push(`reorder ${i.reorderPct}%`);
  if (i.limitPackets !== undefined) parts.push(`queue limit ${i.limitPackets} packets`);
  return parts.length ? parts.join(', ') : 'none';
}

/** `≥ 1`, `= 0`, `1–3`, `≤ 2`. */
export function countRange(c: { min?: number; max?: number }): string {
  if (c.min !== undefined && c.max !== undefined) return c.min === c.max ? `= ${c.min}` : `${c.min}–${c.max}`;
  return c.min !== undefined ? `≥ ${c.min}` : `≤ ${c.max ?? 0}`;
}
