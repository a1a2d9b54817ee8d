import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTcQdiscJson, verifyShaping } from './readback';

const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe('parseTcQdiscJson', () => {
  it('reads a captured tbf', () => {
    expect(parseTcQdiscJson(fixture('tbf-1gbit.json'))).toEqual([
      { kind: 'tbf', handle: '1:', root: true, options: { rate: 125000000, burst: 315500, lat: 20000 } },
    ]);
  });

  it('keeps the parent of a child qdisc', () => {
    expect(parseTcQdiscJson(fixture('netem-tbf.json'))[1]).toMatchObject({ kind: 'tbf', parent: '3:1', root: false });
  });

  it('treats empty output as no qdiscs and refuses text that is not a JSON array', () => {
    expect(parseTcQdiscJson('  \n')).toEqual([]);
    expect(() => parseTcQdiscJson('qdisc noqueue 0: root')).toThrow(/not JSON/);
    expect(() => parseTcQdiscJson('{}')).toThrow(/not a JSON array/);
  });
});

describe('verifyShaping', () => {
  it('passes a tbf that took', () => {
    expect(verifyShaping({ rateBps: 1e9 }, fixture('tbf-1gbit.json'))).toEqual([]);
    expect(verifyShaping({ rateBps: 100e6, limitPackets: 100 }, parseTcQdiscJson(fixture('tbf-100mbit-limit.json')))).toEqual([]);
  });

  it('reports a missing or wrong tbf', () => {
    expect(verifyShaping({ rateBps: 1e9 }, fixture('default-noqueue.json'), { ifname: 'eth1' })).toEqual([
      'expected tbf rate 1gbit on eth1, found noqueue 0:',
    ]);
    expect(verifyShaping({ rateBps: 2e9 }, fixture('tbf-1gbit.json'))).toEqual(['tbf rate is 1gbit, expected 2gbit']);
  });

  it('reports shaping nobody asked for', () => {
    expect(verifyShaping({}, fixture('tbf-1gbit.json'))).toEqual(['unexpected tbf 1: (no rate asked for)']);
    expect(verifyShaping({}, fixture('noqueue.json'))).toEqual([]);
  });

  it('passes netem over tbf, and checks every netem field', () => {
    const imp = { rateBps: 1e9, delayMs: 20, jitterMs: 5, lossPct: 1 };
    expect(verifyShaping(imp, fixture('netem-tbf.json'), { netem: true })).toEqual([]);
    expect(verifyShaping({ ...imp, delayMs: 30, lossPct: 2 }, fixture('netem-tbf.json'))).toEqual([
      'netem delay is 20ms, expected 30ms',
      'netem loss is 1%, expected 2%',
    ]);
    const all = { delayMs: 10, jitterMs: 2, lossPct: 0.5, duplicatePct: 0.1, reorderPct: 25, corruptPct: 0.1, limitPackets: 500 };
    expect(verifyShaping(all, fixture('netem-all.json'))).toEqual([]);
    expect(verifyShaping({ ...all, corruptPct: undefined, limitPackets: 1000 }, fixture('netem-all.json'))).toEqual([
      'netem corrupt is 0.1%, expected 0%',
      'netem limit is 500, expected 1000',
    ]);
  });

  it('reports tbf at the root when netem was asked for too', () => {
    expect(verifyShaping({ rateBps: 1e9, delayMs: 20 }, fixture('tbf-1gbit.json'))).toEqual(['expected netem (delay), found tbf 1:']);
  });

  it('accepts loss without netem as the nftables fallback, unless netem was used', () => {
    expect(verifyShaping({ rateBps: 1e9, lossPct: 1 }, fixture('tbf-1gbit.json'))).toEqual([]);
    expect(verifyShaping({ rateBps: 1e9, lossPct: 1 }, fixture('tbf-1gbit.json'), { netem: false })).toEqual([]);
    expect(verifyShaping({ rateBps: 1e9, lossPct: 1 }, fixture('tbf-1gbit.json'), { netem: true })).toEqual(['expected netem (loss), found tbf 1:']);
  });

  it('reports a read-back that is not there', () => {
    expect(verifyShaping({ rateBps: 1e9 }, undefined, { ifname: 'eth1' })).toEqual(['no qdisc read-back on eth1 (got nothing)']);
  });
});
