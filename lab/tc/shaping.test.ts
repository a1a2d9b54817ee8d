import { EnvironmentError } from '../model/errors';
import type { Impairment } from '../model/plan';
import { buildClearArgv, buildShapingArgv } from './shaping';
import { netemFeaturesOf } from './netem';
import { tbfBurstBytes } from './tbf';

const G = 1e9;
const M = 1e6;

/** Every combination the lab produces, with netem available. */
const WITH_NETEM: Record<string, Impairment> = {
  'nothing': {},
  'rate': { rateBps: 1 * G },
  'rate 100mbit + limit': { rateBps: 100 * M, limitPackets: 100 },
  'delay': { delayMs: 20 },
  'jitter (with delay)': { delayMs: 20, jitterMs: 5 },
  'loss': { lossPct: 1 },
  'corrupt': { corruptPct: 0.1 },
  'duplicate': { duplicatePct: 0.5 },
  'reorder (with delay)': { delayMs: 10, reorderPct: 25 },
  'limit': { limitPackets: 50 },
  'rate + delay + loss': { rateBps: 1 * G, delayMs: 20, lossPct: 1 },
  'rate + loss': { rateBps: 500 * M, lossPct: 0.5 },
  'all fields': { rateBps: 2.5 * G, delayMs: 10.25, jitterMs: 2, lossPct: 0.5, corruptPct: 0.1, duplicatePct: 0.1, reorderPct: 25, limitPackets: 5000 },
};

describe('buildShapingArgv with netem', () => {
  for (const [name, impairment] of Object.entries(WITH_NETEM)) {
    it(name, () => {
      expect(buildShapingArgv('eth1', impairment, { netem: true })).toMatchSnapshot();
    });
  }

  it('puts tbf under netem, on handles of its own', () => {
    const { argvs, mechanism } = buildShapingArgv('eth1', { rateBps: G, delayMs: 20 }, { netem: true });
    expect(mechanism).toBe('tbf+netem');
    expect(argvs[0]).toEqual(expect.arrayContaining(['root', 'handle', '3:', 'netem']));
    expect(argvs[1]).toEqual(expect.arrayContaining(['parent', '3:1', 'handle', '4:', 'tbf']));
  });

  it('always writes corrupt and reorder, so a replace can set them back to 0', () => {
    const argv = buildShapingArgv('eth1', { delayMs: 5 }, { netem: true }).argvs[0]!;
    expect(argv.join(' ')).toContain('corrupt 0% reorder 0%');
  });

  it('formats numbers without float noise', () => {
    const argv = buildShapingArgv('eth1', { delayMs: 0.1 + 0.2, lossPct: 0.1 + 0.2 }, { netem: true }).argvs[0]!;
    expect(argv).toEqual(expect.arrayContaining(['0.3ms', '0.3%']));
    expect(argv.join(' ')).not.toMatch(/e-|0000000/);
  });

  it('rejects jitter or reorder without a delay', () => {
    expect(() => buildShapingArgv('eth1', { jitterMs: 5 }, { netem: true })).toThrow(/jitter needs a delay/);
    expect(() => buildShapingArgv('eth1', { reorderPct: 5 }, { netem: true })).toThrow(/reorder needs a delay/);
  });

  it('treats 0 as off', () => {
    expect(buildShapingArgv('eth1', { delayMs: 0, lossPct: 0 }, { netem: true }).mechanism).toBe('none');
  });

  it('accepts the agent placeholder and refuses names that could smuggle nft syntax', () => {
    expect(buildShapingArgv('@ifname:10.180.0.2', { rateBps: G }, { netem: true }).argvs[0]).toContain('@ifname:10.180.0.2');
    expect(() => buildShapingArgv('eth1 ; flush ruleset', { lossPct: 1 }, { netem: false })).toThrow(/not an interface name/);
  });
});

describe('buildShapingArgv without netem', () => {
  it('loss alone → no tc at all (the loss is the receivers\' nftables drop), mechanism nft-loss', () => {
    const r = buildShapingArgv('eth1', { lossPct: 1 }, { netem: false });
    expect(r).toMatchSnapshot();
    expect(r).toEqual({ argvs: [['tc', 'qdisc', 'replace', 'dev', 'eth1', 'root', 'noqueue']], mechanism: 'nft-loss' });
  });

  it('rate + loss → tbf here, mechanism tbf+nft-loss', () => {
    const r = buildShapingArgv('eth1', { rateBps: G, lossPct: 0.5 }, { netem: false });
    expect(r).toMatchSnapshot();
    expect(r.argvs).toEqual(buildShapingArgv('eth1', { rateBps: G }, { netem: false }).argvs);
    expect(r.mechanism).toBe('tbf+nft-loss');
    expect(r.argvs.flat()).not.toContain('nft');
  });

  it('rate alone → tbf, same as with netem', () => {
    const without = buildShapingArgv('eth1', { rateBps: G }, { netem: false });
    expect(without).toEqual(buildShapingArgv('eth1', { rateBps: G }, { netem: true }));
    expect(without.mechanism).toBe('tbf');
  });

  it('delay → EnvironmentError naming the netem features', () => {
    const run = () => buildShapingArgv('eth1', { delayMs: 20, jitterMs: 2, lossPct: 1 }, { netem: false });
    expect(run).toThrow(EnvironmentError);
    expect(run).toThrow(/sch_netem.*delay, jitter/);
  });
});

describe('netemFeaturesOf', () => {
  it('lists what only netem can do (loss has a fallback, rate never needs netem)', () => {
    expect(netemFeaturesOf({ rateBps: G, lossPct: 1 })).toEqual([]);
    expect(netemFeaturesOf({ delayMs: 20 })).toEqual(['delay']);
    expect(netemFeaturesOf({ delayMs: 20, jitterMs: 1, corruptPct: 1, duplicatePct: 1, reorderPct: 1, limitPackets: 10 })).toEqual([
      'delay',
      'jitter',
      'corrupt',
      'duplicate',
      'reorder',
      'limit',
    ]);
    expect(netemFeaturesOf({ rateBps: G, limitPackets: 10 })).toEqual([]);
  });
});

describe('tbfBurstBytes', () => {
  it('is one GSO super-packet plus 2 ms at the rate', () => {
    expect(tbfBurstBytes(1e9)).toBe(65536 + 250000);
    expect(tbfBurstBytes(10e6)).toBe(65536 + 2500);
  });
});

describe('buildClearArgv', () => {
  it('deletes the root qdisc', () => {
    expect(buildClearArgv('eth1')).toEqual(['tc', 'qdisc', 'del', 'dev', 'eth1', 'root']);
  });
});
