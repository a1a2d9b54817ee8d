import { TopologyError } from '../model/errors';
import { BASE_VARIANT, variantSlug } from '../run/variant';
import { parseMatrixArgs } from '../run/matrix';
import type { Variant } from '../model/variant';
import { loadTopologyFile, loadTopologyText } from './load';

const variant = (...args: string[]): Variant => {
  const [v] = parseMatrixArgs(args);
  if (!v) throw new Error('no variant');
  return v;
};

/** Two 1 Gbit/s paths, 2.5 GB, vlan181 cut at 3 s and restored at 6 s, failover and recovery declared; `extra` goes on every path. */
const lab = (extra = '', pathFrom = '') => `name: seedv
description: the seed, as a variant fixture
hosts: {pc1: {role: server}, pc2: {role: client}}
paths:
  vlan180: {rate: 1gbit${extra}${pathFrom}}
  vlan181: {rate: 1gbit${extra}}
traffic: {tool: transfer, size: 2.5GB}
timeline:
  - {at: 3s, cut: vlan181}
  - {at: 6s, restore: vlan181}
checks:
  failover: {min: 85%, within: 2s}
  recovery: {within: 1500ms}
`;
const load = (v: Variant, text = lab()) => loadTopologyText(text, 'seedv.yaml', { variant: v });
const egress = (plan: ReturnType<typeof load>) => plan.paths.map((p) => [p.name, p.egress]);

