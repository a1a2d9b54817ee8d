/**
 * backupIdle: a backup path (the seed's "metered mobile data plan") must stay idle while the
 * other paths are up; what it carries while they are cut is reported, not bounded.
 */
import type { PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { formatSize } from '../model/units';
import { cannotMeasure, verdict } from './bounds';
import { splitByOthersUp } from './outages';
import { bytesAt, sampleIntervalMs, samplesIn, tooFewSamples, type Window } from './windows';

/** Bytes the backup path carried while every other path was up ≤ maxBytes. */
export function checkBackupIdle(record: RunRecord, check: Extract<PlanCheck, { kind: 'backupIdle' }>): CheckResult {
  const name = `backupIdle:${check.path}`;
  const expected = `≤ ${formatSize(check.maxBytes)} while the other paths are up`;
  const series = record.paths.find((p) => p.path === check.path);
  if (!series) return cannotMeasure(name, 'backupIdle', expected, `no throughput series for path ${check.path}`);
  const interval = sampleIntervalMs(series, record.intervalMs);
  const { allUp, othersDown } = splitByOthersUp(record, check.path);
  const within = (ws: Window[]) => ws.flatMap((w) => samplesIn(series, w, interval));
  const idle = within(allUp);
  const idleMs = allUp.reduce((s, w) => s + w.toMs - w.fromMs, 0);
  const short = tooFewSamples(idle.length, { fromMs: 0, toMs: idleMs }, 'the time with every other path up');
  if (short) return cannotMeasure(name, 'backupIdle', expected, short);

  const idleBytes = bytesAt(series, idle, interval);
  // A sample without a value would make the sum NaN, and NaN ≤ maxBytes is false: say so rather than fail on it.
  if (!Number.isFinite(idleBytes)) return cannotMeasure(name, 'backupIdle', expected, `a sample of ${check.path} taken while every other path was up has no value`);
  const duringCuts = bytesAt(series, within(othersDown), interval);
  const cutsMeasured = Number.isFinite(duringCuts);
  const ok = idleBytes <= check.maxBytes;
  const cutsText = othersDown.length === 0
    ? 'no other path was cut'
    : cutsMeasured ? `${formatSize(Math.round(duringCuts))} while another path was cut` : 'an unmeasured amount while another path was cut';
  return verdict(ok, {
    name,
    kind: 'backupIdle',
    expected,
    measured: formatSize(Math.round(idleBytes)),
    bound: check.maxBytes,
    value: Math.round(idleBytes),
    unit: 'bytes',
    message: `${check.path} carried ${formatSize(Math.round(idleBytes))} while every other path was up (${idleMs / 1000} s) and ${cutsText}`,
    details: [
      { name: 'bytes while others up', value: Math.round(idleBytes), unit: 'bytes', bound: check.maxBytes },
      ...(cutsMeasured ? [{ name: 'bytes while another path was cut', value: Math.round(duringCuts), unit: 'bytes' }] : []),
    ],
  });
}
