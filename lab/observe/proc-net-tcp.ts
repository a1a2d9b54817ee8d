/**
 * `/proc/<pid>/net/tcp` and `tcp6`: one socket per line, addresses as hex in host byte
 * order (x86: little-endian 32-bit words), ports as big-endian hex. MPTCP subflows are
 * ordinary TCP sockets here, so established sockets on the traffic port are the subflows.
 */

/** The kernel's TCP states (include/net/tcp_states.h), indexed by their hex code. */
const STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'];

export interface TcpSocket {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: string;
  inode: number;
}

/** One 32-bit word of /proc hex, host order (little-endian) → its 4 bytes in network order. */
function wordBytes(hex8: string): number[] {
  const n = parseInt(hex8, 16) >>> 0;
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join('.');
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  // IPv4-mapped (::ffff:a.b.c.d): a dual-stack listener's IPv4 peers; shown as IPv4 so they match lab addresses.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return bytes.slice(12).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

/** Parses /proc/net/tcp or tcp6 text (several files may be concatenated: header lines are skipped). */
export function parseProcNetTcp(text: string): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!/^\d+:$/.test(f[0] ?? '')) continue;
    const [local, remote, st, , , , , , inode] = f.slice(1);
    const [la, lp] = (local ?? '').split(':');
    const [ra, rp] = (remote ?? '').split(':');
    if (!la || !lp || !ra || !rp || !st) continue;
    sockets.push({
      localAddress: decodeAddress(la),
      localPort: parseInt(lp, 16),
      remoteAddress: decodeAddress(ra),
      remotePort: parseInt(rp, 16),
      state: STATES[parseInt(st, 16)] ?? `0x${st}`,
      inode: Number(inode ?? 0),
    });
  }
  return sockets;
}

/** Established sockets to or from `port`: the total, and (when asked) per local address, i.e. per path. */
export function countEstablished(sockets: readonly TcpSocket[], opts: { port: number; byLocalAddress?: boolean }): { total: number; byLocalAddress?: Record<string, number> } {
  const hits = sockets.filter((s) => s.state === 'ESTABLISHED' && (s.localPort === opts.port || s.remotePort === opts.port));
  if (!opts.byLocalAddress) return { total: hits.length };
  const byLocalAddress: Record<string, number> = {};
  for (const s of hits) byLocalAddress[s.localAddress] = (byLocalAddress[s.localAddress] ?? 0) + 1;
  return { total: hits.length, byLocalAddress };
}
