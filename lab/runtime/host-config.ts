/**
 * Per-host configuration as data: the sysctls a container is created with, and the one
 * batch of argv steps the agent's `configure` runs in it (MPTCP limits and endpoints,
 * egress shaping, and without netem the ingress loss rules for what the OTHER hosts send
 * it), then the read-back that proves the settings took. Pure.
 */
import type { Impairment, Plan, PlanHost } from '../model/plan';
import { hostAddress } from '../model/plan';
import { buildNftLossArgv, buildShapingArgv, NFT_LOSS_TABLE, verifyShaping, type NftLossRule } from '../tc';

/** A step of the agent's `configure`. */
export type ConfigureStep = { run: string[]; allowFail?: boolean } | { sysctl: string; value: string };

export interface ConfigureRequest {
  steps: ConfigureStep[];
  readback: { sysctls: string[]; devices: string[] };
}

/** What `agent configure` prints (the parts the lab reads). */
export interface ConfigureReport {
  type: 'configured';
  interfaces: Array<{ address: string; ifname: string; iflink: number; prefixLength: number }>;
  sysctls: Record<string, string>;
  /** `ip -j mptcp endpoint show`: flags come as boolean keys (`"signal": true`) on iproute2 6.1. */
  endpoints: Array<{ address?: string; id?: number; flags?: string[]; dev?: string } & Record<string, unknown>>;
  limits: { subflows?: number; add_addr_accepted?: number };
  qdiscs: Record<string, unknown>;
  steps?: Array<{ argv: string[]; ms: number }>;
}

/** The `net.mptcp.*` sysctls a host's container is created with (Docker sets them; /proc/sys is read-only inside). */
export function mptcpSysctls(host: PlanHost): Record<string, string> {
  const m = host.mptcp;
  const sysctls: Record<string, string> = {
    'net.mptcp.enabled': m.enabled ? '1' : '0',
    'net.mptcp.checksum_enabled': m.checksum ? '1' : '0',
    'net.mptcp.pm_type': m.pathManager === 'userspace' ? '1' : '0',
    'net.mptcp.scheduler': m.scheduler,
  };
  for (const [name, value] of Object.entries(m.sysctls)) sysctls[`net.mptcp.${name}`] = value;
  return sysctls;
}

/** The placeholder the agent replaces with the interface holding `address`. */
export function ifnameOf(address: string): string {
  return `@ifname:${address}`;
}

/** Paths a host is on, with its address on each (given the allocated subnets). */
export function hostAddresses(plan: Plan, host: PlanHost, subnets: Record<string, string>): Array<{ path: string; address: string; subnet: string }> {
  return plan.paths
    .filter((p) => p.hosts.includes(host.name))
    .map((p) => {
      const subnet = subnets[p.name] ?? '';
      return { path: p.name, subnet, address: hostAddress(subnet, host.index) };
    });
}

/** Shaping steps for traffic leaving `host` on each of its paths. */
export function shapingSteps(plan: Plan, host: PlanHost, subnets: Record<string, string>, netem: boolean): { steps: ConfigureStep[]; mechanisms: Record<string, string> } {
  const steps: ConfigureStep[] = [];
  const mechanisms: Record<string, string> = {};
  for (const { path, address } of hostAddresses(plan, host, subnets)) {
    const impairment: Impairment = plan.paths.find((p) => p.name === path)?.egress[host.name] ?? {};
    const shaped = buildShapingArgv(ifnameOf(address), impairment, { netem });
    for (const argv of shaped.argvs) steps.push({ run: argv });
    mechanisms[path] = shaped.mechanism;
  }
  return { steps, mechanisms };
}

/** The impairment of traffic leaving `host` on `path` (the plan's, or the one in force at run time). */
export type EgressOf = (path: string, host: string) => Impairment | undefined;

/** The plan's egress impairments. */
export function planEgress(plan: Plan): EgressOf {
  return (path, host) => plan.paths.find((p) => p.name === path)?.egress[host];
}

/**
 * The nftables loss rules `host` enforces on its ingress when netem is missing
 * (lab/tc/nft-loss.ts): for every path it is on and every OTHER host on that path whose
 * egress has a loss, drop that share of what arrives on its interface there from that
 * host's address. Pure; `egressOf` gives the impairments in force (the plan's at bring-up,
 * the current ones after a timeline `impair`).
 */
export function ingressLossRules(plan: Plan, host: PlanHost, subnets: Record<string, string>, egressOf: EgressOf): NftLossRule[] {
  const rules: NftLossRule[] = [];
  for (const { path, address, subnet } of hostAddresses(plan, host, subnets)) {
    const planPath = plan.paths.find((p) => p.name === path)!;
    for (const other of planPath.hosts) {
      if (other === host.name) continue;
      const lossPct = egressOf(path, other)?.lossPct;
      const sender = plan.hosts.find((h) => h.name === other);
      if (!sender || lossPct === undefined || lossPct <= 0) continue;
      rules.push({ ifname: ifnameOf(address), saddr: hostAddress(subnet, sender.index), lossPct });
    }
  }
  return rules;
}

