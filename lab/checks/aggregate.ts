/**
 * aggregate: while every path is up, MPTCP must use them together. The seed's claim is
 * 221 MB/s over two gigabit links, i.e. more than one link can carry. On unequal paths the
 * fast one alone can clear a bound on the sum, so `perPath` also holds each path to its own.
 */
import { capacityBps, type PlanCheck } from '../model/plan';
import type { CheckDetail, CheckResult, RunRecord } from '../model/record';
import { formatRate } from '../model/units';
import { cannotMeasure, resolveRate, verdict } from './bounds';
import { dataPaths, outages } from './outages';
import { samplingIssues } from './sampling';
import { meanAt, sampleIntervalMs, samplesIn, spanSeconds, throughputIn, tooFewSamples, WARMUP_MS, type Window } from './windows';

type AggregateCheck = Extract<PlanCheck, { kind: 'aggregate' }>;

/** Mean goodput from the end of the warm-up to the first cut (or the end) ≥ the bound, and each data path's own mean ≥ `perPath`. */
export function checkAggregate(record: RunRecord, check: AggregateCheck): CheckResult {
  const name = 'aggregate';
  const paths = dataPaths(record);
  const bound = resolveRate(check.min, capacityBps(record.plan, paths, record.plan.traffic.sender), paths);
  if ('error' in bound) return cannotMeasure(name, 'aggregate', `≥ ${JSON.stringify(check.min)}`, bound.error);
  const expected = `≥ ${bound.text}${check.perPath ? `, each path ≥ ${'percent' in check.perPath ? `${check.perPath.percent}% of its rate` : formatRate(check.perPath.rateBps)}` : ''}`;

  const fromMs = record.traffic.startedMs + WARMUP_MS;
  const firstCut = Math.min(...outages(record).filter((o) => o.toMs > fromMs).map((o) => o.fromMs));
  const window = { fromMs, toMs: Math.min(record.traffic.endedMs, firstCut) };
  const src = throughputIn(record, window);
  const short = tooFewSamples(src.indices.length, window, 'the window with every path up, after the warm-up');
  if (short) return cannotMeasure(name, 'aggregate', expected, short);

  const mean = meanAt(src.series, src.indices);
  const details: CheckDetail[] = [{ name: `mean ${src.source}`, value: mean, unit: 'bit/s', bound: bound.bps }];
  const each = perPathMeans(record, check, window);
  if ('error' in each) return cannotMeasure(name, 'aggregate', expected, each.error);
  details.push(...each.details);
  const sampling = samplingIssues(record, window);
  details.push(...sampling.details);
  const ok = mean >= bound.bps;
  const below = each.below.length ? `; below their own bound: ${each.below.join(', ')}` : '';
  return verdict(ok && each.below.length === 0, {
    name,
    kind: 'aggregate',
    expected,
    measured: `${formatRate(mean)}${each.below.length ? `, ${each.below.length} path${each.below.length === 1 ? '' : 's'} below` : ''}`,
    bound: bound.bps,
    value: mean,
    unit: 'bit/s',
    message:
      `mean ${src.label} ${formatRate(mean)} ${ok ? '≥' : '<'} ${formatRate(bound.bps)} over ${spanSeconds(window)} (all paths up); ` +
      `per path (link): ${each.text.join(', ')}${below}${sampling.text}`,
    details,
  });
}

/** Each data path's mean link throughput over the window, against `perPath` when given (backup paths are meant to idle: reported, not bounded). */
function perPathMeans(record: RunRecord, check: AggregateCheck, window: Window): { text: string[]; below: string[]; details: CheckDetail[] } | { error: string } {
  const sender = record.plan.traffic.sender;
  const backups = new Set(record.plan.hosts.flatMap((h) => h.mptcp.endpoints.filter((e) => e.flags.includes('backup')).map((e) => e.path)));
  const text: string[] = [];
  const below: string[] = [];
  const details: CheckDetail[] = [];
  for (const path of dataPaths(record)) {
    const series = record.paths.find((p) => p.path === path);
    const m = series ? meanAt(series, samplesIn(series, window, sampleIntervalMs(series, record.intervalMs))) : NaN;
    const own = check.perPath && !backups.has(path) ? resolveRate(check.perPath, capacityBps(record.plan, [path], sender), [path]) : undefined;
    if (own && 'error' in own) return { error: `the per-path bound: ${own.error}` };
    details.push({ name: `mean ${path}`, value: m, unit: 'bit/s', ...(own ? { bound: own.bps } : {}) });
    const measured = Number.isNaN(m) ? 'no samples' : formatRate(m);
    text.push(`${path} ${measured}${backups.has(path) && check.perPath ? ' (backup, not bounded)' : ''}`);
    // "Not at or above", so a path without samples is below, never passed.
    if (own && !(m >= own.bps)) below.push(`${path} ${measured} < ${own.text}`);
  }
  return { text, below, details };
}
