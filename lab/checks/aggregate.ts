/**
 * aggregate: while every path is up, MPTCP must use them together. The seed's claim is
 * 221 MB/s over two gigabit links, i.e. more than one link can carry.
 */
import { capacityBps, type PlanCheck } from '../model/plan';
import type { CheckDetail, CheckResult, RunRecord } from '../model/record';
import { formatRate } from '../model/units';
import { cannotMeasure, resolveRate, verdict } from './bounds';
import { dataPaths, outages } from './outages';
import { meanAt, sampleIntervalMs, samplesIn, spanSeconds, throughputIn, tooFewSamples, WARMUP_MS } from './windows';

/** Mean goodput from the end of the warm-up to the first cut (or the end) ≥ the bound. */
export function checkAggregate(record: RunRecord, check: Extract<PlanCheck, { kind: 'aggregate' }>): CheckResult {
  const name = 'aggregate';
  const paths = dataPaths(record);
  const bound = resolveRate(check.min, capacityBps(record.plan, paths, record.plan.traffic.sender), paths);
  if ('error' in bound) return cannotMeasure(name, 'aggregate', `≥ ${JSON.stringify(check.min)}`, bound.error);
  const expected = `≥ ${bound.text}`;

  const fromMs = record.traffic.startedMs + WARMUP_MS;
  const firstCut = Math.min(...outages(record).filter((o) => o.toMs > fromMs).map((o) => o.fromMs));
  const window = { fromMs, toMs: Math.min(record.traffic.endedMs, firstCut) };
  const src = throughputIn(record, window);
  const short = tooFewSamples(src.indices.length, window, 'the window with every path up, after the warm-up');
  if (short) return cannotMeasure(name, 'aggregate', expected, short);

  const mean = meanAt(src.series, src.indices);
  const details: CheckDetail[] = [{ name: `mean ${src.source}`, value: mean, unit: 'bit/s', bound: bound.bps }];
  const perPath = record.paths.map((p) => {
    const m = meanAt(p, samplesIn(p, window, sampleIntervalMs(p, record.intervalMs)));
    details.push({ name: `mean ${p.path}`, value: m, unit: 'bit/s' });
    return `${p.path} ${Number.isNaN(m) ? 'no samples' : formatRate(m)}`;
  });
  const ok = mean >= bound.bps;
  return verdict(ok, {
    name,
    kind: 'aggregate',
    expected,
    measured: formatRate(mean),
    bound: bound.bps,
    value: mean,
    unit: 'bit/s',
    message:
      `mean ${src.label} ${formatRate(mean)} ${ok ? '≥' : '<'} ${formatRate(bound.bps)} over ${spanSeconds(window)} (all paths up); ` +
      `per path (link): ${perPath.join(', ')}`,
    details,
  });
}
