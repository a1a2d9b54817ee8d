import { loadTopologyFile } from '../loader';
import { checksOf, nPathPlan, nPathTopology, trafficVariant } from './plans';

const seed = loadTopologyFile('two-vlan');

describe('trafficVariant', () => {
  it('replaces the tool, amount, timeline and checks, and leaves the seed alone', () => {
    const v = trafficVariant(seed, { tool: 'iperf3', durationMs: 5000, checks: [{ kind: 'mptcp' }], label: 'x' });
    expect(v.traffic).toMatchObject({ tool: 'iperf3', durationMs: 5000, port: 5201, server: 'pc1', client: 'pc2' });
    expect(v.traffic.sizeBytes).toBeUndefined();
    expect(v.timeline).toEqual([]);
    expect(v.checks).toEqual([{ kind: 'mptcp' }]);
    expect(v.notes[v.notes.length - 1]).toBe('bench variant: x');
    expect(seed.traffic.tool).toBe('http');
    expect(seed.timeline).toHaveLength(2);
  });

  it('is deep-frozen, as plans are', () => {
    const v = trafficVariant(seed, { tool: 'transfer', durationMs: 1000, checks: [], label: 'x' });
    expect(Object.isFrozen(v)).toBe(true);
    expect(Object.isFrozen(v.traffic)).toBe(true);
    expect(Object.isFrozen(v.paths[0]!.egress)).toBe(true);
  });

  it('keeps the rates, or removes every one (and the need for tbf) when unshaped', () => {
    const shaped = trafficVariant(seed, { tool: 'transfer', durationMs: 1000, checks: [], label: 'x' });
    expect(shaped.paths.every((p) => Object.values(p.egress).every((e) => e.rateBps === 1e9))).toBe(true);
    expect(shaped.needs.tbf).toBe(true);
    const unshaped = trafficVariant(seed, { tool: 'transfer', durationMs: 1000, checks: [], unshaped: true, label: 'x' });
    expect(unshaped.paths.every((p) => Object.values(p.egress).every((e) => e.rateBps === undefined))).toBe(true);
    expect(unshaped.needs).toEqual({ netem: false, tbf: false, netemFeatures: [] });
  });

  it('sets every rate to rateBps (2 x 5 Gbit/s), and refuses it with unshaped', () => {
    const fast = trafficVariant(seed, { tool: 'transfer', durationMs: 1000, checks: [], rateBps: 5e9, label: 'x' });
    expect(fast.paths.every((p) => Object.values(p.egress).every((e) => e.rateBps === 5e9))).toBe(true);
    expect(fast.needs.tbf).toBe(true);
    expect(seed.paths.every((p) => Object.values(p.egress).every((e) => e.rateBps === 1e9))).toBe(true);
    expect(() => trafficVariant(seed, { tool: 'transfer', durationMs: 1000, checks: [], unshaped: true, rateBps: 5e9, label: 'x' })).toThrow(/exclude/);
    expect(() => trafficVariant(seed, { tool: 'transfer', durationMs: 1000, checks: [], rateBps: 1.5, label: 'x' })).toThrow(/whole bits/);
  });

  it('keeps a given timeline and the checks picked from the seed', () => {
    const v = trafficVariant(seed, { tool: 'transfer', durationMs: 8000, timeline: seed.timeline, checks: checksOf(seed, ['failover', 'recovery']), label: 'x' });
    expect(v.timeline.map((e) => e.kind)).toEqual(['cut', 'restore']);
    expect(v.checks.map((c) => c.kind)).toEqual(['failover', 'recovery']);
  });

  it('keeps the http port for http and wants a size for it', () => {
    expect(trafficVariant(seed, { tool: 'http', sizeBytes: 1e6, checks: [], label: 'x' }).traffic).toMatchObject({ port: 8080, sizeBytes: 1e6 });
    expect(() => trafficVariant(seed, { tool: 'http', durationMs: 1000, checks: [], label: 'x' })).toThrow(/size/);
    expect(() => trafficVariant(seed, { tool: 'iperf3', checks: [], label: 'x' })).toThrow(/exactly one/);
  });
});

describe('nPathPlan', () => {
  it.each([2, 4, 8])('makes a valid %i-path lab: a server signalling every other path to one client', (n) => {
    const plan = nPathPlan(n);
    expect(plan.name).toBe(`bench-${n}p`);
    expect(plan.paths).toHaveLength(n);
    expect(plan.hosts.map((h) => h.role)).toEqual(['server', 'client']);
    const server = plan.hosts[0]!;
    expect(server.mptcp.endpoints).toHaveLength(n - 1);
    expect(server.mptcp.endpoints.every((e) => e.flags.includes('signal'))).toBe(true);
    expect(plan.hosts[1]!.mptcp.limits.addAddrAccepted).toBeGreaterThanOrEqual(n - 1);
    expect(plan.paths.every((p) => p.egress.srv?.rateBps === 1e9)).toBe(true);
  });

  it('refuses path counts MPTCP cannot use', () => {
    expect(() => nPathTopology(0)).toThrow();
    expect(() => nPathTopology(10)).toThrow();
  });
});
