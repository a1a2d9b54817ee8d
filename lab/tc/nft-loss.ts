/**
 * Random loss without sch_netem: an nftables rule on the RECEIVING host's ingress
 * (prerouting, priority -300: before conntrack and anything else) that drops a packet from
 * the sender's address on the path when `numgen random mod 10000` falls below loss × 100
 * (0.01 % steps). The impairment of traffic leaving host H on path P is thus enforced by
 * every other host on P, matching `iifname <its interface on P> ip saddr <H's address on P>`.
 *
 * Why the receiver, not the sender's egress: a packet dropped in the sender's own output
 * path (postrouting) is a local transmit error to TCP, which sends it again at once with no
 * loss recovery. Measured in a lab at 1 %: 46-70 drops per run and 0 retransmitted
 * segments, the same goodput as with no loss. Dropped after it crossed the "wire", the
 * packet is really lost: SACK recovery, fast retransmits, loss probes (about 2500
 * retransmitted segments per run), as netem's loss on the sender's egress gives.
 *
 * Like netem, the rule may see GRO/GSO super-packets, so one drop can take out up to 64 KiB
 * of a TCP burst: both count loss per skb, not per wire frame.
 * nft joins its argv into one string and parses it; names and addresses are checked
 * (lab/tc/ifname.ts) and the interface name stays one argv element so the agent's
 * `@ifname:` placeholder can be replaced.
 */
import { assertIfname, assertNftName } from './ifname';

/** The table the loss rules live in (one per host, holding every path's rules). */
export const NFT_LOSS_TABLE = 'mlab_loss';
/** The chain in that table. */
export const NFT_LOSS_CHAIN = 'ingress_loss';
/** Resolution of the random draw. */
export const NFT_LOSS_SCALE = 10000;

/** One rule: drop `lossPct` percent of what arrives on `ifname` from `saddr`. */
export interface NftLossRule {
  /** The receiving interface: a kernel name or the agent's `@ifname:<IPv4>` placeholder. */
  ifname: string;
  /** The sender's IPv4 address on the path. */
  saddr: string;
  lossPct: number;
}

/** loss percent → the threshold N in `numgen random mod 10000 < N`. */
export function nftLossThreshold(lossPct: number): number {
  return Math.min(NFT_LOSS_SCALE, Math.max(0, Math.round(lossPct * 100)));
}

function assertIpv4(address: string): string {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) {
    throw new Error(`"${address}" is not a dotted IPv4 address`);
  }
  return address;
}

/**
 * argv arrays that make a host's ingress lose what the rules ask for, idempotently: create
 * the table and chain if missing, empty the chain, add one rule per entry. The whole set is
 * rewritten each time, so an empty list (or rules at 0 %, which are left out) takes every
 * loss back off.
 */
export function buildNftLossArgv(tableName: string, rules: readonly NftLossRule[]): string[][] {
  const table = assertNftName(tableName);
  const argvs: string[][] = [
    ['nft', 'add', 'table', 'inet', table],
    ['nft', 'add', 'chain', 'inet', table, NFT_LOSS_CHAIN, '{', 'type', 'filter', 'hook', 'prerouting', 'priority', '-300', ';', 'policy', 'accept', ';', '}'],
    ['nft', 'flush', 'chain', 'inet', table, NFT_LOSS_CHAIN],
  ];
  for (const rule of rules) {
    const dev = assertIfname(rule.ifname);
    const saddr = assertIpv4(rule.saddr);
    const threshold = nftLossThreshold(rule.lossPct);
    if (threshold <= 0) continue;
    // nft rejects `< 10000` after `mod 10000` (the value must fit the draw's range): 100 % drops unconditionally.
    const draw = threshold >= NFT_LOSS_SCALE ? [] : ['numgen', 'random', 'mod', String(NFT_LOSS_SCALE), '<', String(threshold)];
    argvs.push(['nft', 'add', 'rule', 'inet', table, NFT_LOSS_CHAIN, 'iifname', dev, 'ip', 'saddr', saddr, ...draw, 'counter', 'drop']);
  }
  return argvs;
}
