/**
 * Resolution of checks: declared checks converted to base units, and for every kind the
 * topology does not declare, a sensible default (noted), so no lab runs without numbers.
 * A declared check whose events a `--size` override dropped is kept, marked `skip` with
 * the reason in figures (reported skipped, never silently gone); a default one is dropped
 * with a note.
 */
import { WARMUP_MS } from '../model/plan';
import type { PlanCheck, PlanHost, PlanTraffic, RateBound } from '../model/plan';
import type { RateOrPercentBound, TopologyParsed } from '../model/schema';
import { describeCheck } from './describe';
import { rateText, timeText } from './human';
import type { ResolvedTimeline } from './resolve-timeline';
import { outagesOf, pathsActedOn, survivorsOf } from './timeline-events';
import { backupDataPaths, sharedPaths, survivingPaths, unshapedDataPaths } from './topology-facts';

type Kind = PlanCheck['kind'];
const ORDER: Kind[] = ['mptcp', 'integrity', 'aggregate', 'failover', 'recovery', 'stall', 'subflows', 'backupIdle', 'kernelLog', 'fallback', 'checksumErrors', 'subflowReset'];
/** Used where a percentage has nothing to be a percentage of: a flow this slow has stalled. */
const ONE_MBIT: RateBound = { rateBps: 1e6 };
/** A restored path must keep carrying ≥ min this long: one sample is not a recovery. */
export const DEFAULT_HOLD_MS = 500;
/** The default aggregate's per-path floor: each shaped data path must carry ≥ 20% of its own rate. */
export const DEFAULT_PER_PATH: RateBound = { percent: 20 };

interface Input {
  t: TopologyParsed;
  hosts: readonly PlanHost[];
  traffic: PlanTraffic;
  /** The timeline actually kept (after any `--size` drop), and what was dropped. */
  timeline: ResolvedTimeline;
  /** What varied the lab (`--size 200 MB`, `rate=100mbit`), naming the reason a check is skipped. */
  overrideLabel?: string;
}

/** Declared checks plus defaults for undeclared kinds, in a fixed order; defaults and drops are noted. */
export function resolveChecks(input: Input, notes: string[]): PlanCheck[] {
  const declared = input.t.checks ?? {};
  const out: PlanCheck[] = [];
  for (const kind of ORDER) {
    const given = declared[kind] !== undefined;
    // Notes about a check are kept only if the check itself is (or was never made).
    const pending: string[] = [];
    const check = given ? fromDeclared(kind, input, pending) : defaultCheck(kind, input, pending);
    const missing = check && missingEvent(check, input);
    if (check && missing && !given) {
      notes.push(`check ${kind} dropped: no ${missing.event} is left in the timeline`);
      continue;
    }
    notes.push(...pending);
    if (!check) continue;
    if (missing) {
      // Declared: kept, and reported skipped with the reason, so `--size` cannot turn a cut into a pass.
      check.skip = missing.reason;
      notes.push(`check ${kind} skipped: ${missing.reason}`);
    }
    if (!given) notes.push(`default check added: ${describeCheck(check)}`);
    out.push(check);
  }
  return out;
}

/** The event kind a failover or recovery check needs and no longer has, and why in figures. */
function missingEvent(check: PlanCheck, { timeline, overrideLabel }: Input): { event: string; reason: string } | undefined {
  const need = check.kind === 'failover' ? 'cut' : check.kind === 'recovery' ? 'restore' : undefined;
  if (!need || timeline.events.some((e) => e.kind === need)) return undefined;
  const lost = timeline.dropped.find((d) => d.ev[need] !== undefined);
  const reason = lost
    ? `${overrideLabel ?? 'the override'} can end the traffic at ${timeText(lost.end.ms)}${lost.end.capacityBps ? ` (at ${rateText(lost.end.capacityBps)})` : ''}, before the ${need} of ${lost.ev[need]} at ${timeText(lost.ev.at)}`
    : `no ${need} is left in the timeline`;
  return { event: need, reason };
}

function toBound(b: RateOrPercentBound): RateBound {
  return b.percent !== undefined ? { percent: b.percent } : { rateBps: b.rate };
}

function fromDeclared(kind: Kind, { t, traffic }: Input, notes: string[]): PlanCheck | undefined {
  const c = t.checks ?? {};
  switch (kind) {
    case 'mptcp':
      return c.mptcp ? { kind } : undefined;
    case 'integrity':
      return c.integrity ? { kind } : undefined;
    case 'aggregate':
      return c.aggregate && { kind, min: toBound(c.aggregate.min), ...(c.aggregate.perPath ? { perPath: toBound(c.aggregate.perPath) } : {}) };
    case 'failover':
      return c.failover && { kind, min: toBound(c.failover.min), withinMs: c.failover.within };
    case 'recovery': {
      if (!c.recovery) return undefined;
      const holdMs = c.recovery.hold ?? DEFAULT_HOLD_MS;
      if (c.recovery.min) return { kind, withinMs: c.recovery.within, min: toBound(c.recovery.min), holdMs };
      const min = recoveryMin(t, traffic);
      notes.push(`check recovery: min defaults to ${'percent' in min ? '10% of the restored path\'s rate' : '1 Mbit/s (the restored path has no rate)'}`);
      return { kind, withinMs: c.recovery.within, min, holdMs };
    }
    case 'stall':
      return c.stall && { kind, below: toBound(c.stall.below), longerThanMs: c.stall.longerThan };
    case 'subflows':
      return c.subflows && { kind, min: c.subflows.min, ...(c.subflows.max !== undefined ? { max: c.subflows.max } : {}) };
    case 'backupIdle':
      return c.backupIdle && { kind, path: c.backupIdle.path, maxBytes: c.backupIdle.maxBytes };
    case 'kernelLog':
      return c.kernelLog && { kind, maxErrors: c.kernelLog.maxErrors };
    case 'fallback':
      return c.fallback && { kind, expect: c.fallback === 'expect' };
    case 'checksumErrors':
    case 'subflowReset': {
      const b = c[kind];
      return b && { kind, ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}) };
    }
  }
}