/** The steps that (re)write `host`'s ingress loss chain with these rules (all of them: the chain is flushed first). */
export function ingressLossSteps(rules: readonly NftLossRule[]): ConfigureStep[] {
  return buildNftLossArgv(NFT_LOSS_TABLE, rules).map((run) => ({ run }));
}

/** The whole `configure` request of one host. */
export function buildConfigureRequest(plan: Plan, host: PlanHost, subnets: Record<string, string>, netem: boolean): { request: ConfigureRequest; mechanisms: Record<string, string> } {
  const addresses = hostAddresses(plan, host, subnets);
  const addressOf = (path: string) => addresses.find((a) => a.path === path)?.address ?? '';
  const m = host.mptcp;
  // Docker gives every container a default route via the bridge's gateway; lab hosts only
  // talk on their connected subnets, so stray traffic should fail here rather than reach the host.
  const steps: ConfigureStep[] = [{ run: ['ip', 'route', 'del', 'default'], allowFail: true }];
  if (m.enabled) {
    steps.push({ run: ['ip', 'mptcp', 'endpoint', 'flush'] });
    steps.push({
      run: ['ip', 'mptcp', 'limits', 'set', 'subflows', String(m.limits.subflows), 'add_addr_accepted', String(m.limits.addAddrAccepted)],
    });
    for (const ep of m.endpoints) {
      const address = addressOf(ep.path);
      steps.push({ run: ['ip', 'mptcp', 'endpoint', 'add', address, 'dev', ifnameOf(address), 'id', String(ep.id), ...ep.flags] });
    }
  }
  const shaping = shapingSteps(plan, host, subnets, netem);
  steps.push(...shaping.steps);
  if (!netem) {
    const rules = ingressLossRules(plan, host, subnets, planEgress(plan));
    if (rules.length > 0) steps.push(...ingressLossSteps(rules));
  }
  return {
    request: {
      steps,
      readback: { sysctls: Object.keys(mptcpSysctls(host)), devices: addresses.map((a) => ifnameOf(a.address)) },
    },
    mechanisms: shaping.mechanisms,
  };
}

/** An endpoint's flags, whether iproute2 printed them as a list or as boolean keys. */
export function endpointFlags(ep: { flags?: string[] } & Record<string, unknown>): string[] {
  if (Array.isArray(ep.flags)) return [...ep.flags];
  return ['signal', 'subflow', 'backup', 'fullmesh'].filter((f) => ep[f] === true);
}

/** Compares what a host reports with the plan; returns every mismatch (empty when all took). */
export function verifyHostConfig(plan: Plan, host: PlanHost, subnets: Record<string, string>, report: ConfigureReport, netem: boolean): string[] {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(mptcpSysctls(host))) {
    const got = report.sysctls[name];
    if (got === undefined) problems.push(`${host.name}: sysctl ${name} could not be read back`);
    else if (got.trim() !== want) problems.push(`${host.name}: sysctl ${name} is ${got.trim()}, expected ${want}`);
  }
  const addresses = hostAddresses(plan, host, subnets);
  for (const a of addresses) {
    if (!report.interfaces.some((i) => i.address === a.address)) problems.push(`${host.name}: no interface holds ${a.address} (path ${a.path})`);
  }
  if (host.mptcp.enabled) {
    const lim = report.limits;
    if (lim.subflows !== host.mptcp.limits.subflows || lim.add_addr_accepted !== host.mptcp.limits.addAddrAccepted) {
      problems.push(
        `${host.name}: ip mptcp limits are subflows ${lim.subflows} add_addr_accepted ${lim.add_addr_accepted}, expected ${host.mptcp.limits.subflows} and ${host.mptcp.limits.addAddrAccepted}`,
      );
    }
    for (const ep of host.mptcp.endpoints) {
      const address = addresses.find((a) => a.path === ep.path)?.address;
      const got = report.endpoints.find((e) => e.address === address && e.id === ep.id);
      const want = [...ep.flags].sort().join(',');
      const have = endpointFlags(got ?? {}).sort().join(',');
      if (!got) problems.push(`${host.name}: endpoint id ${ep.id} ${address} (${want}) is missing`);
      else if (have !== want) problems.push(`${host.name}: endpoint id ${ep.id} ${address} has flags ${have}, expected ${want}`);
    }
    if (report.endpoints.length !== host.mptcp.endpoints.length) {
      problems.push(`${host.name}: ${report.endpoints.length} endpoints present, ${host.mptcp.endpoints.length} planned`);
    }
  }
  for (const a of addresses) {
    const iface = report.interfaces.find((i) => i.address === a.address);
    if (!iface) continue;
    const impairment = plan.paths.find((p) => p.name === a.path)?.egress[host.name] ?? {};
    for (const p of verifyShaping(impairment, report.qdiscs[iface.ifname], { netem, ifname: iface.ifname })) problems.push(`${host.name} ${a.path} (${iface.ifname}): ${p}`);
  }
  return problems;
}
