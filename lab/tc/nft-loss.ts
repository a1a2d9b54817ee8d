/**
 * Random loss without sch_netem: an nftables rule on the egress (postrouting) hook that
 * drops a packet when `numgen random mod 10000` falls below loss × 100 (0.01 % steps).
 * Like netem, it sees GSO super-packets before segmentation, so one drop can take out
 * up to 64 KiB of a TCP burst: both count loss per skb, not per wire frame.
 * nft joins its argv into one string and parses it; names are checked (lab/tc/ifname.ts)
 * and the interface name stays one argv element so the agent's placeholder can be replaced.
 */
import { assertIfname, assertNftName } from './ifname';

/** The chain each lab table holds (one table per path, so one interface per container). */
export const NFT_LOSS_CHAIN = 'egress_loss';
/** Resolution of the random draw. */
export const NFT_LOSS_SCALE = 10000;

/** loss percent → the threshold N in `numgen random mod 10000 < N`. */
export function nftLossThreshold(lossPct: number): number {
  return Math.min(NFT_LOSS_SCALE, Math.max(0, Math.round(lossPct * 100)));
}

/**
 * argv arrays that make traffic leaving `ifname` lose `lossPct` percent, idempotently:
 * create the table and chain if missing, empty the chain, add the one rule.
 */
export function buildNftLossArgv(ifname: string, lossPct: number, tableName: string): string[][] {
  const table = assertNftName(tableName);
  const dev = assertIfname(ifname);
  const threshold = nftLossThreshold(lossPct);
  // nft rejects `< 10000` after `mod 10000` (the value must fit the draw's range): 100 % drops unconditionally.
  const draw = threshold >= NFT_LOSS_SCALE ? [] : ['numgen', 'random', 'mod', String(NFT_LOSS_SCALE), '<', String(threshold)];
  return [
    ['nft', 'add', 'table', 'inet', table],
    ['nft', 'add', 'chain', 'inet', table, NFT_LOSS_CHAIN, '{', 'type', 'filter', 'hook', 'postrouting', 'priority', '0', ';', 'policy', 'accept', ';', '}'],
    ['nft', 'flush', 'chain', 'inet', table, NFT_LOSS_CHAIN],
    ['nft', 'add', 'rule', 'inet', table, NFT_LOSS_CHAIN, 'oifname', dev, ...draw, 'counter', 'drop'],
  ];
}

/** argv that removes the loss rule (the caller ignores "No such file or directory" if it was never added). */
export function buildNftLossRemovalArgv(tableName: string): string[][] {
  return [['nft', 'delete', 'chain', 'inet', assertNftName(tableName), NFT_LOSS_CHAIN]];
}
