/** The seed topology and resolution: every default filled, in base units, frozen. */
import path from 'node:path';
import { TopologyError } from '../model/errors';
import type { Plan } from '../model/plan';
import { loadTopologyFile, loadTopologyText } from './load';
import { HEAD, problemsOf, yaml } from './test-support';

const FIXTURES = path.join(__dirname, '__fixtures__');

describe('the seed topology (topologies/two-vlan.yaml)', () => {
  const plan = loadTopologyFile('two-vlan');

  test('resolves to the expected plan', () => {
    expect(plan.name).toBe('two-vlan');
    expect(plan.source).toBe(path.resolve(__dirname, '../../topologies/two-vlan.yaml'));
    expect(plan.hosts.map((h) => [h.name, h.role, h.index])).toEqual([['pc1', 'server', 0], ['pc2', 'client', 1]]);
    expect(plan.paths.map((p) => [p.name, p.subnet, p.egress.pc1?.rateBps, p.egress.pc2?.rateBps])).toEqual([
      ['vlan180', 'auto', 1e9, 1e9],
      ['vlan181', 'auto', 1e9, 1e9],
    ]);
    expect(plan.traffic).toMatchObject({ tool: 'http', direction: 'download', sizeBytes: 2.5e9, resume: true, sender: 'pc1', receiver: 'pc2' });
    expect(plan.timeline).toEqual([
      { atMs: 3000, kind: 'cut', path: 'vlan181', mode: 'down' },
      { atMs: 6000, kind: 'restore', path: 'vlan181' },
    ]);
    expect(plan.needs).toEqual({ netem: false, tbf: true, netemFeatures: [] });
  });

  test('the server signals its second path; the client, which connects, has no endpoint', () => {
    expect(plan.hosts[0]?.mptcp.endpoints).toEqual([{ path: 'vlan181', flags: ['signal'], id: 1 }]);
    expect(plan.hosts[1]?.mptcp.endpoints).toEqual([]);
    expect(plan.hosts.map((h) => h.mptcp.limits)).toEqual([{ subflows: 1, addAddrAccepted: 1 }, { subflows: 1, addAddrAccepted: 1 }]);
  });

  test('declares every check the seed needs, with its bounds', () => {
    expect(plan.checks).toEqual([
      { kind: 'mptcp' },
      { kind: 'integrity' },
      { kind: 'aggregate', min: { percent: 85 } },
      { kind: 'failover', min: { percent: 85 }, withinMs: 2000 },
      { kind: 'recovery', withinMs: 1500, min: { percent: 10 } },
      { kind: 'stall', below: { percent: 10 }, longerThanMs: 2000 },
      { kind: 'subflows', min: 2 },
      { kind: 'kernelLog', maxErrors: 0 },
    ]);
  });

  test('matches the snapshot', () => {
    expect({ ...plan, source: '<repo>/topologies/two-vlan.yaml' }).toMatchSnapshot();
  });

  test('is deeply frozen', () => {
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.hosts[0]?.mptcp.endpoints[0]?.flags)).toBe(true);
    expect(() => {
      (plan.paths[0]?.egress.pc1 as { rateBps: number }).rateBps = 1;
    }).toThrow(TypeError);
  });

  test('a path loads the same plan as the bare name', () => {
    expect(loadTopologyFile(path.resolve(__dirname, '../../topologies/two-vlan.yaml'))).toEqual(plan);
  });
});

describe('--size (sizeOverride)', () => {
  test('drops events a smaller transfer cannot reach, and the checks that needed them, with a note each', () => {
    const plan = loadTopologyFile('two-vlan', { sizeOverride: 200e6 });
    expect(plan.traffic.sizeBytes).toBe(200e6);
    expect(plan.timeline).toEqual([]);
    expect(plan.checks.map((c) => c.kind)).toEqual(['mptcp', 'integrity', 'aggregate', 'stall', 'subflows', 'kernelLog']);
    expect(plan.notes).toEqual([
      "--size 200 MB replaces the topology's size 2.5 GB",
      'event at 3 s (cut vlan181) dropped: 200 MB at 2 Gbit/s can end at 0.8 s',
      'event at 6 s (restore vlan181) dropped: 200 MB at 2 Gbit/s can end at 0.8 s',
      'check failover dropped: no cut is left in the timeline',
      'check recovery dropped: no restore is left in the timeline',
    ]);
  });

  test('keeps the events that still fit', () => {
    const plan = loadTopologyFile('two-vlan', { sizeOverride: 1e9 }); // can end at 4 s
    expect(plan.timeline.map((e) => e.kind)).toEqual(['cut']);
    expect(plan.checks.map((c) => c.kind)).toContain('failover');
    expect(plan.checks.map((c) => c.kind)).not.toContain('recovery');
    expect(plan.notes).toContain('event at 6 s (restore vlan181) dropped: 1 GB at 2 Gbit/s can end at 4 s');
  });

  test('replaces a duration too', () => {
    const plan = loadTopologyText(HEAD.replace('tool: http, size: 2.5GB', 'tool: iperf3, duration: 10s'), 'lab.yaml', { sizeOverride: 5e8 });
    expect(plan.traffic).toMatchObject({ sizeBytes: 5e8 });
    expect(plan.traffic.durationMs).toBeUndefined();
    expect(plan.notes[0]).toBe("--size 500 MB replaces the topology's duration 10 s");
  });
});

