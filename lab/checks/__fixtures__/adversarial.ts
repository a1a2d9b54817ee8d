/**
 * Records built to make a careless check pass on something that did not happen (issue 9):
 * each is the seed record with one thing wrong that the headline numbers hide.
 */
import type { RunRecord } from '../../model/record';
import { buildSeedRecord, type SeedOptions } from './seed-record';

/** The cut of vlan181 at 3 s was never read back: no `verified` on the events. */
export function cutNeverVerified(): RunRecord {
  return buildSeedRecord({ verified: 'absent' });
}

/** The read-back of the cut said the veth was still up. */
export function cutReadBackFailed(): RunRecord {
  return buildSeedRecord({ verified: 'failed' });
}

/** The cut was "verified", yet vlan181 kept carrying its full share throughout: the cut did nothing. */
export function cutThatDidNothing(): RunRecord {
  return buildSeedRecord({ cutIneffective: true });
}

/**
 * A cut that worked, on a busy machine (a CI dry run, 2026-12-03, steal 31 %): the restore's
 * command returned at 6.054 s, its carrier was read back up at 6.062 s, and vlan181 carried
 * again at once, so the sample ending at 6.105 s (interval 5.999-6.105 s, midpoint before the
 * read-back) holds 267 Mbit/s of after-the-restore bytes, 3.5 MB. The old rule counted them as
 * carried while cut and made failover and recovery errors.
 */
export function restoreStraddledBySample(): RunRecord {
  const rec = buildSeedRecord();
  const restore = rec.events.find((e) => e.kind === 'restore')!;
  restore.actualMs = 6054;
  restore.verified = { ok: true, effectiveMs: 6062, evidence: 'veth181b operstate up, carrier 1 (after 8 ms)' };
  const s = rec.paths.find((p) => p.path === 'vlan181')!;
  s.t[s.t.indexOf(6000)] = 5999;
  const i = s.t.indexOf(6100);
  s.t[i] = 6105;
  s.v[i] = 267e6;
  return rec;
}

/** vlan181 comes back, carries 200 Mbit/s for one sample at ~6.4 s, then nothing for the rest of the run. */
export function restoreThatFlickers(): RunRecord {
  const rec = buildSeedRecord({ recoveryMs: Infinity });
  const s = rec.paths.find((p) => p.path === 'vlan181')!;
  const i = s.t.findIndex((t) => t >= 6400);
  s.v[i] = 200e6;
  return rec;
}

/** No cut; the goodput sampler was late: one sample ending at 5.0 s covers 3.0–5.0 s, and it is zero. */
export function oneZeroSampleOverTwoSeconds(): RunRecord {
  const rec = buildSeedRecord({ outages: [] });
  const keep = rec.goodput.t.map((t) => t <= 3000 || t >= 5000);
  rec.goodput.v = rec.goodput.v.filter((_, i) => keep[i]);
  rec.goodput.t = rec.goodput.t.filter((_, i) => keep[i]);
  rec.goodput.v[rec.goodput.t.indexOf(5000)] = 0;
  return rec;
}

/**
 * No cut; the sampler missed 3.0–4.5 s (a 1.5 s gap, recorded in `sampling.gaps`) and the
 * sample after it averages the counter over the gap, so it looks like full rate.
 */
export function samplingGapHidingAStall(): RunRecord {
  const rec = buildSeedRecord({ outages: [] });
  const keep = rec.goodput.t.map((t) => t <= 3000 || t >= 4500);
  rec.goodput.v = rec.goodput.v.filter((_, i) => keep[i]);
  rec.goodput.t = rec.goodput.t.filter((_, i) => keep[i]);
  rec.sampling = { intervalMs: 100, samples: rec.goodput.t.length, skippedTicks: 14, errors: [], gaps: [{ fromMs: 3000, toMs: 4500 }] };
  return rec;
}

/** MPTCP with one subflow only (no MP_JOIN), while the sampler counted iperf3's control connection as a second. */
export function controlConnectionCountedAsSubflow(o: SeedOptions = {}): RunRecord {
  const rec = buildSeedRecord({ aggregates: false, ...o });
  rec.mptcp = { ...rec.mptcp, maxSubflows: 2 };
  rec.subflows.v = rec.subflows.v.map(() => 2);
  return rec;
}

/** MP_CAPABLE on both ends, no fallback counters, but the join never happened: one subflow over two paths. */
export function mptcpWithoutJoins(): RunRecord {
  return buildSeedRecord({ aggregates: false });
}

/** 1 Gbit/s + 100 Mbit/s with the slow path joined but idle: 936 Mbit/s of goodput clears 85% of 1.1 Gbit/s. */
export function idleSlowPath(): RunRecord {
  return buildSeedRecord({ rates: [1e9, 100e6], idlePaths: ['vlan181'], outages: [] });
}

/** The tool said "completed, SHA-256 ok" but nothing arrived and no hash was taken. */
export function emptyTransferClaimedOk(): RunRecord {
  const rec = buildSeedRecord();
  rec.traffic = { ...rec.traffic, bytesReceived: 0, completed: true, integrity: { expected: '', actual: '', ok: true }, goodputBps: 0 };
  return rec;
}
