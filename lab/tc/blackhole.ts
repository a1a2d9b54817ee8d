/**
 * A blackhole: every packet entering the bridge from a host-side veth is dropped at that
 * veth's ingress, while the link (carrier) stays up. Applied on every host veth of a path,
 * both directions die, as when a switch in the middle silently stops forwarding.
 *
 * What works where (checked on kernel 6.18 with veth pairs on a bridge in throwaway netns):
 * - `u32 ... action drop` and `matchall action drop` FAIL there: act_gact and cls_matchall
 *   are not built ("Failed to load TC action module", "TC classifier not found").
 * - `tc-bpf` (default): a one-instruction classic BPF program in direct-action mode,
 *   `ret #2` = TC_ACT_SHOT. Needs only the ingress qdisc and cls_bpf, no action module.
 * - `nft-netdev` (fallback): an nftables netdev-family chain on the veth's ingress hook with
 *   policy drop. Needs nf_tables with the netdev family.
 * Both dropped all traffic with the carrier up, and removing them restored it.
 */
import { assertIfname } from './ifname';

export type BlackholeMethod = 'tc-bpf' | 'nft-netdev';
/** In order of preference. */
export const BLACKHOLE_METHODS: readonly BlackholeMethod[] = ['tc-bpf', 'nft-netdev'];

/** Classic BPF: 1 instruction, BPF_RET|BPF_K (opcode 6) returning 2 (TC_ACT_SHOT under `da`). */
const DROP_ALL_CBPF = '1,6 0 0 2,';

function nftTableOf(veth: string): string {
  return `mlab_bh_${veth.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** argv arrays (run on the Docker host, in order) that drop everything entering the bridge from `hostVeth`. Idempotent. */
export function buildBlackholeArgv(hostVeth: string, method: BlackholeMethod = 'tc-bpf'): string[][] {
  const dev = assertIfname(hostVeth);
  if (method === 'nft-netdev') {
    const table = nftTableOf(dev);
    return [
      ['nft', 'add', 'table', 'netdev', table],
      ['nft', 'add', 'chain', 'netdev', table, 'drop_all', '{', 'type', 'filter', 'hook', 'ingress', 'device', dev, 'priority', '0', ';', 'policy', 'drop', ';', '}'],
    ];
  }
  return [
    ['tc', 'qdisc', 'replace', 'dev', dev, 'ingress'],
    ['tc', 'filter', 'replace', 'dev', dev, 'parent', 'ffff:', 'protocol', 'all', 'pref', '1', 'handle', '1', 'bpf', 'da', 'bytecode', DROP_ALL_CBPF],
  ];
}

/** argv arrays that undo buildBlackholeArgv (they fail if no blackhole is in place: "Invalid handle" / "No such file or directory"). */
export function buildUnblackholeArgv(hostVeth: string, method: BlackholeMethod = 'tc-bpf'): string[][] {
  const dev = assertIfname(hostVeth);
  if (method === 'nft-netdev') return [['nft', 'delete', 'table', 'netdev', nftTableOf(dev)]];
  // Deleting the ingress qdisc takes its filters with it; the lab's veths have no other ingress use.
  return [['tc', 'qdisc', 'del', 'dev', dev, 'ingress']];
}
