/**
 * Whether a cut really took effect, from the cut path's own bytes: a read-back can say
 * "down" while the path keeps carrying (a blackhole on the wrong veth, a cut of the wrong
 * interface), and then failover and recovery would pass on paths nobody touched.
 */
import type { CheckDetail, RunRecord } from '../model/record';
import { formatSize } from '../model/units';
import { notSeenToTakeEffect, type Outage } from './outages';
import { bytesAt, sampleIntervalMs, samplesIn, samplesWithin, trafficWindow } from './windows';

/** Bytes a cut path may carry while cut (what was queued in flight, ARP, a late sample): beyond this, the cut did nothing. */
export const LEAK_FLOOR_BYTES = 64 * 1024;
/** Or this share of what it carried in an equal span just before the cut, if that was more. */
export const LEAK_SHARE = 0.01;

/** Why the outage's cut cannot be trusted (not read back, or traffic kept flowing on the cut path), with the bytes behind it. */
export function cutDidNotTakeEffect(record: RunRecord, outage: Outage): { reason?: string; details: CheckDetail[] } {
  const unseen = notSeenToTakeEffect(outage.cut);
  if (unseen) return { reason: unseen, details: [] };
  const series = record.paths.find((p) => p.path === outage.path);
  if (!series) return { details: [] };
  const interval = sampleIntervalMs(series, record.intervalMs);
  const traffic = trafficWindow(record);
  // Only samples whose whole interval lies inside the cut: the ones straddling the cut or the
  // restore hold bytes from before or after it (a restore's path carries again within ms, before
  // its carrier is read back, so the window ends at the earlier of the command and the read-back).
  const restoredMs = outage.restore ? Math.min(outage.restore.actualMs, outage.toMs) : outage.toMs;
  const during = { fromMs: outage.fromMs, toMs: Math.min(restoredMs, traffic.toMs) };
  const inside = samplesWithin(series, during);
  if (inside.length === 0) return { details: [] };
  const span = during.toMs - during.fromMs;
  const before = { fromMs: Math.max(traffic.fromMs, outage.fromMs - span), toMs: outage.fromMs };
  const whileCut = bytesAt(series, inside, interval);
  const carriedBefore = bytesAt(series, samplesIn(series, before, interval), interval);
  const limit = Math.max(LEAK_FLOOR_BYTES, LEAK_SHARE * (Number.isFinite(carriedBefore) ? carriedBefore : 0));
  const details: CheckDetail[] = [
    { name: `${outage.path} bytes while cut`, value: Math.round(whileCut), unit: 'bytes', bound: Math.round(limit) },
    ...(Number.isFinite(carriedBefore) ? [{ name: `${outage.path} bytes in as long before the cut`, value: Math.round(carriedBefore), unit: 'bytes' }] : []),
  ];
  if (!Number.isFinite(whileCut)) return { reason: `cannot tell whether the cut took effect: a sample of ${outage.path} during the cut has no value`, details };
  if (whileCut > limit) {
    return { reason: `the cut did not take effect: ${outage.path} carried ${formatSize(Math.round(whileCut))} while cut (allowed ${formatSize(Math.round(limit))})`, details };
  }
  return { details };
}