describe('resolution of a richer topology (__fixtures__/three-paths.yaml)', () => {
  let plan: Plan;
  beforeAll(() => {
    plan = loadTopologyFile(path.join(FIXTURES, 'three-paths.yaml'));
  });

  test('egress is the path-level impairment overridden by from.<host>', () => {
    const wan2 = plan.paths[1];
    expect(wan2?.egress).toEqual({
      srv: { rateBps: 50e6, delayMs: 20 },
      cli: { rateBps: 50e6, delayMs: 40, jitterMs: 5, lossPct: 1 },
    });
    expect(plan.paths[0]?.subnet).toBe('10.1.0.0/24');
  });

  test('upload: the client sends', () => {
    expect(plan.traffic).toMatchObject({ direction: 'upload', server: 'srv', client: 'cli', sender: 'cli', receiver: 'srv' });
  });

  test('declared endpoints are numbered; limits cover the endpoints and the announcements', () => {
    const [srv, cli] = plan.hosts;
    expect(srv?.mptcp.endpoints.map((e) => [e.id, e.path, e.flags])).toEqual([[1, 'wan2', ['signal']], [2, 'wan3', ['signal']]]);
    expect(cli?.mptcp.endpoints).toEqual([
      { path: 'wan2', flags: ['subflow'], id: 1 },
      { path: 'wan3', flags: ['subflow', 'backup'], id: 2 },
    ]);
    expect(srv?.mptcp.limits).toEqual({ subflows: 2, addAddrAccepted: 2 });
    expect(cli?.mptcp.limits).toEqual({ subflows: 4, addAddrAccepted: 2 });
    expect(srv?.mptcp).toMatchObject({ checksum: true, sysctls: { stale_loss_cnt: '4', add_addr_timeout: '60' } });
  });

  test('the timeline is sorted by time, with defaults and impairments in base units', () => {
    expect(plan.timeline).toEqual([
      { atMs: 2000, kind: 'cut', path: 'wan1', mode: 'blackhole' },
      { atMs: 4000, kind: 'restore', path: 'wan1' },
      { atMs: 5000, kind: 'impair', path: 'wan2', from: 'cli', set: { lossPct: 5, rateBps: 20e6 } },
    ]);
  });

  test('needs netem with the features used, and tbf', () => {
    expect(plan.needs).toEqual({ netem: true, tbf: true, netemFeatures: ['delay', 'jitter', 'loss'] });
  });

  test('declared checks replace their defaults; the other kinds are defaulted and noted', () => {
    expect(plan.checks.find((c) => c.kind === 'stall')).toEqual({ kind: 'stall', below: { rateBps: 1e6 }, longerThanMs: 2000 });
    expect(plan.checks.find((c) => c.kind === 'subflows')).toEqual({ kind: 'subflows', min: 3 });
    expect(plan.notes).toContain('default check added: failover ≥ 85% of capacity (of the surviving paths) within 1 s of a cut');
    expect(plan.notes.some((n) => n.includes('stall'))).toBe(false);
  });
});

