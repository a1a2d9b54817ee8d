/**
 * Resolution of checks: declared checks converted to base units, and for every kind the
 * topology does not declare, a sensible default (noted), so no lab runs without numbers.
 * Checks whose events a `--size` override dropped are dropped too, with a note.
 */
import type { PlanCheck, PlanEvent, PlanHost, PlanTraffic, RateBound } from '../model/plan';
import type { RateOrPercentBound, TopologyParsed } from '../model/schema';
import { describeCheck } from './describe';
import { pathsActedOn } from './timeline-events';
import { sharedPaths, survivingPaths, unshapedDataPaths } from './topology-facts';

type Kind = PlanCheck['kind'];
const ORDER: Kind[] = ['mptcp', 'integrity', 'aggregate', 'failover', 'recovery', 'stall', 'subflows', 'backupIdle', 'kernelLog'];
/** Used where a percentage has nothing to be a percentage of: a flow this slow has stalled. */
const ONE_MBIT: RateBound = { rateBps: 1e6 };

interface Input {
  t: TopologyParsed;
  hosts: readonly PlanHost[];
  traffic: PlanTraffic;
  /** The timeline actually kept (after any `--size` drop). */
  timeline: readonly PlanEvent[];
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
    const missing = check && missingEvent(check, input.timeline);
    if (missing) {
      notes.push(`check ${kind} dropped: no ${missing} is left in the timeline`);
      continue;
    }
    notes.push(...pending);
    if (!check) continue;
    if (!given) notes.push(`default check added: ${describeCheck(check)}`);
    out.push(check);
  }
  return out;
}

function missingEvent(check: PlanCheck, timeline: readonly PlanEvent[]): string | undefined {
  if (check.kind === 'failover' && !timeline.some((e) => e.kind === 'cut')) return 'cut';
  if (check.kind === 'recovery' && !timeline.some((e) => e.kind === 'restore')) return 'restore';
  return undefined;
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
      return c.aggregate && { kind, min: toBound(c.aggregate.min) };
    case 'failover':
      return c.failover && { kind, min: toBound(c.failover.min), withinMs: c.failover.within };
    case 'recovery': {
      if (!c.recovery) return undefined;
      if (c.recovery.min) return { kind, withinMs: c.recovery.within, min: toBound(c.recovery.min) };
      const min = recoveryMin(t, traffic);
      notes.push(`check recovery: min defaults to ${'percent' in min ? '10% of the restored path\'s rate' : '1 Mbit/s (the restored path has no rate)'}`);
      return { kind, withinMs: c.recovery.within, min };
    }
    case 'stall':
      return c.stall && { kind, below: toBound(c.stall.below), longerThanMs: c.stall.longerThan };
    case 'subflows':
      return c.subflows && { kind, min: c.subflows.min, ...(c.subflows.max !== undefined ? { max: c.subflows.max } : {}) };
    case 'backupIdle':
      return c.backupIdle && { kind, path: c.backupIdle.path, maxBytes: c.backupIdle.maxBytes };
    case 'kernelLog':
      return c.kernelLog && { kind, maxErrors: c.kernelLog.maxErrors };
  }
}

/** 10% of the restored path's rate, or 1 Mbit/s when it has none. */
function recoveryMin(t: TopologyParsed, traffic: PlanTraffic): RateBound {
  return unshapedDataPaths(t, traffic, pathsActedOn(t.timeline, 'restore')).length > 0 ? ONE_MBIT : { percent: 10 };
}

function defaultCheck(kind: Kind, { t, hosts, traffic }: Input, notes: string[]): PlanCheck | undefined {
  const mptcpBothEnds = traffic.protocol === 'mptcp' && [traffic.server, traffic.client].every((h) => hosts.find((x) => x.name === h)?.mptcp.enabled);
  const dataPaths = sharedPaths(t, traffic.sender, traffic.receiver);
  const unshaped = (only?: string[]) => unshapedDataPaths(t, traffic, only).length > 0;
  switch (kind) {
    case 'mptcp':
      return mptcpBothEnds ? { kind } : undefined;
    case 'integrity':
      return traffic.tool === 'iperf3' ? undefined : { kind };
    case 'aggregate':
      return unshaped() ? undefined : { kind, min: { percent: 85 } };
    case 'failover': {
      const cuts = pathsActedOn(t.timeline, 'cut');
      if (cuts.length === 0) return undefined;
      if (unshaped(survivingPaths(dataPaths, cuts))) {
        notes.push('no default failover check: the surviving paths have no rate, so a percentage means nothing; declare one with an absolute min such as 900mbit');
        return undefined;
      }
      return { kind, min: { percent: 85 }, withinMs: 1000 };
    }
    case 'recovery':
      return pathsActedOn(t.timeline, 'restore').length === 0 ? undefined : { kind, withinMs: 1000, min: recoveryMin(t, traffic) };
    case 'stall':
      return { kind, below: unshaped() ? ONE_MBIT : { percent: 10 }, longerThanMs: 1000 };
    case 'subflows':
      return mptcpBothEnds ? { kind, min: sharedPaths(t, traffic.client, traffic.server).length } : undefined;
    case 'backupIdle':
      return undefined;
    case 'kernelLog':
      return { kind, maxErrors: 0 };
  }
}
