/**
 * Middlebox faults on a path, as nftables rules in the RECEIVING hosts' ingress (prerouting,
 * priority -290: after the loss rules of lab/tc/nft-loss.ts, before conntrack). A fault on
 * traffic leaving host H on path P is enforced by every other host on P, matching
 * `iifname <its interface on P> ip saddr <H's address on P>`; a fault on both directions
 * matches the interface alone. The whole chain is rewritten from the faults in force each
 * time, so removing a path's fault (unfault) is rewriting without it.
 *
 * What each mode is, and what was measured on kernel 6.18 with nft 1.0.6 (two netns, two
 * veth pairs through bridges, a Python MPTCP sender of 20 MB, 2026-12-02):
 * - `rewrite`: `@ih,0,32 set 0xdeadbeef` on TCP segments with at least 4 payload bytes
 *   (`ip length >= 84`: a 20-byte IP header and at most 60 of TCP), one in `every`
 *   (`numgen inc mod N 0`, deterministic). nft's raw payload statement updates no checksum,
 *   and on a veth the segment arrives CHECKSUM_PARTIAL/UNNECESSARY, so TCP does not verify
 *   its own checksum: the rewritten bytes reach MPTCP, as from a middlebox that fixes the
 *   TCP checksum. Measured, checksums on: DataCsumErr 1, MPFailTx 1 and MPRstTx 1 on the
 *   receiver, MPFailRx 1 and MPRstRx 1 on the sender, SHA-256 equal (the data went again on
 *   the other subflow). Checksums off: no counter moved and the SHA-256 differed.
 *   (tc pedit would do the same where act_pedit is built; this kernel has no act_pedit.)
 * - `strip-options`: `reset tcp option mptcp` (nft_exthdr overwrites option kind 30 with
 *   NOPs and fixes the TCP checksum). On the client's SYN: the server answers plain TCP and
 *   the client counts MPCapableFallbackSYNACK 1; the transfer completes over TCP.
 * - `drop-syn-mptcp`: `tcp flags syn tcp option mptcp exists drop` (flags syn: the SYN bit
 *   set, so SYN-ACKs too). On the second path: MPJoinSynTx 1 on the client, no MPJoinSynRx
 *   on the server, one subflow.
 * - `reset`: `reject with tcp reset` on every TCP segment (the receiving host answers each
 *   with a RST from the address it was sent to): the join on that path was reset at its
 *   SYN-ACK. A plain RST carries no MP_RST option: MPRstTx/Rx do not count it.
 * iptables TCPOPTSTRIP is built too, but nft does all four in one table with no xt module.
 * nft joins its argv and parses it: names and addresses are checked (lab/tc/ifname.ts).
 */
import type { FaultMode } from '../model/plan';
import { assertIfname, assertNftName } from './ifname';

export const NFT_FAULT_TABLE = 'mlab_fault';
export const NFT_FAULT_CHAIN = 'ingress_fault';
/** What `rewrite` writes over the first 4 payload bytes. */
export const REWRITE_VALUE = '0xdeadbeef';
/** A segment with at least 4 payload bytes: 20 B of IP header, at most 60 B of TCP header, 4 B. */
export const REWRITE_MIN_IP_LENGTH = 84;

/** One fault as one receiving host enforces it. */
export interface NftFaultRule {
  /** The receiving interface (kernel name or the agent's `@ifname:<IPv4>` placeholder). */
  ifname: string;
  /** Only what comes from this address (the sender's on the path); absent: everything arriving there. */
  saddr?: string;
  mode: FaultMode;
  /** rewrite: one matching segment in this many. */
  every?: number;
}

function assertIpv4(address: string): string {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) throw new Error(`"${address}" is not a dotted IPv4 address`);
  return address;
}

