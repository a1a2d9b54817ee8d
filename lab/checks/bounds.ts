/**
 * Rate bounds resolved against a capacity, and the CheckResult constructors every check uses,
 * so that "cannot measure" always comes out as `error` with its reason, never as a pass.
 */
import type { PlanCheck, RateBound } from '../model/plan';
import type { CheckResult } from '../model/record';
import { formatRate } from '../model/units';

/** A bound in bits/s, and how it reads: `1.70 Gbit/s (85% of 2.00 Gbit/s)`. */
export interface ResolvedRate {
  bps: number;
  text: string;
}

/**
 * Resolves a bound. A percentage needs the capacity of the named paths; on unshaped paths
 * there is none, and the caller must report an error rather than guess one.
 */
export function resolveRate(bound: RateBound, capacityBps: number | undefined, paths: readonly string[]): ResolvedRate | { error: string } {
  if ('rateBps' in bound) return { bps: bound.rateBps, text: formatRate(bound.rateBps) };
  if (capacityBps === undefined) {
    return {
      error: `a ${bound.percent}% bound needs shaped paths, but ${paths.join(', ') || 'no path'} ha${paths.length === 1 ? 's' : 've'} no rate in this direction; give an absolute rate (e.g. 900mbit) or shape the paths`,
    };
  }
  const bps = (capacityBps * bound.percent) / 100;
  return { bps, text: `${formatRate(bps)} (${bound.percent}% of ${formatRate(capacityBps)} ${paths.join('+')})` };
}

type Kind = PlanCheck['kind'];

/** A check that could not be measured: status `error`, with the reason (and the numbers behind it, if any). */
export function cannotMeasure(name: string, kind: Kind, expected: string, reason: string, details?: CheckResult['details']): CheckResult {
  return { name, kind, status: 'error', expected, measured: 'not measured', message: `cannot measure: ${reason}`, ...(details?.length ? { details } : {}) };
}

/** A measured verdict: pass when `ok`. */
export function verdict(
  ok: boolean,
  fields: Omit<CheckResult, 'status'>,
): CheckResult {
  const { name, kind, ...rest } = fields;
  // name, kind, status first: result.json reads top-down.
  return { name, kind, status: ok ? 'pass' : 'fail', ...rest };
}
