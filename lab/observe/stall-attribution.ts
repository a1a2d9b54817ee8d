/**
 * Who held the data when the goodput stopped: for a gap the stall check measured, the
 * subflow of the sender that had unacknowledged data at the gap's start and did not get it
 * acknowledged (its bytes_acked flat across the gap's start), when MPTCP reinjected it on
 * another subflow (the first step of the sender's MPTcpExt MPTCPRetrans series at or after
 * the gap's start), and that subflow's RTO and backoff then. Pure, over a RunRecord with
 * subflowSeries (and mptcpSeries for the reinjection); says what it could not tell.
 *
 * It also says whether the kernel declared the holder stale in the gap (the sender's
 * SubflowStale step), which is what moves all its pending data to another subflow at once.
 * Seen on Linux 6.18 (two-vlan, 2026-12-01 and -02): a cut where SubflowStale never moved
 * while MPTCPRetrans stepped every 200 ms and the other subflow sat idle with nothing
 * unacknowledged, so the stranded data came back one MPTCP retransmission at a time and
 * goodput stayed near zero until the restore. `staleNever` names that case.
 */
import type { RunRecord, SubflowSeries } from '../model/record';

export interface StallAttribution {
  gap: { fromMs: number; toMs: number };
  /** The subflow that held the data, or undefined when no reading shows one. */
  subflow?: { host: string; path: string; local: string; remote: string; localId?: number };
  /** Its reading at (or just before) the gap's start: unacked segments, RTO, backoff. */
  atStart?: { tMs: number; unacked?: number; rtoMs: number | null; backoff: number };
  /** When the sender's MPTCPRetrans counter first stepped after the gap began, by how much, and that subflow's RTO/backoff at its nearest reading. */
  reinjected?: { tMs: number; count: number; rtoMs: number | null; backoff: number };
  /** When the sender's SubflowStale counter first stepped in the gap or just after it (the kernel gave up on a subflow and re-sent its pending data, which ends the gap). */
  stale?: { tMs: number };
  /**
   * The kernel never declared a subflow stale in the gap although MPTCP retransmitted in it
   * (`retransmits` times) and the other subflows (`idle`) sat with nothing unacknowledged at
   * every reading inside it: the stranded data trickled back one retransmission at a time.
   */
  staleNever?: { retransmits: number; idle: string[] };
  /** One line for the report. */
  text: string;
}

/** How long after a gap's end a SubflowStale step still counts as the one that ended it. */
const STALE_SLACK_MS = 500;

/** A counter's first step after `fromMs` up to `toMs` (when, and by how much), and its total rise over the window. */
function counterSteps(t: readonly number[], v: readonly number[] | undefined, fromMs: number, toMs: number): { first?: { tMs: number; count: number }; rise: number } | undefined {
  if (!v || t.length === 0) return undefined;
  const base = lastAtOrBefore(t, fromMs);
  const from = base >= 0 ? v[base]! : 0;
  const i = t.findIndex((x, j) => x >= fromMs && x <= toMs && v[j]! > from);
  const last = lastAtOrBefore(t, toMs);
  return { ...(i >= 0 ? { first: { tMs: t[i]!, count: v[i]! - from } } : {}), rise: last >= 0 ? v[last]! - from : 0 };
}

/** Index of the last t ≤ at (or -1). */
function lastAtOrBefore(t: readonly number[], at: number): number {
  let k = -1;
  for (let i = 0; i < t.length; i++) if (t[i]! <= at) k = i;
  return k;
}

/** Index of the reading nearest `at`. */
function nearest(t: readonly number[], at: number): number {
  let best = -1;
  for (let i = 0; i < t.length; i++) if (best < 0 || Math.abs(t[i]! - at) < Math.abs(t[best]! - at)) best = i;
  return best;
}

/** How strongly a subflow looks like the holder at `fromMs`: unacked data then, and no progress in its acks afterwards. */
function holding(s: SubflowSeries, fromMs: number, toMs: number): { score: number; k: number } {
  const k = lastAtOrBefore(s.t, fromMs);
  const start = k >= 0 ? k : s.t.findIndex((t) => t <= toMs);
  if (start < 0 || s.t[start]! > toMs) return { score: -1, k: -1 };
  const unacked = s.unacked?.[start] ?? 0;
  // The next reading inside the gap: acknowledged nothing since?
  const next = s.t.findIndex((t, i) => i > start && t <= toMs);
  const flat = next < 0 || s.bytesAcked[next] === s.bytesAcked[start];
  const backedOff = s.t.some((t, i) => t >= fromMs && t <= toMs && (s.backoff[i] ?? 0) > 0);
  const score = (unacked > 0 ? 2 : 0) + (flat ? 2 : 0) + (backedOff ? 1 : 0) + Math.min(1, unacked / 1e4);
  return { score: unacked > 0 || backedOff ? score : -1, k: start };
}

