import { buildBlackholeArgv, buildUnblackholeArgv, BLACKHOLE_METHODS } from './blackhole';
import { buildNftLossArgv, nftLossThreshold } from './nft-loss';

describe('nftables loss fallback (on the receiver\'s ingress)', () => {
  it('builds table, prerouting chain at -300, flush, and one numgen rule per sender', () => {
    expect(
      buildNftLossArgv('mlab_loss', [
        { ifname: '@ifname:10.181.0.3', saddr: '10.181.0.2', lossPct: 2.5 },
        { ifname: 'eth2', saddr: '10.182.0.4', lossPct: 0.1 },
      ]),
    ).toMatchSnapshot();
  });

  it('with no rules, only makes sure the table and chain exist and empties the chain (loss back to 0)', () => {
    expect(buildNftLossArgv('mlab_loss', [])).toEqual([
      ['nft', 'add', 'table', 'inet', 'mlab_loss'],
      ['nft', 'add', 'chain', 'inet', 'mlab_loss', 'ingress_loss', '{', 'type', 'filter', 'hook', 'prerouting', 'priority', '-300', ';', 'policy', 'accept', ';', '}'],
      ['nft', 'flush', 'chain', 'inet', 'mlab_loss', 'ingress_loss'],
    ]);
    expect(buildNftLossArgv('mlab_loss', [{ ifname: 'eth1', saddr: '10.0.0.2', lossPct: 0.004 }])).toHaveLength(3);
  });

  it('keeps the placeholder one argv element', () => {
    const rule = buildNftLossArgv('t', [{ ifname: '@ifname:10.181.0.3', saddr: '10.181.0.2', lossPct: 1 }])[3]!;
    expect(rule.slice(6, 11)).toEqual(['iifname', '@ifname:10.181.0.3', 'ip', 'saddr', '10.181.0.2']);
  });

  it('rounds loss to 0.01 % steps within 0..100 %', () => {
    expect(nftLossThreshold(1)).toBe(100);
    expect(nftLossThreshold(0.1 + 0.2)).toBe(30);
    expect(nftLossThreshold(0.004)).toBe(0);
    expect(nftLossThreshold(100)).toBe(10000);
  });

  it('drops unconditionally at 100 % (nft refuses `mod 10000 < 10000`)', () => {
    expect(buildNftLossArgv('mlab_p', [{ ifname: 'eth1', saddr: '10.0.0.2', lossPct: 100 }])[3]).toEqual([
      'nft', 'add', 'rule', 'inet', 'mlab_p', 'ingress_loss', 'iifname', 'eth1', 'ip', 'saddr', '10.0.0.2', 'counter', 'drop',
    ]);
  });

  it('refuses names and addresses nft would misparse', () => {
    expect(() => buildNftLossArgv('mlab-vlan', [])).toThrow(/not an nft table name/);
    expect(() => buildNftLossArgv('t', [{ ifname: 'eth1 ; flush ruleset', saddr: '10.0.0.2', lossPct: 1 }])).toThrow(/not an interface name/);
    for (const saddr of ['10.0.0.256', '10.0.0', '10.0.0.2/24', '10.0.0.2 ; flush ruleset', '010.0.0.2', 'fe80::1']) {
      expect(() => buildNftLossArgv('t', [{ ifname: 'eth1', saddr, lossPct: 1 }])).toThrow(/not a dotted IPv4 address/);
    }
  });
});

describe('blackhole', () => {
  it.each(BLACKHOLE_METHODS)('%s', (method) => {
    expect({ on: buildBlackholeArgv('veth1a2b3c', method), off: buildUnblackholeArgv('veth1a2b3c', method) }).toMatchSnapshot();
  });

  it('defaults to tc-bpf', () => {
    expect(buildBlackholeArgv('veth0')).toEqual(buildBlackholeArgv('veth0', 'tc-bpf'));
    expect(buildUnblackholeArgv('veth0')).toEqual([['tc', 'qdisc', 'del', 'dev', 'veth0', 'ingress']]);
  });
});
