import { loadTopologyFile, loadTopologyText } from '../../loader';
import { forwardingArgv, forwardingBatch, hostAddressBatch, linkBatch, netnsLayout, netnsName, newNetnsRunId, rootVethName, runIdOf, unblackholeArgv } from './layout';

const SUBNETS = { vlan180: '10.180.7.0/24', vlan181: '10.180.8.0/24' };

describe('netns names', () => {
  it('names namespaces mlab-<run>-<host> and root-side veths within 15 characters', () => {
    expect(netnsName('0a1b2c', 'pc1')).toBe('mlab-0a1b2c-pc1');
    expect(rootVethName('0a1b2c', 0, 1)).toBe('mlv0a1b2c0-1');
    expect(rootVethName('0a1b2c', 99, 99)).toBe('mlv0a1b2c99-99');
    expect(rootVethName('0a1b2c', 99, 99).length).toBeLessThanOrEqual(15);
  });

  it('refuses run ids and indexes that would not fit or could be mistaken for another run', () => {
    expect(() => netnsName('mio4abcd12', 'pc1')).toThrow(/6 lowercase hex/);
    expect(() => rootVethName('0a1b2c', 100, 0)).toThrow(/at most 100 hosts/);
    expect(() => rootVethName('0a1b2c', -1, 0)).toThrow();
  });

  it('finds the run id in our names and nothing in anyone else\'s', () => {
    expect(runIdOf('mlab-0a1b2c-pc1')).toBe('0a1b2c');
    expect(runIdOf('mlv0a1b2c12-3')).toBe('0a1b2c');
    for (const other of ['mlab-xyz-pc1', 'mlvfoo', 'eth0', 'br-2f4421cd4d61', 'veth1234567', 'mlab-0a1b2c']) expect(runIdOf(other)).toBeUndefined();
  });

  it('makes 6-hex run ids', () => {
    expect(newNetnsRunId()).toMatch(/^[0-9a-f]{6}$/);
  });
});

describe('netnsLayout of two-vlan', () => {
  const plan = loadTopologyFile('two-vlan');
  const layout = netnsLayout(plan, 'abc123', SUBNETS);

  it('gives each host one namespace and an ethN per path, with the Docker plan addresses (index + 2)', () => {
    expect(layout.hosts).toEqual([
      {
        name: 'pc1', index: 0, netns: 'mlab-abc123-pc1',
        links: [
          { path: 'vlan180', rootVeth: 'mlvabc1230-0', ifname: 'eth0', address: '10.180.7.2', prefixLength: 24 },
          { path: 'vlan181', rootVeth: 'mlvabc1230-1', ifname: 'eth1', address: '10.180.8.2', prefixLength: 24 },
        ],
      },
      {
        name: 'pc2', index: 1, netns: 'mlab-abc123-pc2',
        links: [
          { path: 'vlan180', rootVeth: 'mlvabc1231-0', ifname: 'eth0', address: '10.180.7.3', prefixLength: 24 },
          { path: 'vlan181', rootVeth: 'mlvabc1231-1', ifname: 'eth1', address: '10.180.8.3', prefixLength: 24 },
        ],
      },
    ]);
    expect(layout.paths).toEqual({
      vlan180: { subnet: '10.180.7.0/24', rootVeths: ['mlvabc1230-0', 'mlvabc1231-0'] },
      vlan181: { subnet: '10.180.8.0/24', rootVeths: ['mlvabc1230-1', 'mlvabc1231-1'] },
    });
  });

  it('creates veth pairs with the host end straight in its namespace, then brings the root ends up', () => {
    expect(linkBatch(layout)).toEqual([
      'link add mlvabc1230-0 type veth peer name eth0 netns mlab-abc123-pc1',
      'link add mlvabc1230-1 type veth peer name eth1 netns mlab-abc123-pc1',
      'link add mlvabc1231-0 type veth peer name eth0 netns mlab-abc123-pc2',
      'link add mlvabc1231-1 type veth peer name eth1 netns mlab-abc123-pc2',
      'link set dev mlvabc1230-0 up',
      'link set dev mlvabc1230-1 up',
      'link set dev mlvabc1231-0 up',
      'link set dev mlvabc1231-1 up',
    ]);
    expect(hostAddressBatch(layout.hosts[1]!)).toEqual([
      'link set dev lo up',
      'addr add 10.180.7.3/24 dev eth0',
      'addr add 10.180.8.3/24 dev eth1',
      'link set dev eth0 up',
      'link set dev eth1 up',
    ]);
  });

  it('joins a two-host path as a wire: each root end redirects its ingress to the other', () => {
    expect(forwardingArgv(layout, 'vlan181')).toEqual([
      ['qdisc', 'add', 'dev', 'mlvabc1230-1', 'ingress'],
      ['filter', 'add', 'dev', 'mlvabc1230-1', 'parent', 'ffff:', 'protocol', 'all', 'pref', '10', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', 'mlvabc1231-1'],
      ['qdisc', 'add', 'dev', 'mlvabc1231-1', 'ingress'],
      ['filter', 'add', 'dev', 'mlvabc1231-1', 'parent', 'ffff:', 'protocol', 'all', 'pref', '10', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', 'mlvabc1230-1'],
    ]);
    expect(forwardingBatch(layout)).toHaveLength(8);
  });

  it('undoes a blackhole by its drop filter alone (pref 1), keeping the forwarding', () => {
    expect(unblackholeArgv('mlvabc1230-1')).toEqual(['tc', 'filter', 'del', 'dev', 'mlvabc1230-1', 'parent', 'ffff:', 'pref', '1']);
  });
});

describe('netnsLayout with three hosts on a path and one host alone on another', () => {
  const plan = loadTopologyText(
    `
description: hub
hosts:
  pc1:
    role: server
  pc2:
    role: client
  pc3:
    role: client
paths:
  a:
    hosts: [pc1, pc2, pc3]
  b:
    hosts: [pc1, pc2]
traffic:
  tool: iperf3
  duration: 1s
  client: pc2
`,
    'hub.yaml',
  );
  const layout = netnsLayout(plan, 'abc123', { a: '10.180.1.0/24', b: '10.180.2.0/24' });

  it('makes a hub: mirror to all but the last other end, redirect to the last', () => {
    const a = forwardingArgv(layout, 'a').filter((argv) => argv[0] === 'filter');
    expect(a.map((argv) => argv.slice(argv.indexOf('action')).join(' '))).toEqual([
      'action mirred egress mirror dev mlvabc1231-0 action mirred egress redirect dev mlvabc1232-0',
      'action mirred egress mirror dev mlvabc1230-0 action mirred egress redirect dev mlvabc1232-0',
      'action mirred egress mirror dev mlvabc1230-0 action mirred egress redirect dev mlvabc1231-0',
    ]);
    expect(layout.hosts[2]!.links.map((l) => l.ifname)).toEqual(['eth0']);
  });
});
