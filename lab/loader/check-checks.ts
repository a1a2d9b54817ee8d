/**
 * Semantic checks of the `checks` section: every bound has something to be measured
 * against (a percentage needs shaped paths), and every check has events to look at.
 */
import { WARMUP_MS } from '../model/plan';
import type { RateOrPercentBound } from '../model/schema';
import { checkBounds } from './check-bounds';
import type { CheckContext } from './check-context';
import { checkCarriesTraffic } from './check-timeline';
import { timeText } from './human';
import { listNames } from './problems';
import { outagesOf, pathsActedOn, survivorsOf } from './timeline-events';
import { dataPathNames, survivingPaths, trafficEnds, unshapedDataPaths } from './topology-facts';
import { formatYamlPath, type PathSegment } from './yaml-path';

/** Checks references, event needs and percentage bounds of the declared checks. */
export function checkChecks(ctx: CheckContext): void {
  const { s, names, problems } = ctx;
  const c = s.checks;
  if (!c) return;
  if (c.backupIdle && names.paths && !names.paths.includes(c.backupIdle.path)) {
    problems.add(['checks', 'backupIdle', 'path'], `no path named "${c.backupIdle.path}" (paths: ${listNames(names.paths)})`);
  } else if (c.backupIdle) {
    checkCarriesTraffic(ctx, c.backupIdle.path, ['checks', 'backupIdle', 'path'], 'backupIdle on it');
  }
  if (c.subflows?.max !== undefined && c.subflows.max < c.subflows.min) {
    problems.add(['checks', 'subflows', 'max'], `max (${c.subflows.max}) must be at least min (${c.subflows.min})`);
  }
  if (c.mptcp && s.traffic?.protocol === 'tcp') {
    problems.add(['checks', 'mptcp'], 'the traffic uses protocol tcp: an mptcp check cannot pass; set traffic.protocol: mptcp or drop the check');
  }
  if (c.mptcp && c.fallback === 'expect') {
    problems.add(['checks', 'fallback'], 'fallback: expect contradicts mptcp: true (which fails on any fallback); drop checks.mptcp, or use fallback: forbid');
  }
  checkBounds(ctx);
  // An event used without an unknown key (`kut: vlan181`) may be the very cut that seems missing.
  const timelineSure = !names.salvaged.some((p) => p.startsWith('timeline['));
  const cuts = s.timeline && pathsActedOn(s.timeline, 'cut');
  const restores = s.timeline && pathsActedOn(s.timeline, 'restore');
  if (c.failover && cuts?.length === 0 && timelineSure) problems.add(['checks', 'failover'], 'failover needs at least one cut in the timeline');
  if (c.recovery && restores?.length === 0 && timelineSure) problems.add(['checks', 'recovery'], 'recovery needs at least one restore in the timeline');
  checkMeasurableWindows(ctx);

  const ends = trafficEnds(s);
  if (!ends || !s.paths || !s.timeline) return;
  const percentNeedsRates = (at: PathSegment[], bound: RateOrPercentBound | undefined, only?: string[]) => {
    if (bound?.percent === undefined) return;
    // A path used without an unknown key (`bandwidth: 1gbit`) may have a rate after all.
    const unshaped = unshapedDataPaths(s, ends, only).filter((p) => !names.salvaged.some((at) => at === formatYamlPath(['paths', p]) || at.startsWith(`${formatYamlPath(['paths', p])}.`)));
    if (unshaped.length > 0) {
      problems.add(at, `percent of what? path ${unshaped[0]} has no rate; give an absolute rate such as 1.7gbit`);
    }
  };
  percentNeedsRates(['checks', 'aggregate', 'min'], c.aggregate?.min);
  percentNeedsRates(['checks', 'aggregate', 'perPath'], c.aggregate?.perPath);
  percentNeedsRates(['checks', 'failover', 'min'], c.failover?.min, survivingPaths(Object.keys(s.paths), cuts ?? []));
  percentNeedsRates(['checks', 'recovery', 'min'], c.recovery?.min, restores);
  percentNeedsRates(['checks', 'stall', 'below'], c.stall?.below);
}

/**
 * Declared checks whose window the timeline leaves empty: aggregate is measured after the
 * warm-up and before the first cut, so a cut inside the warm-up leaves it nothing; failover
 * falls back on the data paths up throughout a cut, so an outage of every one leaves it nothing.
 */
function checkMeasurableWindows({ s, problems }: CheckContext): void {
  const c = s.checks;
  const data = dataPathNames(s);
  if (!c || !s.timeline || !data) return;
  const outages = outagesOf(s.timeline).filter((o) => data.includes(o.path));
  const early = outages.find((o) => o.fromMs <= WARMUP_MS);
  if (c.aggregate && early) {
    problems.add(
      ['timeline', early.index, 'at'],
      `the cut of ${early.path} at ${timeText(early.fromMs)} falls in the first ${WARMUP_MS} ms (the warm-up, TCP slow start), so the declared aggregate check has no time with every path up to measure; cut later (after 1 s, say) or drop checks.aggregate`,
    );
  }
  if (!c.failover) return;
  const stranded = outages.find((o) => survivorsOf(o, outages, data).length === 0);
  if (stranded) {
    const others = outages.filter((o) => o !== stranded && o.fromMs < stranded.toMs && o.toMs > stranded.fromMs).map((o) => `${o.path} (cut at ${timeText(o.fromMs)})`);
    problems.add(
      ['checks', 'failover'],
      `the cut of ${stranded.path} at ${timeText(stranded.fromMs)} (timeline[${stranded.index}]) leaves no data path up${others.length ? `: ${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} cut too` : ''}, ` +
        `so there is nothing to fail over to and failover can never be measured; keep one of ${listNames(data)} up during each cut, or drop checks.failover`,
    );
  }
}
