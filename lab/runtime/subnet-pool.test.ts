import { allocateSubnets, cidrRange, overlaps } from './subnet-pool';

describe('subnet pool', () => {
  it('computes CIDR ranges', () => {
    expect(cidrRange('10.180.1.0/24')).toEqual([(10 * 2 ** 24) + (180 << 16) + 256, (10 * 2 ** 24) + (180 << 16) + 511]);
  });
  it('detects overlaps both ways', () => {
    expect(overlaps('10.180.0.0/16', '10.180.5.0/24')).toBe(true);
    expect(overlaps('10.180.5.0/24', '10.180.0.0/16')).toBe(true);
    expect(overlaps('10.180.5.0/24', '10.180.6.0/24')).toBe(false);
  });
  it('skips subnets in use, including a wide one covering part of the pool', () => {
    const got = allocateSubnets(2, ['10.180.0.0/23', '10.180.3.0/24']);
    expect(got).toEqual(['10.180.2.0/24', '10.180.4.0/24']);
  });
  it('rotates the start with the offset and wraps around', () => {
    expect(allocateSubnets(1, [], 1023)).toEqual(['10.183.255.0/24']);
    expect(allocateSubnets(2, [], 1023)).toEqual(['10.183.255.0/24', '10.180.0.0/24']);
  });
  it('fails loudly when the pool is exhausted', () => {
    expect(() => allocateSubnets(1, ['10.180.0.0/14'])).toThrow(/no free \/24/);
  });
});
