/**
 * The seed experiment as a resolved Plan: pc1 serves a 2.5 GB file over http, pc2 downloads
 * it over two 1 Gbit/s paths (vlan180, vlan181); vlan181 is cut at 3 s and restored at 6 s.
 */
import { deepFreeze, type Plan, type PlanCheck, type PlanEvent, type PlanPath } from '../../model/plan';

/** The checks the seed topology asks for. */
export const SEED_CHECKS: PlanCheck[] = [
  { kind: 'mptcp' },
  { kind: 'integrity' },
  { kind: 'aggregate', min: { percent: 85 } },
  { kind: 'failover', min: { percent: 80 }, withinMs: 1000 },
  { kind: 'recovery', withinMs: 2000, min: { percent: 10 }, holdMs: 500 },
  { kind: 'stall', below: { percent: 10 }, longerThanMs: 1000 },
  { kind: 'subflows', min: 2, max: 2 },
  { kind: 'kernelLog', maxErrors: 0 },
];

export interface SeedPlanOptions {
  paths?: string[];
  /** Per path and direction; undefined leaves the paths unshaped. */
  rateBps?: number | undefined;
  /** Per path (in `paths` order), overriding rateBps: unequal paths such as 1 Gbit/s + 100 Mbit/s. */
  rates?: number[];
  timeline?: PlanEvent[];
  checks?: PlanCheck[];
  sizeBytes?: number;
  tool?: Plan['traffic']['tool'];
}

/** A frozen seed Plan, varied by options. */
export function buildSeedPlan(o: SeedPlanOptions = {}): Plan {
  const names = o.paths ?? ['vlan180', 'vlan181'];
  const rate = 'rateBps' in o ? o.rateBps : 1e9;
  const shaped = rate === undefined ? {} : { rateBps: rate };
  const paths: PlanPath[] = names.map((name, index) => {
    const own = o.rates?.[index] === undefined ? shaped : { rateBps: o.rates[index] };
    return { name, index, subnet: `10.${180 + index}.0.0/24`, hosts: ['pc1', 'pc2'], egress: { pc1: { ...own }, pc2: { ...own } } };
  });
  const mptcp = (signal: boolean) => ({
    enabled: true,
    pathManager: 'kernel' as const,
    scheduler: 'default',
    checksum: false,
    limits: { subflows: 2, addAddrAccepted: 2 },
    endpoints: signal ? names.slice(1).map((path, i) => ({ path, flags: ['signal' as const], id: i + 1 })) : [],
    sysctls: {},
  });
  return deepFreeze({
    name: 'seed-two-vlans',
    description:
      'Two PCs, two gigabit VLANs (vlan180, vlan181): pc2 downloads 2.5 GB from pc1 over http; vlan181 is unplugged at 3 s and plugged back at 6 s. MPTCP should carry ~2 Gbit/s, fall back to one link during the cut, and take the link back after.',
    source: '/work/main/topologies/seed-two-vlans.yaml',
    hosts: [
      { name: 'pc1', role: 'server', index: 0, mptcp: mptcp(true) },
      { name: 'pc2', role: 'client', index: 1, mptcp: mptcp(false) },
    ],
    paths,
    traffic: {
      tool: o.tool ?? 'http',
      direction: 'download',
      protocol: 'mptcp',
      sizeBytes: o.sizeBytes ?? 2.5e9,
      resume: true,
      server: 'pc1',
      client: 'pc2',
      sender: 'pc1',
      receiver: 'pc2',
      port: 8080,
    },
    timeline: o.timeline ?? [
      { atMs: 3000, kind: 'cut', path: 'vlan181', mode: 'down' },
      { atMs: 6000, kind: 'restore', path: 'vlan181' },
    ],
    checks: o.checks ?? SEED_CHECKS,
    needs: { netem: false, tbf: rate !== undefined, netemFeatures: [] },
    notes: ['traffic.port defaulted to 8080 for http'],
  } satisfies Plan);
}