/** The nft rule (argv after `nft add rule inet TABLE CHAIN`) for one fault. */
export function faultRuleArgs(rule: NftFaultRule): string[] {
  const match = ['iifname', assertIfname(rule.ifname), ...(rule.saddr !== undefined ? ['ip', 'saddr', assertIpv4(rule.saddr)] : []), 'meta', 'l4proto', 'tcp'];
  switch (rule.mode) {
    case 'rewrite': {
      const every = rule.every ?? 1;
      if (!Number.isInteger(every) || every < 1) throw new Error(`every must be a whole number ≥ 1, got ${every}`);
      const draw = every > 1 ? ['numgen', 'inc', 'mod', String(every), '0'] : [];
      return [...match, 'ip', 'length', '>=', String(REWRITE_MIN_IP_LENGTH), ...draw, 'counter', '@ih,0,32', 'set', REWRITE_VALUE];
    }
    case 'strip-options':
      return [...match, 'counter', 'reset', 'tcp', 'option', 'mptcp'];
    case 'drop-syn-mptcp':
      return [...match, 'tcp', 'flags', 'syn', 'tcp', 'option', 'mptcp', 'exists', 'counter', 'drop'];
    case 'reset':
      return [...match, 'counter', 'reject', 'with', 'tcp', 'reset'];
  }
}

/**
 * argv arrays that put exactly `rules` in force on a host, idempotently: the table and chain
 * made if missing, the chain emptied, one rule per fault. An empty list takes every fault off.
 */
export function buildFaultArgv(rules: readonly NftFaultRule[], table: string = NFT_FAULT_TABLE): string[][] {
  const t = assertNftName(table);
  return [
    ['nft', 'add', 'table', 'inet', t],
    ['nft', 'add', 'chain', 'inet', t, NFT_FAULT_CHAIN, '{', 'type', 'filter', 'hook', 'prerouting', 'priority', '-290', ';', 'policy', 'accept', ';', '}'],
    ['nft', 'flush', 'chain', 'inet', t, NFT_FAULT_CHAIN],
    ...rules.map((r) => ['nft', 'add', 'rule', 'inet', t, NFT_FAULT_CHAIN, ...faultRuleArgs(r)]),
  ];
}

/**
 * The same commands as one nft script (`nft -f -` reads it from stdin): applied as ONE
 * transaction, and one exec instead of one per command. nft joins argv with spaces and parses
 * the result, so the script is the argv words joined the same way, one command a line; every
 * name and address in it was checked when the argv was built.
 */
export function faultScript(argvs: readonly string[][]): string {
  return argvs.map((a) => {
    if (a[0] !== 'nft') throw new Error(`not an nft command: ${a.join(' ')}`);
    return a.slice(1).join(' ');
  }).join('\n') + '\n';
}

/** argv that removes the fault table (teardown; fails harmlessly when there is none). */
export function buildUnfaultAllArgv(table: string = NFT_FAULT_TABLE): string[][] {
  return [['nft', 'delete', 'table', 'inet', assertNftName(table)]];
}

/** A host's interface on a path, as the fault rules need it. */
export interface FaultPathEnd {
  host: string;
  ifname: string;
  address: string;
}

/**
 * The rules each host must hold for the faults in force: `ends(path)` lists the hosts on a
 * path with their interface and address. A fault `from` H is held by every other host on the
 * path, matching H's address; a fault on both directions by every host on the path.
 */
export function faultRulesByHost(
  faults: ReadonlyMap<string, { mode: FaultMode; from?: string; every?: number }>,
  ends: (path: string) => readonly FaultPathEnd[],
): Map<string, NftFaultRule[]> {
  const out = new Map<string, NftFaultRule[]>();
  for (const [path, f] of faults) {
    const on = ends(path);
    const sender = f.from !== undefined ? on.find((e) => e.host === f.from) : undefined;
    if (f.from !== undefined && !sender) throw new Error(`fault on ${path}: host ${f.from} is not on that path (its hosts: ${on.map((e) => e.host).join(', ')})`);
    for (const e of on) {
      if (sender && e.host === sender.host) continue;
      const rule: NftFaultRule = { ifname: e.ifname, mode: f.mode, ...(sender ? { saddr: sender.address } : {}), ...(f.every !== undefined ? { every: f.every } : {}) };
      out.set(e.host, [...(out.get(e.host) ?? []), rule]);
    }
  }
  return out;
}

/** `rewrite from pc1 (1 segment in 20)`, for event details and reports. */
export function describeFault(f: { mode: FaultMode; from?: string; every?: number }): string {
  const dir = f.from !== undefined ? ` of traffic from ${f.from}` : ' (both directions)';
  const every = f.mode === 'rewrite' ? (f.every !== undefined && f.every > 1 ? `, 1 data segment in ${f.every}` : ', every data segment') : '';
  return `${f.mode}${dir}${every}`;
}
