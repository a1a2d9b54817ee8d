/** Host routes as CIDRs, from /proc/net/route (no process spawned). Pure parser. */

function hexToIp(hex: string): number {
  // /proc/net/route prints addresses in host (little-endian) byte order.
  const n = parseInt(hex, 16) >>> 0;
  return (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | (n >>> 24)) >>> 0;
}

/** Every non-default route's destination as `a.b.c.d/len`. */
export function parseProcRoutes(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8) continue;
    const dst = hexToIp(cols[1] ?? '0');
    const mask = hexToIp(cols[7] ?? '0');
    if (mask === 0) continue;
    const len = 32 - Math.log2((~mask >>> 0) + 1);
    out.push(`${dst >>> 24}.${(dst >>> 16) & 255}.${(dst >>> 8) & 255}.${dst & 255}/${len}`);
  }
  return out;
}