/** 10% of the restored path's rate, or 1 Mbit/s when it has none. */
function recoveryMin(t: TopologyParsed, traffic: PlanTraffic): RateBound {
  return unshapedDataPaths(t, traffic, pathsActedOn(t.timeline, 'restore')).length > 0 ? ONE_MBIT : { percent: 10 };
}

/** Why MPTCP is not expected on this connection, or undefined when it is. */
function withoutMptcp({ hosts, traffic }: Input): string | undefined {
  if (traffic.protocol === 'tcp') return 'the traffic uses protocol tcp';
  const off = [traffic.server, traffic.client].filter((h) => !hosts.find((x) => x.name === h)?.mptcp.enabled);
  return off.length ? `MPTCP is disabled on ${off.join(' and ')} (mptcp.enabled: false)` : undefined;
}

function defaultCheck(kind: Kind, input: Input, notes: string[]): PlanCheck | undefined {
  const { t, traffic } = input;
  const noMptcp = withoutMptcp(input);
  const dataPaths = sharedPaths(t, traffic.sender, traffic.receiver);
  const unshaped = (only?: string[]) => unshapedDataPaths(t, traffic, only).length > 0;
  switch (kind) {
    case 'mptcp':
      if (noMptcp) notes.push(`no default mptcp check: ${noMptcp}, so the connection is not expected to use MPTCP`);
      else if (t.checks?.fallback === 'expect') notes.push('no default mptcp check: checks.fallback is expect, so the connection is expected to fall back to TCP (the fallback check says whether it did)');
      return noMptcp || t.checks?.fallback === 'expect' ? undefined : { kind };
    case 'integrity':
      return traffic.tool === 'iperf3' ? undefined : { kind };
    case 'aggregate':
      return unshaped() ? undefined : defaultAggregate(input, dataPaths, notes);
    case 'failover': {
      const cuts = pathsActedOn(t.timeline, 'cut');
      if (cuts.length === 0) return undefined;
      if (unshaped(survivingPaths(dataPaths, cuts))) {
        notes.push('no default failover check: the surviving paths have no rate, so a percentage means nothing; declare one with an absolute min such as 900mbit');
        return undefined;
      }
      const outages = outagesOf(t.timeline).filter((o) => dataPaths.includes(o.path));
      const stranded = outages.find((o) => survivorsOf(o, outages, dataPaths).length === 0);
      if (stranded) {
        notes.push(`no default failover check: the cut of ${stranded.path} at ${timeText(stranded.fromMs)} leaves no data path up, so there is nothing to fail over to and failover cannot be measured`);
        return undefined;
      }
      return { kind, min: { percent: 85 }, withinMs: 1000 };
    }
    case 'recovery':
      return pathsActedOn(t.timeline, 'restore').length === 0 ? undefined : { kind, withinMs: 1000, min: recoveryMin(t, traffic), holdMs: DEFAULT_HOLD_MS };
    case 'stall':
      return { kind, below: unshaped() ? ONE_MBIT : { percent: 10 }, longerThanMs: 1000 };
    case 'subflows': {
      if (noMptcp) {
        notes.push(`no default subflows check: ${noMptcp}`);
        return undefined;
      }
      if (t.checks?.fallback === 'expect') {
        notes.push('no default subflows check: checks.fallback is expect, and a connection fallen back to TCP has one subflow');
        return undefined;
      }
      const paths = sharedPaths(t, traffic.client, traffic.server).length;
      if (paths < 2) {
        notes.push('no default subflows check: one path joins the client and the server, and subflows ≥ 1 cannot fail');
        return undefined;
      }
      return { kind, min: paths };
    }
    case 'backupIdle':
      return undefined;
    case 'kernelLog':
      return { kind, maxErrors: 0 };
    case 'fallback':
    case 'checksumErrors':
    case 'subflowReset':
      return undefined;
  }
}

/**
 * 85% of the shaped capacity while every path is up; with 2+ data paths, also each path ≥ 20%
 * of its own rate (an idle slow path must not hide in a sum the fast one reaches alone),
 * unless a data path is a backup path, which is meant to stay idle.
 */
function defaultAggregate({ t, traffic }: Input, dataPaths: string[], notes: string[]): PlanCheck | undefined {
  const early = outagesOf(t.timeline).find((o) => dataPaths.includes(o.path) && o.fromMs <= WARMUP_MS);
  if (early) {
    notes.push(`no default aggregate check: the cut of ${early.path} at ${timeText(early.fromMs)} falls in the first ${WARMUP_MS} ms (the warm-up), so no time with every path up can be measured`);
    return undefined;
  }
  if (dataPaths.length < 2) return { kind: 'aggregate', min: { percent: 85 } };
  const backup = backupDataPaths(t, traffic);
  if (backup.length > 0) {
    notes.push(`default aggregate check without a per-path bound: ${backup.join(', ')} ${backup.length === 1 ? 'is a backup path' : 'are backup paths'} (meant to stay idle while another path is up)`);
    return { kind: 'aggregate', min: { percent: 85 } };
  }
  return { kind: 'aggregate', min: { percent: 85 }, perPath: DEFAULT_PER_PATH };
}
