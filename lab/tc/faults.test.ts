import { buildFaultArgv, describeFault, faultRuleArgs, faultRulesByHost, faultScript } from './faults';

describe('middlebox fault rules (nftables, receiving host ingress)', () => {
  it('builds each mode as argv (snapshot)', () => {
    const rules = buildFaultArgv([
      { ifname: 'eth1', saddr: '10.181.0.2', mode: 'rewrite' },
      { ifname: 'eth1', saddr: '10.181.0.2', mode: 'rewrite', every: 20 },
      { ifname: '@ifname:10.180.0.2', mode: 'strip-options' },
      { ifname: 'eth2', saddr: '10.181.0.3', mode: 'drop-syn-mptcp' },
      { ifname: 'eth2', mode: 'reset' },
    ]);
    expect(rules).toMatchSnapshot();
  });

  it('an empty list only empties the chain (every fault off)', () => {
    expect(buildFaultArgv([]).map((a) => a.slice(0, 3).join(' '))).toEqual(['nft add table', 'nft add chain', 'nft flush chain']);
  });

  it('refuses names and addresses nft would parse as syntax, and a bad every', () => {
    expect(() => faultRuleArgs({ ifname: 'eth1; flush ruleset', mode: 'reset' })).toThrow(/not an interface name/);
    expect(() => faultRuleArgs({ ifname: 'eth1', saddr: '10.0.0.1 drop', mode: 'reset' })).toThrow(/not a dotted IPv4/);
    expect(() => faultRuleArgs({ ifname: 'eth1', mode: 'rewrite', every: 0 })).toThrow(/every/);
    expect(() => buildFaultArgv([], 'bad table')).toThrow(/nft table name/);
  });

  it('puts a directed fault on every other host of the path, matching the sender; an undirected one on every host', () => {
    const ends = (path: string) =>
      path === 'vlan181'
        ? [{ host: 'pc1', ifname: 'eth1', address: '10.181.0.2' }, { host: 'pc2', ifname: 'eth2', address: '10.181.0.3' }]
        : [{ host: 'pc1', ifname: 'eth0', address: '10.180.0.2' }, { host: 'pc2', ifname: 'eth0', address: '10.180.0.3' }];
    const directed = faultRulesByHost(new Map([['vlan181', { mode: 'rewrite' as const, from: 'pc1', every: 5 }]]), ends);
    expect(Object.fromEntries(directed)).toEqual({ pc2: [{ ifname: 'eth2', saddr: '10.181.0.2', mode: 'rewrite', every: 5 }] });
    const both = faultRulesByHost(new Map([['vlan180', { mode: 'strip-options' as const }]]), ends);
    expect(Object.fromEntries(both)).toEqual({ pc1: [{ ifname: 'eth0', mode: 'strip-options' }], pc2: [{ ifname: 'eth0', mode: 'strip-options' }] });
    expect(() => faultRulesByHost(new Map([['vlan181', { mode: 'reset' as const, from: 'pc9' }]]), ends)).toThrow(/pc9 is not on that path/);
  });

  it('joins the commands into one nft script (one transaction), as nft itself joins argv', () => {
    const script = faultScript(buildFaultArgv([{ ifname: 'eth1', saddr: '10.181.0.2', mode: 'drop-syn-mptcp' }]));
    expect(script.split('\n')).toEqual([
      'add table inet mlab_fault',
      'add chain inet mlab_fault ingress_fault { type filter hook prerouting priority -290 ; policy accept ; }',
      'flush chain inet mlab_fault ingress_fault',
      'add rule inet mlab_fault ingress_fault iifname eth1 ip saddr 10.181.0.2 meta l4proto tcp tcp flags syn tcp option mptcp exists counter drop',
      '',
    ]);
    expect(() => faultScript([['tc', 'qdisc']])).toThrow(/not an nft command/);
  });

  it('describes a fault in words', () => {
    expect(describeFault({ mode: 'rewrite', from: 'pc1' })).toBe('rewrite of traffic from pc1, every data segment');
    expect(describeFault({ mode: 'rewrite', every: 20 })).toBe('rewrite (both directions), 1 data segment in 20');
    expect(describeFault({ mode: 'drop-syn-mptcp', from: 'pc2' })).toBe('drop-syn-mptcp of traffic from pc2');
  });
});
