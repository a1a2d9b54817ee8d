/**
 * The timeline's middlebox faults during a traffic pass (lab/run/traffic-run.ts): checked
 * with nft before the traffic starts (a mode this host cannot make is exit 3 then, not a
 * failure mid-run), those at t = 0 put in place before the connection opens (its handshake
 * must meet them), the rest fired at their time, each verified by reading the rules back
 * in the hosts, and their hit counters (`counter packets N`) read before they are removed.
 */
import { LabError } from '../model/errors';
import type { PlanEvent, PlanFault } from '../model/plan';
import type { RecordedEvent } from '../model/record';
import { NFT_FAULT_CHAIN, NFT_FAULT_TABLE } from '../tc/faults';
import type { RunningLab } from '../runtime/types';

type FaultEvent = Extract<PlanEvent, { kind: 'fault' }>;

function faultFn(lab: RunningLab): NonNullable<RunningLab['fault']> {
  if (!lab.fault) throw new LabError(`the ${lab.runtime ?? 'docker'} runtime cannot put middlebox faults on a path (RunningLab.fault is missing); run this topology with --runtime docker or netns`);
  return lab.fault.bind(lab);
}

/** Hosts on a path. */
function hostsOn(lab: RunningLab, path: string): string[] {
  return Object.values(lab.hosts).filter((h) => h.interfaces[path]).map((h) => h.name);
}

/** `counter packets N` summed per host over the fault chain (0 when there is no chain). */
export async function faultHits(lab: RunningLab, path: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await Promise.all(
    hostsOn(lab, path).map(async (h) => {
      const r = await lab.exec(h, ['nft', 'list', 'chain', 'inet', NFT_FAULT_TABLE, NFT_FAULT_CHAIN], { timeoutMs: 5000 }).catch(() => undefined);
      out[h] = [...(r?.stdout ?? '').matchAll(/counter packets (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
    }),
  );
  return out;
}

/** Checks every fault of the timeline with nft (EnvironmentError, exit 3), then applies those at 0. Returns the paths faulted now. */
export async function prepareFaults(lab: RunningLab, timeline: readonly PlanEvent[]): Promise<Set<string>> {
  const faults = timeline.filter((e): e is FaultEvent => e.kind === 'fault');
  const now = new Set<string>();
  if (faults.length === 0) return now;
  const fault = faultFn(lab);
  for (const e of faults) await fault(e.path, e.fault, { check: true });
  for (const e of faults.filter((f) => f.atMs === 0)) {
    await fault(e.path, e.fault);
    now.add(e.path);
  }
  return now;
}

/** Reads the fault rules back in the hosts that should hold them: evidence the fault is (or is no longer) in force. */
async function verifyRules(lab: RunningLab, path: string, want: PlanFault | null, t0: number): Promise<NonNullable<RecordedEvent['verified']>> {
  const counts = await Promise.all(
    hostsOn(lab, path).map(async (h) => {
      const r = await lab.exec(h, ['nft', 'list', 'chain', 'inet', NFT_FAULT_TABLE, NFT_FAULT_CHAIN], { timeoutMs: 5000 });
      const iface = lab.hosts[h]!.interfaces[path]!.ifname;
      return { host: h, rules: r.stdout.split('\n').filter((l) => l.includes(`iifname "${iface}"`)).length };
    }),
  );
  const holders = want ? hostsOn(lab, path).filter((h) => h !== want.from) : [];
  const ok = counts.every((c) => (holders.includes(c.host) ? c.rules === 1 : c.rules === 0));
  return {
    ok,
    effectiveMs: Math.round((performance.now() - t0) * 10) / 10,
    evidence: counts.map((c) => `${c.host} ${NFT_FAULT_TABLE}: ${c.rules} rule${c.rules === 1 ? '' : 's'} on ${path}`).join(', ') + (ok ? '' : ` (expected ${want ? `1 in ${holders.join(', ')}` : 'none'})`),
  };
}

/**
 * Fires one fault or unfault event. A fault at 0 was put in place by prepareFaults; an
 * unfault first reads how many packets the fault's rules hit (returned as the event's note).
 */
export async function fireFault(
  lab: RunningLab,
  e: Extract<PlanEvent, { kind: 'fault' | 'unfault' }>,
  state: { applied: Set<string>; inForce: Map<string, PlanFault>; notes: string[] },
  t0: number,
): Promise<{ verified: Promise<NonNullable<RecordedEvent['verified']>> }> {
  const fault = faultFn(lab);
  if (e.kind === 'fault') {
    if (!(e.atMs === 0 && state.applied.has(e.path))) await fault(e.path, e.fault);
    state.inForce.set(e.path, e.fault);
    return { verified: verifyRules(lab, e.path, e.fault, t0) };
  }
  const hits = await faultHits(lab, e.path);
  await fault(e.path, null);
  state.notes.push(`fault on ${e.path} (${state.inForce.get(e.path)?.mode ?? '?'}) hit ${Object.entries(hits).map(([h, n]) => `${n} packet${n === 1 ? '' : 's'} in ${h}`).join(', ')} before it was taken off`);
  state.inForce.delete(e.path);
  return { verified: verifyRules(lab, e.path, null, t0) };
}

/** At the end of a pass: the hit counters of every fault still in force, then the faults taken off (noted). */
export async function endFaults(lab: RunningLab, state: { inForce: Map<string, PlanFault>; notes: string[] }): Promise<void> {
  for (const [path, f] of state.inForce) {
    const hits = await faultHits(lab, path);
    await faultFn(lab)(path, null);
    state.notes.push(`fault on ${path} (${f.mode}) hit ${Object.entries(hits).map(([h, n]) => `${n} packet${n === 1 ? '' : 's'} in ${h}`).join(', ')}; still in force when the traffic ended, taken off`);
  }
  state.inForce.clear();
}