describe('a variant goes through the loader (LoadOptions.variant)', () => {
  const base = loadTopologyText(lab(), 'seedv.yaml');

  it('sets the rate on every direction of every path, keeping the name and noting the variant first', () => {
    const plan = load(variant('rate=100mbit'));
    expect(Object.isFrozen(plan) && Object.isFrozen(plan.paths[1]!.egress['pc2'])).toBe(true);
    expect(plan.paths.flatMap((p) => Object.values(p.egress).map((i) => i.rateBps))).toEqual([1e8, 1e8, 1e8, 1e8]);
    expect(plan.name).toBe('seedv');
    expect(plan.notes[0]).toBe('variant: rate=100mbit');
    expect(plan.notes.slice(1)).toEqual(base.notes);
    // 2.5 GB at 200 Mbit/s cannot end before 100 s: the timeline and its checks stay.
    expect(plan.timeline).toEqual(base.timeline);
    expect(plan.checks).toEqual(base.checks);
  });

  it('overrides a per-direction setting too, and leaves a direction that sets nothing to the path level', () => {
    const plan = load(variant('rate=200mbit', 'delay=5ms'), lab('', ', from: {pc1: {rate: 500mbit}}'));
    expect(egress(plan)).toEqual([
      ['vlan180', { pc1: { rateBps: 2e8, delayMs: 5 }, pc2: { rateBps: 2e8, delayMs: 5 } }],
      ['vlan181', { pc1: { rateBps: 2e8, delayMs: 5 }, pc2: { rateBps: 2e8, delayMs: 5 } }],
    ]);
  });

  it('recomputes what the host needs: netem and its features from delay/jitter/loss, tbf from a rate', () => {
    const plan = load(variant('delay=20ms', 'jitter=5ms', 'loss=1%'));
    expect(plan.needs).toEqual({ netem: true, tbf: true, netemFeatures: ['delay', 'jitter', 'loss'] });
    expect(plan.paths[0]!.egress['pc2']).toEqual({ rateBps: 1e9, delayMs: 20, jitterMs: 5, lossPct: 1 });
  });

  it('removes loss at 0% (and delay at 0 ms), and with them the need for netem', () => {
    const impaired = lab(', delay: 10ms, loss: 1%');
    expect(loadTopologyText(impaired, 'seedv.yaml').needs.netem).toBe(true);
    const plan = load(variant('loss=0', 'delay=0ms'), impaired);
    expect(plan.paths[1]!.egress['pc1']).toEqual({ rateBps: 1e9 });
    expect(plan.needs).toEqual({ netem: false, tbf: true, netemFeatures: [] });
    expect(load(variant('loss=0'), impaired).needs.netemFeatures).toEqual(['delay']);
  });

  it('drops the events a tiny transfer cannot reach, and reports the declared failover and recovery skipped with the reason (never dropped)', () => {
    const plan = load(variant('size=1MB'));
    expect(plan.traffic.sizeBytes).toBe(1e6);
    expect(plan.timeline).toEqual([]);
    expect(plan.checks.filter((c) => c.skip).map((c) => [c.kind, c.skip])).toEqual([
      ['failover', 'size=1MB can end the traffic at 4 ms (at 2 Gbit/s), before the cut of vlan181 at 3 s'],
      ['recovery', 'size=1MB can end the traffic at 4 ms (at 2 Gbit/s), before the restore of vlan181 at 6 s'],
    ]);
    expect(plan.notes).toEqual(
      expect.arrayContaining([
        'variant: size=1MB',
        "variant size 1 MB replaces the traffic's size 2.5 GB",
        'event at 3 s (cut vlan181) dropped: 1 MB at 2 Gbit/s can end at 4 ms',
        'event at 6 s (restore vlan181) dropped: 1 MB at 2 Gbit/s can end at 4 ms',
      ]),
    );
  });

  it('keeps the events before the earliest end: 1 GB at 2 Gbit/s keeps the cut at 3 s, drops the restore at 6 s', () => {
    const plan = load(variant('size=1GB'));
    expect(plan.timeline.map((e) => e.kind)).toEqual(['cut']);
    expect(plan.checks.find((c) => c.kind === 'failover')?.skip).toBeUndefined();
    expect(plan.checks.find((c) => c.kind === 'recovery')?.skip).toMatch(/before the restore of vlan181 at 6 s/);
  });

  it('uses the variant rate for the earliest end, and the highest rate an impair event may set', () => {
    expect(load(variant('rate=10gbit')).timeline).toEqual([]); // 2.5 GB at 20 Gbit/s: 1 s
    const raised = lab().replace('timeline:\n', 'timeline:\n  - {at: 2s, impair: vlan180, set: {rate: 9gbit}}\n');
    // 200 MB at 200 Mbit/s would end at 8 s, but vlan180 may go to 9 Gbit/s: 200 MB at 9.1 Gbit/s can end at 0.18 s.
    const plan = load(variant('rate=100mbit', 'size=200MB'), raised);
    expect(plan.timeline).toEqual([]);
    expect(plan.notes).toContain('event at 2 s (impair vlan180) dropped: 200 MB at 9.1 Gbit/s can end at 0.18 s');
  });

  it('replaces a size by a duration, dropping the events at or after it', () => {
    const plan = load(variant('duration=5s'));
    expect(plan.traffic.durationMs).toBe(5000);
    expect(plan.traffic.sizeBytes).toBeUndefined();
    expect(plan.timeline.map((e) => e.atMs)).toEqual([3000]);
    expect(plan.notes).toContain('event at 6 s (restore vlan181) dropped: the traffic lasts 5 s');
    expect(plan.notes).toContain("variant duration 5 s replaces the traffic's size 2.5 GB");
  });

  it("refuses jitter without a delay with the loader's own problem, at the path's line, naming the variant", () => {
    let error: unknown;
    try {
      load(variant('jitter=5ms'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyError);
    const problems = (error as TopologyError).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.file === 'seedv.yaml' && p.line !== undefined && p.message.startsWith('with the variant jitter=5ms: '))).toBe(true);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/delay/);
    expect(() => load(variant('jitter=5ms'), lab(', delay: 10ms'))).not.toThrow();
  });

  it('refuses a variant under which a declared bound can never fail (before the loader judged variants, this cell ran)', () => {
    const withStall = lab().replace('checks:\n', 'checks:\n  stall: {below: 10%, longerThan: 2s}\n');
    expect(() => load(variant('duration=3s'), withStall)).not.toThrow();
    expect(() => load(variant('duration=1s'), withStall)).toThrow(/seedv\.yaml:\d+:\d+: checks\.stall\.longerThan: with the variant duration=1s: longerThan 2 s can never fail: the traffic lasts 1 s/);
  });

  it('changes nothing for the base variant', () => {
    expect(load(BASE_VARIANT)).toEqual(base);
  });

  it("a variant's size wins over --size, and says so; the real two-vlan keeps its declared checks, skipped", () => {
    const plan = loadTopologyFile('two-vlan', { sizeOverride: 300e6, variant: variant('size=1MB') });
    expect(plan.traffic.sizeBytes).toBe(1e6);
    expect(plan.notes).toContain("--size 300 MB gives way to the variant's traffic (size=1MB)");
    expect(plan.checks.filter((c) => c.skip).map((c) => c.kind)).toEqual(['failover', 'recovery']);
  });
});

describe('variantSlug', () => {
  it('turns a label into a folder name', () => {
    expect(variantSlug('rate=100mbit loss=0.5%')).toBe('rate=100mbit_loss=0.5pct');
    expect(variantSlug('base')).toBe('base');
    expect(variantSlug('../x y')).toBe('.._x_y');
  });
});
