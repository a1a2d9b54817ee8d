/**
 * A variant of a plan: the same lab with one set of path settings or a traffic size or
 * duration replaced (one cell of a `--matrix`). Applying it re-derives what the loader
 * derived from those settings: what the host needs, and which timeline events (and the
 * checks that watch them) the traffic can still reach.
 */
import { TopologyError, type TopologyProblem } from '../model/errors';
import { dataPaths, deepFreeze, type Impairment, type Plan, type PlanCheck, type PlanEvent } from '../model/plan';
import { rateText, sizeText, timeText } from '../loader/human';
import { resolveNeeds } from '../loader/resolve-needs';

/** The settings a variant replaces, in the Plan's base units. */
export interface VariantSettings {
  rateBps?: number;
  delayMs?: number;
  jitterMs?: number;
  /** 0 removes loss. */
  lossPct?: number;
  sizeBytes?: number;
  durationMs?: number;
}

export interface Variant {
  /** `rate=100mbit loss=1%`: names the variant in notes, tables and folders. */
  label: string;
  settings: VariantSettings;
}

/** The plan as written: what repeat runs without a matrix use. */
export const BASE_VARIANT: Variant = deepFreeze({ label: 'base', settings: {} });

const PATH_FIELDS = ['rateBps', 'delayMs', 'jitterMs', 'lossPct'] as const;

/**
 * A new frozen Plan with the variant's settings on every direction of every path and its traffic size/duration.
 * Timeline impair events keep their own settings: they are the experiment's script, not its starting point.
 * Throws a TopologyError (`--matrix`) when the result is not a valid lab (jitter without a delay).
 */
export function applyVariant(plan: Plan, variant: Variant): Plan {
  const s = variant.settings;
  if (Object.values(s).every((v) => v === undefined)) return plan;
  const next = structuredClone(plan) as Plan & { timeline: PlanEvent[]; checks: PlanCheck[] };
  const notes = [...plan.notes, `variant: ${variant.label}`];
  for (const path of next.paths) {
    for (const egress of Object.values(path.egress)) setFields(egress, s);
  }
  checkDelays(next, variant.label);
  replaceTraffic(next, s, notes);
  next.timeline = keepReachable(next, notes);
  next.checks = next.checks.filter((c) => {
    const missing = missingEvent(c, next.timeline);
    if (missing) notes.push(`check ${c.kind} dropped: no ${missing} is left in the timeline`);
    return !missing;
  });
  next.needs = resolveNeeds(next.paths, next.timeline);
  next.notes = notes;
  return deepFreeze(next);
}

/** The label as a folder name: `rate=100mbit loss=1%` → `rate=100mbit_loss=1pct`. */
export function variantSlug(label: string): string {
  return label.replace(/%/g, 'pct').replace(/[^A-Za-z0-9.=+-]+/g, '_').replace(/^_+|_+$/g, '') || 'base';
}

function setFields(egress: Impairment, s: VariantSettings): void {
  for (const field of PATH_FIELDS) {
    const value = s[field];
    if (value === undefined) continue;
    // netem has nothing to do at 0: leaving the field out keeps the qdisc (and the need for it) away.
    if (value === 0 && field !== 'rateBps') delete egress[field];
    else egress[field] = value;
  }
}

/** netem's jitter and reorder need a delay (the loader's rule, re-checked after a variant changed delays). */
function checkDelays(plan: Plan, label: string): void {
  const problems: TopologyProblem[] = [];
  const lacking = (i: Impairment) => i.delayMs === undefined && (i.jitterMs !== undefined || i.reorderPct !== undefined);
  const without = plan.paths.flatMap((path) => {
    const hosts = Object.keys(path.egress).filter((h) => lacking(path.egress[h] ?? {}));
    return hosts.length ? [`${path.name} (from ${hosts.join(', ')})`] : [];
  });
  if (without.length) {
    problems.push({ file: '--matrix', path: '', message: `${label}: jitter and reorder need a delay, but traffic on ${without.join(', ')} has none; add a delay (e.g. --matrix delay=20ms) or drop the jitter` });
  }
  for (const ev of plan.timeline) {
    const path = plan.paths.find((p) => p.name === ev.path);
    if (ev.kind !== 'impair' || !path || ev.set.delayMs !== undefined || (ev.set.jitterMs === undefined && ev.set.reorderPct === undefined)) continue;
    if (Object.values(path.egress).some((i) => i.delayMs === undefined)) {
      problems.push({ file: '--matrix', path: '', message: `${label}: the impair event at ${timeText(ev.atMs)} sets jitter or reorder on ${path.name}, which this variant leaves without a delay` });
    }
  }
  if (problems.length) throw new TopologyError(problems);
}

function replaceTraffic(plan: Plan, s: VariantSettings, notes: string[]): void {
  const t = plan.traffic;
  const before = t.sizeBytes !== undefined ? `size ${sizeText(t.sizeBytes)}` : t.durationMs !== undefined ? `duration ${timeText(t.durationMs)}` : 'open end';
  if (s.sizeBytes !== undefined) {
    delete t.durationMs;
    t.sizeBytes = s.sizeBytes;
    notes.push(`variant size ${sizeText(s.sizeBytes)} replaces the traffic's ${before}`);
  } else if (s.durationMs !== undefined) {
    delete t.sizeBytes;
    t.durationMs = s.durationMs;
    notes.push(`variant duration ${timeText(s.durationMs)} replaces the traffic's ${before}`);
  }
}

/**
 * The earliest time the traffic can end (lab/loader/traffic-end.ts's rule, on a Plan): its
 * duration, or size / the sender's summed path rates (an impair event may raise one).
 */
function earliestEnd(plan: Plan): { ms: number; why: string } | undefined {
  const { sizeBytes, durationMs, sender } = plan.traffic;
  if (sizeBytes === undefined) return durationMs === undefined ? undefined : { ms: durationMs, why: `the traffic lasts ${timeText(durationMs)}` };
  const paths = dataPaths(plan);
  if (paths.length === 0) return undefined;
  let sum = 0;
  for (const path of paths) {
    let rate = path.egress[sender]?.rateBps;
    if (rate === undefined) return undefined;
    for (const ev of plan.timeline) {
      if (ev.kind === 'impair' && ev.path === path.name && (ev.from === undefined || ev.from === sender) && ev.set.rateBps !== undefined) rate = Math.max(rate, ev.set.rateBps);
    }
    sum += rate;
  }
  const ms = ((sizeBytes * 8) / sum) * 1000;
  return { ms, why: `${sizeText(sizeBytes)} at ${rateText(sum)} can end at ${timeText(ms)}` };
}

/** Events before the earliest end; each dropped one is noted with the figures (the loader's `--size` note). */
function keepReachable(plan: Plan, notes: string[]): PlanEvent[] {
  const end = earliestEnd(plan);
  return plan.timeline.filter((ev) => {
    if (!end || ev.atMs < end.ms) return true;
    notes.push(`event at ${timeText(ev.atMs)} (${ev.kind} ${ev.path}) dropped: ${end.why}`);
    return false;
  });
}

/** lab/loader/resolve-checks.ts's rule: failover needs a cut, recovery a restore. */
function missingEvent(check: PlanCheck, timeline: readonly PlanEvent[]): string | undefined {
  if (check.kind === 'failover' && !timeline.some((e) => e.kind === 'cut')) return 'cut';
  if (check.kind === 'recovery' && !timeline.some((e) => e.kind === 'restore')) return 'restore';
  return undefined;
}
