/**
 * The shape of a netns lab, computed once from the Plan: one network namespace per host,
 * one veth pair per (host, path) with its root-side end in the root namespace (where the
 * lab process reads its counters, as with Docker's host veths), and the names, addresses
 * and argv batches that build it. Pure: nothing here touches the kernel.
 *
 * Why no Linux bridge per path: with br_netfilter active (Docker loads it, and sets
 * bridge-nf-call-iptables=1 and the iptables FORWARD policy to DROP), frames bridged in the
 * root namespace go through iptables FORWARD and are dropped (measured: 100 % ping loss over
 * a root-namespace bridge on this machine, the FORWARD policy counter rising), and no
 * per-bridge setting can opt out (the kernel ORs the per-bridge flag with the global one).
 * Instead each root-side veth's ingress redirects (tc mirred) to the other root-side veths
 * of its path: a wire for two hosts, a hub for more. tc ingress runs before the bridge and
 * netfilter, so nothing on the host's firewall sees or changes lab traffic, and no address,
 * route or NAT exists for it in the root namespace: it cannot leave the lab.
 */
import { randomBytes } from 'node:crypto';
import type { Plan } from '../../model/plan';
import { hostAddress } from '../../model/plan';

/** Every object of a netns lab starts with this: namespaces `mlab-<run>-<host>`, root-side veths `mlv<run>…`. */
export const NETNS_PREFIX = 'mlab-';
export const VETH_PREFIX = 'mlv';
/** Run ids are 6 lowercase hex digits, so every interface name fits the kernel's 15 characters. */
export const RUN_ID_PATTERN = /^[0-9a-f]{6}$/;
/** The tc filter priority of the path's forwarding (the blackhole's drop sits before it at pref 1). */
export const FORWARD_PREF = 10;

/** A new run id: 6 hex digits (24 random bits; a clash with a live run is refused at `ip netns add`). */
export function newNetnsRunId(): string {
  return randomBytes(3).toString('hex');
}

function assertRunId(runId: string): string {
  if (!RUN_ID_PATTERN.test(runId)) throw new Error(`netns run id "${runId}" is not 6 lowercase hex digits`);
  return runId;
}

/** The host's network namespace: `mlab-<runId>-<host>` (under /run/netns). */
export function netnsName(runId: string, host: string): string {
  return `${NETNS_PREFIX}${assertRunId(runId)}-${host}`;
}

/** The root-side veth of host number `hostIndex` on path number `pathIndex`: `mlv<runId><h>-<p>`, at most 15 characters. */
export function rootVethName(runId: string, hostIndex: number, pathIndex: number): string {
  const name = `${VETH_PREFIX}${assertRunId(runId)}${hostIndex}-${pathIndex}`;
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n < 100;
  if (!ok(hostIndex) || !ok(pathIndex) || name.length > 15) {
    throw new Error(`no interface name for host ${hostIndex} on path ${pathIndex}: at most 100 hosts and 100 paths per lab`);
  }
  return name;
}

/** The run id inside a lab object's name (a namespace or a root-side veth), or undefined when it is not one of ours. */
export function runIdOf(name: string): string | undefined {
  const ns = /^mlab-([0-9a-f]{6})-/.exec(name);
  if (ns) return ns[1];
  const veth = /^mlv([0-9a-f]{6})\d+-\d+$/.exec(name);
  return veth?.[1];
}

export interface NetnsLink {
  path: string;
  /** In the root namespace; its counters are the path's, seen from outside the host. */
  rootVeth: string;
  /** Inside the host: eth0, eth1, ... in path order, as Docker numbers them. */
  ifname: string;
  address: string;
  prefixLength: number;
}

export interface NetnsHostLayout {
  name: string;
  index: number;
  netns: string;
  links: NetnsLink[];
}

export interface NetnsLayout {
  runId: string;
  hosts: NetnsHostLayout[];
  /** By path name: the subnet and the root-side veths joined on it. */
  paths: Record<string, { subnet: string; rootVeths: string[] }>;
}

