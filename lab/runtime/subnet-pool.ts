/**
 * Subnet allocation for lab networks: /24s from a private pool, skipping every network
 * already present (Docker networks and host routes), so labs never collide with each
 * other or with the host. Allocation is pure; gathering what is in use is not.
 */

/** The pool: 10.180.0.0/14, i.e. 1024 /24s from 10.180.0.0 to 10.183.255.0. */
export const POOL_BASE = (10 << 24) | (180 << 16);
export const POOL_SIZE_24 = 1024;

/** `10.1.2.0/24` → [start, end] as unsigned 32-bit integers (inclusive). */
export function cidrRange(cidr: string): [number, number] {
  const [addr, prefixText] = cidr.split('/');
  const prefix = Number(prefixText ?? '32');
  const o = (addr ?? '').split('.').map(Number);
  const ip = ((((o[0] ?? 0) << 24) >>> 0) + ((o[1] ?? 0) << 16) + ((o[2] ?? 0) << 8) + (o[3] ?? 0)) >>> 0;
  const size = prefix >= 32 ? 1 : 2 ** (32 - prefix);
  const start = Math.floor(ip / size) * size;
  return [start, start + size - 1];
}

function toCidr24(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.0/24`;
}

/** True when two CIDRs share any address. */
export function overlaps(a: string, b: string): boolean {
  const [a0, a1] = cidrRange(a);
  const [b0, b1] = cidrRange(b);
  return a0 <= b1 && b0 <= a1;
}

/**
 * Picks `count` free /24s from the pool. `offset` rotates the starting point so parallel
 * labs tend to pick different subnets (a race still ends in Docker refusing the overlap,
 * which the caller retries).
 */
export function allocateSubnets(count: number, inUse: readonly string[], offset = 0): string[] {
  const picked: string[] = [];
  for (let k = 0; k < POOL_SIZE_24 && picked.length < count; k++) {
    const candidate = toCidr24((POOL_BASE + ((offset + k) % POOL_SIZE_24) * 256) >>> 0);
    if (inUse.some((u) => overlaps(u, candidate)) || picked.includes(candidate)) continue;
    picked.push(candidate);
  }
  if (picked.length < count) throw new Error(`no free /24 left in 10.180.0.0/14 for ${count} lab networks`);
  return picked;
}
