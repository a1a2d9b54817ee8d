/**
 * Semantic checks of the `checks` section: every bound has something to be measured
 * against (a percentage needs shaped paths), and every check has events to look at.
 */
import type { RateOrPercentBound } from '../model/schema';
import type { CheckContext } from './check-context';
import { listNames } from './problems';
import { pathsActedOn } from './timeline-events';
import { survivingPaths, trafficEnds, unshapedDataPaths } from './topology-facts';
import type { PathSegment } from './yaml-path';

/** Checks references, event needs and percentage bounds of the declared checks. */
export function checkChecks(ctx: CheckContext): void {
  const { s, names, problems } = ctx;
  const c = s.checks;
  if (!c) return;
  if (c.backupIdle && names.paths && !names.paths.includes(c.backupIdle.path)) {
    problems.add(['checks', 'backupIdle', 'path'], `no path named "${c.backupIdle.path}" (paths: ${listNames(names.paths)})`);
  }
  if (c.subflows?.max !== undefined && c.subflows.max < c.subflows.min) {
    problems.add(['checks', 'subflows', 'max'], `max (${c.subflows.max}) must be at least min (${c.subflows.min})`);
  }
  if (c.mptcp && s.traffic?.protocol === 'tcp') {
    problems.add(['checks', 'mptcp'], 'the traffic uses protocol tcp: an mptcp check cannot pass; set traffic.protocol: mptcp or drop the check');
  }
  const cuts = s.timeline && pathsActedOn(s.timeline, 'cut');
  const restores = s.timeline && pathsActedOn(s.timeline, 'restore');
  if (c.failover && cuts?.length === 0) problems.add(['checks', 'failover'], 'failover needs at least one cut in the timeline');
  if (c.recovery && restores?.length === 0) problems.add(['checks', 'recovery'], 'recovery needs at least one restore in the timeline');

  const ends = trafficEnds(s);
  if (!ends || !s.paths || !s.timeline) return;
  const percentNeedsRates = (at: PathSegment[], bound: RateOrPercentBound | undefined, only?: string[]) => {
    if (bound?.percent === undefined) return;
    const unshaped = unshapedDataPaths(s, ends, only);
    if (unshaped.length > 0) {
      problems.add(at, `percent of what? path ${unshaped[0]} has no rate; give an absolute rate such as 1.7gbit`);
    }
  };
  percentNeedsRates(['checks', 'aggregate', 'min'], c.aggregate?.min);
  percentNeedsRates(['checks', 'failover', 'min'], c.failover?.min, survivingPaths(Object.keys(s.paths), cuts ?? []));
  percentNeedsRates(['checks', 'recovery', 'min'], c.recovery?.min, restores);
  percentNeedsRates(['checks', 'stall', 'below'], c.stall?.below);
}