/** The lab's layout for a run id and the subnets allocated to its paths. */
export function netnsLayout(plan: Plan, runId: string, subnets: Record<string, string>): NetnsLayout {
  const hosts = plan.hosts.map((h) => {
    const onPaths = plan.paths.filter((p) => p.hosts.includes(h.name));
    return {
      name: h.name,
      index: h.index,
      netns: netnsName(runId, h.name),
      links: onPaths.map((p, k) => {
        const subnet = subnets[p.name];
        if (!subnet) throw new Error(`no subnet allocated for path ${p.name}`);
        return { path: p.name, rootVeth: rootVethName(runId, h.index, p.index), ifname: `eth${k}`, address: hostAddress(subnet, h.index), prefixLength: Number(subnet.split('/')[1] ?? 32) };
      }),
    };
  });
  const paths = Object.fromEntries(
    plan.paths.map((p) => [p.name, { subnet: subnets[p.name]!, rootVeths: hosts.flatMap((h) => h.links.filter((l) => l.path === p.name).map((l) => l.rootVeth)) }]),
  );
  return { runId, hosts, paths };
}

/**
 * `ip -batch -` lines (root namespace) creating every veth pair with its host end already in
 * the host's namespace, then bringing the root ends up. The namespaces must exist.
 */
export function linkBatch(layout: NetnsLayout): string[] {
  const links = layout.hosts.flatMap((h) => h.links.map((l) => ({ h, l })));
  return [
    ...links.map(({ h, l }) => `link add ${l.rootVeth} type veth peer name ${l.ifname} netns ${h.netns}`),
    ...links.map(({ l }) => `link set dev ${l.rootVeth} up`),
  ];
}

/** `ip -n <netns> -batch -` lines inside one host: loopback up, each address on its interface, each interface up. */
export function hostAddressBatch(host: NetnsHostLayout): string[] {
  return [
    'link set dev lo up',
    ...host.links.map((l) => `addr add ${l.address}/${l.prefixLength} dev ${l.ifname}`),
    ...host.links.map((l) => `link set dev ${l.ifname} up`),
  ];
}

/** tc argv for one path's forwarding from one root-side veth: an ingress qdisc, then redirect (or mirror, then redirect) to the others. */
function forwardingFrom(veth: string, others: readonly string[]): string[][] {
  const actions = others.flatMap((o, i) => ['action', 'mirred', 'egress', i === others.length - 1 ? 'redirect' : 'mirror', 'dev', o]);
  return [
    ['qdisc', 'add', 'dev', veth, 'ingress'],
    ['filter', 'add', 'dev', veth, 'parent', 'ffff:', 'protocol', 'all', 'pref', String(FORWARD_PREF), 'u32', 'match', 'u32', '0', '0', ...actions],
  ];
}

/** tc argv (root namespace) joining every path's root-side veths: each one's ingress goes to all the others. */
export function forwardingArgv(layout: NetnsLayout, path?: string): string[][] {
  return Object.entries(layout.paths)
    .filter(([name]) => path === undefined || name === path)
    .flatMap(([, p]) => (p.rootVeths.length < 2 ? [] : p.rootVeths.flatMap((v) => forwardingFrom(v, p.rootVeths.filter((o) => o !== v)))));
}

/** The same, as `tc -batch -` lines. */
export function forwardingBatch(layout: NetnsLayout): string[] {
  return forwardingArgv(layout).map((argv) => argv.join(' '));
}

/**
 * The blackhole's undo for a netns lab. lab/tc's buildUnblackholeArgv deletes the whole
 * ingress qdisc, which here also holds the path's forwarding: delete only the drop filter
 * (pref 1) that buildBlackholeArgv('tc-bpf') put before it.
 */
export function unblackholeArgv(rootVeth: string): string[] {
  return ['tc', 'filter', 'del', 'dev', rootVeth, 'parent', 'ffff:', 'pref', '1'];
}
