/** IPv4 subnet arithmetic for checking the subnets a topology gives (no I/O). */

export interface Ipv4Subnet {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
  /** Number of addresses in the subnet. */
  size: number;
}

/** Parses `a.b.c.d/p`; throws a message saying what is wrong (octet range, host bits). */
export function parseSubnet(text: string): Ipv4Subnet {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) throw new Error(`expected an IPv4 subnet such as 10.180.0.0/24, got "${text}"`);
  const octets = m.slice(1, 5).map(Number);
  const bad = octets.find((o) => o > 255);
  if (bad !== undefined) throw new Error(`${text} is not an IPv4 subnet: octet ${bad} is above 255`);
  const prefix = Number(m[5]);
  const address = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const base = address - (address % size);
  if (base !== address) {
    throw new Error(`${text} is not a network address (its host bits are set); did you mean ${formatAddress(base)}/${prefix}?`);
  }
  const reserved = RESERVED.find((r) => overlaps(r.subnet, { base, prefix, size }));
  if (reserved) {
    throw new Error(`${text} is in ${reserved.text}, ${reserved.what}: it cannot be a lab network; use a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
  }
  return { base, prefix, size };
}

function range(text: string, what: string): { subnet: Ipv4Subnet; text: string; what: string } {
  const [addr, bits] = text.split('/');
  const prefix = Number(bits);
  const base = (addr ?? '').split('.').reduce((n, o) => n * 256 + Number(o), 0);
  return { subnet: { base, prefix, size: 2 ** (32 - prefix) }, text, what };
}

/** Ranges that are never a network between hosts (RFC 6890): a lab subnet in one is refused. */
const RESERVED = [
  range('0.0.0.0/8', '"this network" (addresses as sources only)'),
  range('127.0.0.0/8', 'loopback (it never leaves a host)'),
  range('169.254.0.0/16', 'link-local (self-assigned addresses, not routed)'),
  range('224.0.0.0/4', 'multicast (group addresses, not hosts)'),
  range('240.0.0.0/4', 'reserved (240/4, including the broadcast address 255.255.255.255)'),
];

/** Whether two subnets share any address. */
export function overlaps(a: Ipv4Subnet, b: Ipv4Subnet): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Unsigned 32-bit number → dotted quad. */
export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
