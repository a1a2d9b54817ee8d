import { buildSeedPlan } from '../checks/__fixtures__/seed-plan';
import { TopologyError } from '../model/errors';
import { deepFreeze, type Plan } from '../model/plan';
import { parseMatrixArgs } from './matrix';
import { applyVariant, BASE_VARIANT, variantSlug, type Variant } from './variant';

const variant = (...args: string[]): Variant => {
  const [v] = parseMatrixArgs(args);
  if (!v) throw new Error('no variant');
  return v;
};

/** The seed plan with some netem on every direction (delay and 1% loss). */
function impairedPlan(): Plan {
  const plan = structuredClone(buildSeedPlan());
  for (const p of plan.paths) for (const host of Object.keys(p.egress)) p.egress[host] = { ...p.egress[host], delayMs: 10, lossPct: 1 };
  plan.needs = { netem: true, tbf: true, netemFeatures: ['delay', 'loss'] };
  return deepFreeze(plan);
}

describe('applyVariant', () => {
  const seed = buildSeedPlan();

  it('sets the rate on every direction of every path, in a new frozen plan, keeping the name and noting the variant', () => {
    const plan = applyVariant(seed, variant('rate=100mbit'));
    expect(plan).not.toBe(seed);
    expect(Object.isFrozen(plan) && Object.isFrozen(plan.paths[1]!.egress['pc2'])).toBe(true);
    expect(plan.paths.flatMap((p) => Object.values(p.egress).map((i) => i.rateBps))).toEqual([1e8, 1e8, 1e8, 1e8]);
    expect(seed.paths[0]!.egress['pc1']!.rateBps).toBe(1e9);
    expect(plan.name).toBe('seed-two-vlans');
    expect(plan.notes).toEqual([...seed.notes, 'variant: rate=100mbit']);
    // 2.5 GB at 200 Mbit/s cannot end before 100 s: the timeline and its checks stay.
    expect(plan.timeline).toEqual(seed.timeline);
    expect(plan.checks).toEqual(seed.checks);
  });

  it('recomputes what the host needs: netem and its features from delay/jitter/loss, tbf from a rate', () => {
    const plan = applyVariant(seed, variant('delay=20ms', 'jitter=5ms', 'loss=1%'));
    expect(plan.needs).toEqual({ netem: true, tbf: true, netemFeatures: ['delay', 'jitter', 'loss'] });
    expect(plan.paths[0]!.egress['pc2']).toEqual({ rateBps: 1e9, delayMs: 20, jitterMs: 5, lossPct: 1 });

    const unshaped = buildSeedPlan({ rateBps: undefined });
    expect(unshaped.needs).toEqual({ netem: false, tbf: false, netemFeatures: [] });
    expect(applyVariant(unshaped, variant('rate=1gbit')).needs).toEqual({ netem: false, tbf: true, netemFeatures: [] });
  });

  it('removes loss at 0% (and delay at 0 ms), and with them the need for netem', () => {
    const plan = applyVariant(impairedPlan(), variant('loss=0', 'delay=0ms'));
    expect(plan.paths[1]!.egress['pc1']).toEqual({ rateBps: 1e9 });
    expect(plan.needs).toEqual({ netem: false, tbf: true, netemFeatures: [] });
    expect(applyVariant(impairedPlan(), variant('loss=0')).needs.netemFeatures).toEqual(['delay']);
  });

  it('drops the events a tiny transfer cannot reach, and the failover and recovery checks with them', () => {
    const plan = applyVariant(seed, variant('size=1MB'));
    expect(plan.traffic.sizeBytes).toBe(1e6);
    expect(plan.timeline).toEqual([]);
    expect(plan.checks.map((c) => c.kind)).toEqual(['mptcp', 'integrity', 'aggregate', 'stall', 'subflows', 'kernelLog']);
    expect(plan.notes.slice(seed.notes.length)).toEqual([
      'variant: size=1MB',
      "variant size 1 MB replaces the traffic's size 2.5 GB",
      'event at 3 s (cut vlan181) dropped: 1 MB at 2 Gbit/s can end at 4 ms',
      'event at 6 s (restore vlan181) dropped: 1 MB at 2 Gbit/s can end at 4 ms',
      'check failover dropped: no cut is left in the timeline',
      'check recovery dropped: no restore is left in the timeline',
    ]);
  });

  it('keeps the events before the earliest end: 1 GB at 2 Gbit/s keeps the cut at 3 s, drops the restore at 6 s', () => {
    const plan = applyVariant(seed, variant('size=1GB'));
    expect(plan.timeline.map((e) => e.kind)).toEqual(['cut']);
    expect(plan.checks.map((c) => c.kind)).toContain('failover');
    expect(plan.checks.map((c) => c.kind)).not.toContain('recovery');
  });

  it('uses the variant rate for the earliest end, and the highest rate an impair event may set', () => {
    expect(applyVariant(seed, variant('rate=10gbit')).timeline).toEqual([]); // 2.5 GB at 20 Gbit/s: 1 s
    const raised = deepFreeze({ ...structuredClone(seed), timeline: [...seed.timeline, { atMs: 2000, kind: 'impair' as const, path: 'vlan180', set: { rateBps: 9e9 } }].sort((a, b) => a.atMs - b.atMs) });
    // 200 MB at 100 Mbit/s would end at 8 s, but vlan180 may go to 9 Gbit/s: 200 MB at 9.1 Gbit/s can end at 0.18 s.
    const plan = applyVariant(raised, variant('rate=100mbit', 'size=200MB'));
    expect(plan.timeline).toEqual([]);
    expect(plan.notes).toContain('event at 2 s (impair vlan180) dropped: 200 MB at 9.1 Gbit/s can end at 0.18 s');
  });

  it('replaces a size by a duration, dropping the events at or after it', () => {
    const plan = applyVariant(seed, variant('duration=5s'));
    expect(plan.traffic.durationMs).toBe(5000);
    expect(plan.traffic.sizeBytes).toBeUndefined();
    expect(plan.timeline.map((e) => e.atMs)).toEqual([3000]);
    expect(plan.notes).toContain('event at 6 s (restore vlan181) dropped: the traffic lasts 5 s');
    expect(plan.notes).toContain("variant duration 5 s replaces the traffic's size 2.5 GB");
  });

  it('refuses jitter without a delay (netem needs one), as the loader does', () => {
    expect(() => applyVariant(seed, variant('jitter=5ms'))).toThrow(TopologyError);
    expect(() => applyVariant(seed, variant('jitter=5ms'))).toThrow(
      '--matrix: jitter=5ms: jitter and reorder need a delay, but traffic on vlan180 (from pc1, pc2), vlan181 (from pc1, pc2) has none; add a delay (e.g. --matrix delay=20ms) or drop the jitter',
    );
    expect(() => applyVariant(impairedPlan(), variant('jitter=5ms'))).not.toThrow();
  });

  it('returns the plan itself for the base variant', () => {
    expect(applyVariant(seed, BASE_VARIANT)).toBe(seed);
  });
});

describe('variantSlug', () => {
  it('turns a label into a folder name', () => {
    expect(variantSlug('rate=100mbit loss=0.5%')).toBe('rate=100mbit_loss=0.5pct');
    expect(variantSlug('base')).toBe('base');
    expect(variantSlug('../x y')).toBe('.._x_y');
  });
});