/** Names the subflow behind the gap [fromMs, toMs] (lab clock, ms from the traffic start). */
export function attributeStall(record: Pick<RunRecord, 'subflowSeries' | 'mptcpSeries' | 'traffic'>, gap: { fromMs: number; toMs: number }): StallAttribution {
  const at = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const series = (record.subflowSeries ?? []).filter((s) => s.host === record.traffic.sender);
  if (series.length === 0) return { gap, text: `no per-subflow series of the sender (${record.traffic.sender}) was recorded: the subflow behind the gap at ${at(gap.fromMs)} cannot be named` };
  let best: { s: SubflowSeries; score: number; k: number } | undefined;
  for (const s of series) {
    const h = holding(s, gap.fromMs, gap.toMs);
    if (h.score >= 0 && (!best || h.score > best.score)) best = { s, ...h };
  }
  const sender = record.mptcpSeries?.[record.traffic.sender];
  // The first MPTCPRetrans step at or after the gap's start (to the series' end), and how far it stepped.
  const retransStep = sender ? counterSteps(sender.t, sender.counters.MPTCPRetrans, gap.fromMs, Infinity) : undefined;
  const reinjectAt = retransStep?.first;
  if (!best) {
    return {
      gap,
      ...(reinjectAt ? { reinjected: { ...reinjectAt, rtoMs: null, backoff: 0 } } : {}),
      text: `no subflow of ${record.traffic.sender} showed unacknowledged data or an RTO backoff at ${at(gap.fromMs)}${reinjectAt ? `; MPTCP reinjected ${reinjectAt.count} at ${at(reinjectAt.tMs)}` : ''}`,
    };
  }
  const s = best.s;
  const k = best.k;
  const atStart = { tMs: s.t[k]!, ...(s.unacked ? { unacked: s.unacked[k] } : {}), rtoMs: s.rtoMs[k] ?? null, backoff: s.backoff[k] ?? 0 };
  let reinjected: StallAttribution['reinjected'];
  if (reinjectAt) {
    const j = nearest(s.t, reinjectAt.tMs);
    reinjected = { ...reinjectAt, rtoMs: s.rtoMs[j] ?? null, backoff: s.backoff[j] ?? 0 };
  }
  // A gap ends when goodput is back, which the stale step causes: its counter reading can come up to a sample or two later.
  const stale = sender ? counterSteps(sender.t, sender.counters.SubflowStale, gap.fromMs, gap.toMs + STALE_SLACK_MS) : undefined;
  const retransInGap = sender ? counterSteps(sender.t, sender.counters.MPTCPRetrans, gap.fromMs, gap.toMs) : undefined;
  const others = series.filter((o) => o !== s);
  const inside = (o: SubflowSeries) => o.t.flatMap((t, i) => (t > gap.fromMs && t <= gap.toMs ? [i] : []));
  const idle = others.filter((o) => o.unacked && inside(o).length > 0 && inside(o).every((i) => (o.unacked![i] ?? 0) === 0)).map((o) => o.path || '?');
  const staleNever =
    stale && stale.first === undefined && retransInGap && retransInGap.rise > 0 && others.length > 0 && idle.length === others.length ? { retransmits: retransInGap.rise, idle } : undefined;
  const staleText = !stale
    ? ''
    : stale.first !== undefined
      ? `; the kernel declared a subflow stale at ${at(stale.first.tMs)} (SubflowStale)`
      : staleNever
        ? `; the kernel never declared it stale (SubflowStale did not move) though MPTCP retransmitted ${staleNever.retransmits} times in the gap, while ${idle.join(', ')} sat idle with nothing unacknowledged: the stranded data came back one MPTCP retransmission at a time`
        : '; no subflow was declared stale in the gap (SubflowStale did not move)';
  const name = `${s.path || '?'} (${s.local} → ${s.remote}${s.localId !== undefined ? `, id ${s.localId}` : ''})`;
  const held = `${name} held ${atStart.unacked !== undefined ? `${atStart.unacked} unacknowledged segment${atStart.unacked === 1 ? '' : 's'}` : 'unacknowledged data'} at ${at(atStart.tMs)} (RTO ${atStart.rtoMs ?? '?'} ms, backoff ${atStart.backoff})`;
  const reinj = reinjected
    ? `MPTCP reinjected ${reinjected.count} at ${at(reinjected.tMs)}, ${((reinjected.tMs - gap.fromMs) / 1000).toFixed(2)} s into the gap (RTO then ${reinjected.rtoMs ?? '?'} ms, backoff ${reinjected.backoff})`
    : record.mptcpSeries
      ? 'MPTCP reinjected nothing during the gap (MPTCPRetrans did not move)'
      : 'no MPTCP counter series: when MPTCP reinjected is not known';
  return { gap, subflow: { host: s.host, path: s.path, local: s.local, remote: s.remote, ...(s.localId !== undefined ? { localId: s.localId } : {}) }, atStart, ...(reinjected ? { reinjected } : {}), ...(stale?.first !== undefined ? { stale: { tMs: stale.first.tMs } } : {}), ...(staleNever ? { staleNever } : {}), text: `${held}; ${reinj}${staleText}` };
}
