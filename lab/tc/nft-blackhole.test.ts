import { buildBlackholeArgv, buildUnblackholeArgv, BLACKHOLE_METHODS } from './blackhole';
import { buildNftLossArgv, buildNftLossRemovalArgv, nftLossThreshold } from './nft-loss';

describe('nftables loss fallback', () => {
  it('builds table, chain, flush and the numgen rule', () => {
    expect(buildNftLossArgv('@ifname:10.180.0.3', 2.5, 'mlab_vlan180')).toMatchSnapshot();
    expect(buildNftLossRemovalArgv('mlab_vlan180')).toEqual([['nft', 'delete', 'chain', 'inet', 'mlab_vlan180', 'egress_loss']]);
  });

  it('rounds loss to 0.01 % steps within 0..100 %', () => {
    expect(nftLossThreshold(1)).toBe(100);
    expect(nftLossThreshold(0.1 + 0.2)).toBe(30);
    expect(nftLossThreshold(0.004)).toBe(0);
    expect(nftLossThreshold(100)).toBe(10000);
  });

  it('drops unconditionally at 100 % (nft refuses `mod 10000 < 10000`)', () => {
    expect(buildNftLossArgv('eth1', 100, 'mlab_p')[3]).toEqual(['nft', 'add', 'rule', 'inet', 'mlab_p', 'egress_loss', 'oifname', 'eth1', 'counter', 'drop']);
  });

  it('refuses table names nft would misparse', () => {
    expect(() => buildNftLossArgv('eth1', 1, 'mlab-vlan')).toThrow(/not an nft table name/);
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
