/**
 * Bounds that can never fail are refused: a check that passes whatever happens is a verdict
 * nobody can trust. Each message says why the bound cannot fail and what would test something.
 */
import type { RateOrPercentBound } from '../model/schema';
import type { CheckContext } from './check-context';
import { rateText, sizeText, timeText } from './human';
import { earliestEnd } from './traffic-end';
import { egressOf, trafficEnds } from './topology-facts';
import type { PathSegment } from './yaml-path';

/**
 * kernelLog.maxErrors above this is refused: a run whose kernel log holds more than 100 MPTCP
 * error lines has failed whatever the bound says, so a larger bound never fails in practice.
 */
export const MAX_KERNEL_LOG_ERRORS = 100;

function boundShown(b: RateOrPercentBound): string {
  return b.percent !== undefined ? `${b.percent}%` : rateText(b.rate);
}

function isZero(b: RateOrPercentBound | undefined): b is RateOrPercentBound {
  return b !== undefined && (b.percent !== undefined ? b.percent === 0 : b.rate === 0);
}

/** Adds a problem for every declared bound that can never fail. */
export function checkBounds({ s, problems }: CheckContext): void {
  const c = s.checks;
  if (!c) return;
  const zero = (at: PathSegment[], b: RateOrPercentBound | undefined, why: string) => {
    if (isZero(b)) problems.add(at, `${boundShown(b)} can never fail: ${why}; give a bound above 0, such as 85% or 900mbit`);
  };
  zero(['checks', 'aggregate', 'min'], c.aggregate?.min, 'goodput is never below 0, so aggregate ≥ 0 always holds');
  zero(['checks', 'aggregate', 'perPath'], c.aggregate?.perPath, "a path's throughput is never below 0, so perPath ≥ 0 always holds");
  zero(['checks', 'failover', 'min'], c.failover?.min, 'goodput is never below 0, so failover ≥ 0 is reached at the instant of the cut');
  zero(['checks', 'recovery', 'min'], c.recovery?.min, 'a restored path always carries ≥ 0, so recovery ≥ 0 holds even when it carries nothing');
  if (isZero(c.stall?.below)) {
    problems.add(['checks', 'stall', 'below'], `${boundShown(c.stall.below)} can never fail: goodput is never below 0, so it never stalls below 0; give a floor such as 10% or 1mbit`);
  }

  const end = earliestEnd(s);
  // Judged only when a cut can happen before the end: a varied lab (--size, a variant) drops the
  // later cuts and reports failover skipped, which is no verdict at all, let alone one that cannot fail.
  const cutBeforeEnd = end !== undefined && (s.timeline ?? []).some((ev) => ev.cut !== undefined && ev.at < end.ms);
  if (c.failover && end && cutBeforeEnd && c.failover.within >= end.ms) {
    problems.add(
      ['checks', 'failover', 'within'],
      `within ${timeText(c.failover.within)} can never fail: it is at or beyond the traffic's planned length (${end.why}), so no failover is ever late; give a within well below ${timeText(end.ms)}, such as 2s`,
    );
  }
  const duration = s.traffic?.size === undefined ? s.traffic?.duration : undefined;
  if (c.stall && duration !== undefined && c.stall.longerThan >= duration) {
    problems.add(
      ['checks', 'stall', 'longerThan'],
      `longerThan ${timeText(c.stall.longerThan)} can never fail: the traffic lasts ${timeText(duration)}, so no stall can be longer; give a time well below it, such as 2s`,
    );
  }
  if (c.subflows && c.subflows.min === 1 && c.subflows.max === undefined) {
    problems.add(
      ['checks', 'subflows', 'min'],
      'subflows ≥ 1 with no max can never fail a run that moved data: any connection, even one fallen back to plain TCP, is one subflow; give min 2 (one per path), or a max (min 1, max 1 for a single path)',
    );
  }
  if (c.kernelLog && c.kernelLog.maxErrors > MAX_KERNEL_LOG_ERRORS) {
    problems.add(
      ['checks', 'kernelLog', 'maxErrors'],
      `maxErrors ${c.kernelLog.maxErrors} never fails in practice: a run that logs more than ${MAX_KERNEL_LOG_ERRORS} MPTCP error lines has failed whatever the bound, so at most ${MAX_KERNEL_LOG_ERRORS} is accepted (0, the usual, means none)`,
    );
  }
  checkBackupIdleBytes({ s, problems } as CheckContext);
  checkCounterBound(problems, 'checksumErrors', c.checksumErrors, 'DataCsumErr');
  checkCounterBound(problems, 'subflowReset', c.subflowReset, 'MP_RSTs');
}

/** A counter bound must bound something: min or max, min ≤ max, and not min 0 alone (a count is never below 0). */
function checkCounterBound(problems: CheckContext['problems'], kind: 'checksumErrors' | 'subflowReset', b: { min?: number; max?: number } | undefined, what: string): void {
  if (!b) return;
  const at = ['checks', kind];
  if (b.min === undefined && b.max === undefined) problems.add(at, `${kind} needs min or max (min: 1 expects at least one, max: 0 forbids them); an empty bound can never fail`);
  else if (b.min === 0 && b.max === undefined) problems.add([...at, 'min'], `${kind} min 0 with no max can never fail: a count of ${what} is never below 0; give min 1 (expect at least one) or a max (max: 0 forbids them)`);
  else if (b.min !== undefined && b.max !== undefined && b.max < b.min) problems.add([...at, 'max'], `max (${b.max}) must be at least min (${b.min})`);
}

/** backupIdle.maxBytes at or above what the backup path can carry at all: the whole transfer, or its rate × duration. */
function checkBackupIdleBytes({ s, problems }: CheckContext): void {
  const b = s.checks?.backupIdle;
  const t = s.traffic;
  if (!b || !t) return;
  const at = ['checks', 'backupIdle', 'maxBytes'];
  if (t.size !== undefined && b.maxBytes >= t.size) {
    problems.add(at, `maxBytes ${sizeText(b.maxBytes)} can never fail: the whole transfer is ${sizeText(t.size)}, so ${b.path} cannot carry more than that; give a bound well below it, such as 1MB`);
    return;
  }
  const ends = trafficEnds(s);
  const path = s.paths?.[b.path];
  if (t.size !== undefined || t.duration === undefined || !ends || !path) return;
  let rate = egressOf(path, ends.sender).rate;
  if (rate === undefined) return;
  for (const ev of s.timeline ?? []) {
    if (ev.impair === b.path && (ev.from === undefined || ev.from === ends.sender) && ev.set?.rate !== undefined) rate = Math.max(rate, ev.set.rate);
  }
  const most = (rate / 8) * (t.duration / 1000);
  if (b.maxBytes >= most) {
    problems.add(at, `maxBytes ${sizeText(b.maxBytes)} can never fail: ${b.path} is shaped to ${rateText(rate)}, so in ${timeText(t.duration)} it carries at most ${sizeText(most)}; give a bound well below it, such as 1MB`);
  }
}
