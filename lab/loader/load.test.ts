/** The seed topology and resolution: every default filled, in base units, frozen. */
import path from 'node:path';
import { TopologyError } from '../model/errors';
import type { Plan } from '../model/plan';
import { loadTopologyFile, loadTopologyText } from './load';
import { describeCheck } from './describe';
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
      { kind: 'aggregate', min: { percent: 75 } },
      { kind: 'failover', min: { percent: 85 }, withinMs: 2000 },
      { kind: 'recovery', withinMs: 1500, min: { percent: 10 }, holdMs: 500 },
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
  test('drops events a smaller transfer cannot reach; the declared checks that needed them are kept, skipped with the reason', () => {
    const plan = loadTopologyFile('two-vlan', { sizeOverride: 200e6 });
    expect(plan.traffic.sizeBytes).toBe(200e6);
    expect(plan.timeline).toEqual([]);
    expect(plan.checks.map((c) => c.kind)).toEqual(['mptcp', 'integrity', 'aggregate', 'failover', 'recovery', 'stall', 'subflows', 'kernelLog']);
    expect(plan.checks.filter((c) => c.skip).map((c) => [c.kind, c.skip])).toEqual([
      ['failover', '--size 200 MB can end the traffic at 0.8 s (at 2 Gbit/s), before the cut of vlan181 at 3 s'],
      ['recovery', '--size 200 MB can end the traffic at 0.8 s (at 2 Gbit/s), before the restore of vlan181 at 6 s'],
    ]);
    expect(plan.notes).toEqual([
      "--size 200 MB replaces the topology's size 2.5 GB",
      'event at 3 s (cut vlan181) dropped: 200 MB at 2 Gbit/s can end at 0.8 s',
      'event at 6 s (restore vlan181) dropped: 200 MB at 2 Gbit/s can end at 0.8 s',
      'check failover skipped: --size 200 MB can end the traffic at 0.8 s (at 2 Gbit/s), before the cut of vlan181 at 3 s',
      "check recovery: min defaults to 10% of the restored path's rate",
      'check recovery skipped: --size 200 MB can end the traffic at 0.8 s (at 2 Gbit/s), before the restore of vlan181 at 6 s',
    ]);
  });

  test('keeps the events that still fit', () => {
    const plan = loadTopologyFile('two-vlan', { sizeOverride: 1e9 }); // can end at 4 s
    expect(plan.timeline.map((e) => e.kind)).toEqual(['cut']);
    expect(plan.checks.find((c) => c.kind === 'failover')?.skip).toBeUndefined();
    expect(plan.checks.find((c) => c.kind === 'recovery')?.skip).toContain('before the restore of vlan181 at 6 s');
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
      { kind: 'recovery', withinMs: 1000, min: { rateBps: 1e6 }, holdMs: 500 },
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
    expect(loadTopologyText(text, 'lab.yaml').notes).toContain('at 2 s every data path is cut: the transfer can only wait for a restore');
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

describe('verdicts a user can trust (issue 9)', () => {
  test('two-vlan --size 500MB keeps the declared failover and recovery, skipped with the reason (item 11)', () => {
    const plan = loadTopologyFile('two-vlan', { sizeOverride: 500e6 });
    expect(plan.timeline).toEqual([]);
    expect(plan.checks.find((c) => c.kind === 'failover')).toEqual({
      kind: 'failover',
      min: { percent: 85 },
      withinMs: 2000,
      skip: '--size 500 MB can end the traffic at 2 s (at 2 Gbit/s), before the cut of vlan181 at 3 s',
    });
    expect(plan.checks.find((c) => c.kind === 'recovery')?.skip).toBe('--size 500 MB can end the traffic at 2 s (at 2 Gbit/s), before the restore of vlan181 at 6 s');
  });

  test('default (undeclared) failover and recovery are still dropped by --size, with a note (item 11)', () => {
    const plan = loadTopologyText(HEAD + 'timeline:\n  - {at: 3s, cut: vlan181}\n  - {at: 6s, restore: vlan181}\n', 'lab.yaml', { sizeOverride: 200e6 });
    expect(plan.checks.map((c) => c.kind)).not.toContain('failover');
    expect(plan.notes).toContain('check failover dropped: no cut is left in the timeline');
  });

  test('recovery.hold is read; 500 ms when absent', () => {
    const text = HEAD + 'timeline:\n  - {at: 3s, cut: vlan181}\n  - {at: 6s, restore: vlan181}\nchecks:\n  recovery: {within: 1s, hold: 800ms}\n';
    expect(loadTopologyText(text, 'lab.yaml').checks.find((c) => c.kind === 'recovery')).toMatchObject({ withinMs: 1000, holdMs: 800 });
  });

  test('aggregate.perPath is read', () => {
    const plan = loadTopologyText(HEAD + 'checks:\n  aggregate: {min: 85%, perPath: 100mbit}\n', 'lab.yaml');
    expect(plan.checks.find((c) => c.kind === 'aggregate')).toEqual({ kind: 'aggregate', min: { percent: 85 }, perPath: { rateBps: 100e6 } });
  });

  test('the default aggregate over 2+ shaped paths has a per-path bound of 20%, noted (item 7)', () => {
    const plan = loadTopologyText(HEAD, 'lab.yaml');
    expect(plan.checks.find((c) => c.kind === 'aggregate')).toEqual({ kind: 'aggregate', min: { percent: 85 }, perPath: { percent: 20 } });
    expect(plan.notes).toContain('default check added: aggregate ≥ 85% of capacity while every path is up, each path ≥ 20% of its rate');
  });

  test('no default per-path bound when a data path is a backup path, noted (item 7)', () => {
    const text = HEAD.replace('pc2: {role: client}', 'pc2: {role: client, mptcp: {endpoints: [{path: vlan181, flags: [backup]}]}}');
    const plan = loadTopologyText(text, 'lab.yaml');
    expect(plan.checks.find((c) => c.kind === 'aggregate')).toEqual({ kind: 'aggregate', min: { percent: 85 } });
    expect(plan.notes).toContain('default check added: aggregate ≥ 85% of capacity while every path is up');
    expect(plan.notes).toContain('default aggregate check without a per-path bound: vlan181 is a backup path (meant to stay idle while another path is up)');
  });

  test('events on an unshaped size-limited transfer: its end cannot be estimated, noted (item 14)', () => {
    const text = HEAD.replace('2.5GB', '200MB').replace('vlan181: {rate: 1gbit}', 'vlan181: {}') + 'timeline:\n  - {at: 3s, cut: vlan181}\n';
    expect(loadTopologyText(text, 'lab.yaml').notes).toContain(
      'the end of the traffic cannot be estimated (path vlan181 has no rate), so the timeline is not checked against it: if all 200 MB arrive before 3 s, the events from then on happen after the traffic and the checks that watch them cannot measure',
    );
  });

  test('a cut in the warm-up: no default aggregate, noted (item 14)', () => {
    const plan = loadTopologyText(HEAD + 'timeline:\n  - {at: 300ms, cut: vlan181}\n  - {at: 3s, restore: vlan181}\n', 'lab.yaml');
    expect(plan.checks.map((c) => c.kind)).not.toContain('aggregate');
    expect(plan.notes).toContain('no default aggregate check: the cut of vlan181 at 0.3 s falls in the first 500 ms (the warm-up), so no time with every path up can be measured');
  });

  test('every data path cut at once: no default failover, noted (item 14)', () => {
    const text = HEAD + 'timeline:\n  - {at: 1s, cut: vlan180}\n  - {at: 1s, cut: vlan181}\n  - {at: 3s, restore: vlan180}\n  - {at: 3s, restore: vlan181}\n';
    const plan = loadTopologyText(text, 'lab.yaml');
    expect(plan.checks.map((c) => c.kind)).not.toContain('failover');
    expect(plan.notes).toContain('no default failover check: the cut of vlan180 at 1 s leaves no data path up, so there is nothing to fail over to and failover cannot be measured');
  });

  test('no default mptcp or subflows check without MPTCP, and the note says why (item 15)', () => {
    const off = loadTopologyText(HEAD.replace('pc1: {role: server}', 'pc1: {role: server, mptcp: {enabled: false}}'), 'lab.yaml');
    expect(off.notes).toContain('no default mptcp check: MPTCP is disabled on pc1 (mptcp.enabled: false), so the connection is not expected to use MPTCP');
    expect(off.notes).toContain('no default subflows check: MPTCP is disabled on pc1 (mptcp.enabled: false)');
    const tcp = loadTopologyText(HEAD.replace('size: 2.5GB', 'size: 2.5GB, protocol: tcp'), 'lab.yaml');
    expect(tcp.notes).toContain('no default mptcp check: the traffic uses protocol tcp, so the connection is not expected to use MPTCP');
  });

  test('one path: no default subflows ≥ 1 (it cannot fail), noted (item 8)', () => {
    const plan = loadTopologyText('description: t\nhosts: {pc1: {role: server}, pc2: {role: client}}\npaths: {a: {rate: 1gbit}}\ntraffic: {tool: iperf3, duration: 5s}\n', 'lab.yaml');
    expect(plan.checks.map((c) => c.kind)).not.toContain('subflows');
    expect(plan.notes).toContain('no default subflows check: one path joins the client and the server, and subflows ≥ 1 cannot fail');
  });

  test('a skipped check says so in its description', () => {
    const plan = loadTopologyFile('two-vlan', { sizeOverride: 500e6 });
    const failover = plan.checks.find((c) => c.kind === 'failover');
    expect(failover && describeCheck(failover)).toBe(
      'failover ≥ 85% of capacity (of the surviving paths) within 2 s of a cut (skipped: --size 500 MB can end the traffic at 2 s (at 2 Gbit/s), before the cut of vlan181 at 3 s)',
    );
  });

  test('a shadow-like file given as a topology: one problem, none of its lines (issue 18, item 5)', () => {
    const file = path.join(FIXTURES, 'not-a-topology', 'shadow');
    try {
      loadTopologyFile(file);
      throw new Error('loaded');
    } catch (e) {
      expect(e).toBeInstanceOf(TopologyError);
      const err = e as TopologyError;
      expect(err.exitCode).toBe(2);
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]?.message).toBe(`${path.relative(process.cwd(), file)} is not a topology (expected a YAML mapping with description, hosts, paths, traffic)`);
      expect(err.message).not.toMatch(/root|daemon|19000|\$y\$/);
    }
  });
});