describe('defaults', () => {
  test('unshaped paths: no aggregate or failover default (noted), absolute stall and recovery bounds', () => {
    const text = yaml`
      description: t
      hosts: {a: {role: server}, b: {role: client}}
      paths: {p1: {}, p2: {}}
      traffic: {tool: iperf3, duration: 10s}
      timeline:
        - {at: 2s, cut: p2}
        - {at: 4s, restore: p2}
    `;
    const plan = loadTopologyText(text, 'lab.yaml');
    expect(plan.checks).toEqual([
      { kind: 'mptcp' },
      { kind: 'recovery', withinMs: 1000, min: { rateBps: 1e6 } },
      { kind: 'stall', below: { rateBps: 1e6 }, longerThanMs: 1000 },
      { kind: 'subflows', min: 2 },
      { kind: 'kernelLog', maxErrors: 0 },
    ]);
    expect(plan.notes).toContain('no default failover check: the surviving paths have no rate, so a percentage means nothing; declare one with an absolute min such as 900mbit');
    expect(plan.needs).toEqual({ netem: false, tbf: false, netemFeatures: [] });
    expect(plan.name).toBe('lab');
  });

  test('tcp, or a host without MPTCP: no mptcp or subflows default', () => {
    const tcp = loadTopologyText(HEAD.replace('size: 2.5GB', 'size: 2.5GB, protocol: tcp'), 'lab.yaml');
    expect(tcp.checks.map((c) => c.kind)).toEqual(['integrity', 'aggregate', 'stall', 'kernelLog']);
    const off = loadTopologyText(HEAD.replace('pc2: {role: client}', 'pc2: {role: client, mptcp: {enabled: false}}'), 'lab.yaml');
    expect(off.checks.map((c) => c.kind)).not.toContain('mptcp');
    expect(off.hosts[1]?.mptcp.enabled).toBe(false);
  });

  test('declared false replaces a default with nothing', () => {
    const plan = loadTopologyText(HEAD + 'checks: {mptcp: false, integrity: false}\n', 'lab.yaml');
    expect(plan.checks.map((c) => c.kind)).toEqual(['aggregate', 'stall', 'subflows', 'kernelLog']);
  });

  test('traffic.server picks among several servers', () => {
    const text = 'description: t\nhosts: {a: {role: server}, b: {role: client}, c: {role: server}}\npaths: {p: {}}\ntraffic: {tool: iperf3, duration: 5s, server: c}\n';
    expect(loadTopologyText(text, 'lab.yaml').traffic).toMatchObject({ server: 'c', client: 'b', sender: 'c' });
  });

  test('a client signal endpoint is noted: it adds no path', () => {
    const text = HEAD.replace('pc2: {role: client}', 'pc2: {role: client, mptcp: {endpoints: [{path: vlan181, flags: [signal]}]}}');
    expect(loadTopologyText(text, 'lab.yaml').notes[0]).toContain('host pc2 is a client: its signal endpoints add no path');
  });

  test('cutting every path is allowed, with a note', () => {
    const text = HEAD + 'timeline:\n  - {at: 1s, cut: vlan180}\n  - {at: 2s, cut: vlan181, mode: blackhole}\n  - {at: 3s, restore: vlan180}\n';
    expect(loadTopologyText(text, 'lab.yaml').notes).toContain('at 2 s every path is cut: the transfer can only wait for a restore');
  });

  test('an impair event may raise the rate, which moves the earliest end', () => {
    // 2.5 GB at 2 Gbit/s ends at 10 s; at 4 Gbit/s (vlan180 raised to 3 Gbit/s) it can end at 5 s.
    const text = HEAD + 'timeline:\n  - {at: 1s, impair: vlan180, set: {rate: 3gbit}}\n  - {at: 6s, cut: vlan181}\n';
    expect(problemsOf(text)[0]?.message).toBe('event at 6 s (cut vlan181) comes after the traffic ends: 2.5 GB at 4 Gbit/s can end at 5 s');
  });
});

describe('files', () => {
  test('an unknown bare name lists the known topologies', () => {
    try {
      loadTopologyFile('no-such-lab');
      throw new Error('loaded');
    } catch (e) {
      expect(e).toBeInstanceOf(TopologyError);
      const [p] = (e as TopologyError).problems;
      expect(p?.file).toBe(path.relative(process.cwd(), path.resolve(__dirname, '../../topologies/no-such-lab.yaml')));
      expect(p?.message).toMatch(/no such file; known topologies: .*two-vlan/);
    }
  });

  test('problems from a file carry its path', () => {
    const file = path.join(FIXTURES, 'list', 'zz-broken.yaml');
    expect(() => loadTopologyFile(file)).toThrow(`${path.relative(process.cwd(), file)}:3:19: paths.a.rate: expected a rate`);
  });
});