describe('per-host TCP settings (issue 13)', () => {
  const base = (tcp: string) => `
description: tcp settings
hosts:
  pc1: { role: server${tcp} }
  pc2: { role: client }
paths:
  a: { rate: 10mbit }
  b: { rate: 3mbit }
traffic: { tool: transfer, size: 16MiB }
`;
  it('states the default congestion control on every host (cubic, not the machine’s inherited one)', () => {
    const plan = loadTopologyText(base(''), 'tcp.yaml');
    expect(plan.hosts.map((h) => h.tcp)).toEqual([{ congestionControl: 'cubic' }, { congestionControl: 'cubic' }]);
  });
  it('reads congestion control and buffer sizes in human units', () => {
    const plan = loadTopologyText(base(', tcp: { congestionControl: reno, wmem: "4KiB 64KiB 4MiB", rmem: [4096, 131072, 6291456] }'), 'tcp.yaml');
    expect(plan.hosts[0]?.tcp).toEqual({ congestionControl: 'reno', rmem: [4096, 131072, 6291456], wmem: [4096, 65536, 4194304] });
  });
  it.each([
    [', tcp: { congestionControl: "Cubic; rm" }', 'hosts.pc1.tcp.congestionControl', /congestion control name/],
    [', tcp: { wmem: "4KiB 64KiB" }', 'hosts.pc1.tcp.wmem', /three sizes/],
    [', tcp: { rmem: "64KiB 4KiB 4MiB" }', 'hosts.pc1.tcp.rmem', /min ≤ default ≤ max/],
    [', tcp: { cc: cubic }', 'hosts.pc1.tcp', /cc/],
  ])('refuses %s at its field', (tcp, path, message) => {
    expect(() => loadTopologyText(base(tcp), 'tcp.yaml')).toThrow(TopologyError);
    try {
      loadTopologyText(base(tcp), 'tcp.yaml');
    } catch (e) {
      const p = (e as TopologyError).problems[0]!;
      expect(`${p.path}: ${p.message}`).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}`));
      expect(p.message).toMatch(message);
      expect(p.line).toBe(4);
    }
  });
});
