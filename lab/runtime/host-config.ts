/**
 * Per-host configuration as data: the sysctls a container is created with (MPTCP, and the
 * TCP stack's congestion control and buffers), and the one
 * batch of argv steps the agent's `configure` runs in it (MPTCP limits and endpoints,
 * egress shaping, and without netem the ingress loss rules for what the OTHER hosts send
 * it), then the read-back that proves the settings took. Pure.
 */
import { readFile } from 'node:fs/promises';
import { EnvironmentError, LabError } from '../model/errors';
import type { Impairment, Plan, PlanHost, PlanTcp } from '../model/plan';
import { DEFAULT_TCP, hostAddress } from '../model/plan';
import { buildNftLossArgv, buildShapingArgv, NFT_LOSS_TABLE, verifyShaping, type NftLossRule } from '../tc';

/** Where the lab image keeps the agent (lab/image/Dockerfile copies it there). */
export const AGENT_PATH = '/opt/mptcp-lab/agent.js';

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
  };
  // Kernels before 6.6 have no net.mptcp.scheduler (their one scheduler is the default): set it only when asked for another.
  if (m.scheduler !== 'default') sysctls['net.mptcp.scheduler'] = m.scheduler;
  for (const [name, value] of Object.entries(m.sysctls)) sysctls[`net.mptcp.${name}`] = value;
  return sysctls;
}

/** The TCP settings a host runs with: its own, or DEFAULT_TCP for a plan that names none. */
export function hostTcp(host: PlanHost): PlanTcp {
  return host.tcp ?? DEFAULT_TCP;
}

/**
 * The `net.ipv4.tcp_*` sysctls a host's container is created with (namespaced, so Docker sets
 * them per container): congestion control always, rmem/wmem when the settings give them
 * (`min default max`, as the kernel takes them).
 */
export function tcpSysctls(host: PlanHost): Record<string, string> {
  const tcp = hostTcp(host);
  const sysctls: Record<string, string> = { 'net.ipv4.tcp_congestion_control': tcp.congestionControl };
  if (tcp.rmem) sysctls['net.ipv4.tcp_rmem'] = tcp.rmem.join(' ');
  if (tcp.wmem) sysctls['net.ipv4.tcp_wmem'] = tcp.wmem.join(' ');
  return sysctls;
}

/** Every sysctl a host's container is created with (MPTCP and TCP), as Docker's HostConfig.Sysctls. */
export function hostSysctls(host: PlanHost): Record<string, string> {
  return { ...mptcpSysctls(host), ...tcpSysctls(host) };
}

/**
 * Refuses (EnvironmentError, exit 3) a congestion control that the lab's containers cannot
 * get, before anything starts. A network namespace other than the host's may only make an
 * algorithm its default if it is in net.ipv4.tcp_allowed_congestion_control (the kernel says
 * EPERM otherwise, and Docker then fails the container's start); an algorithm that is not
 * even available (tcp_available_congestion_control) would have to be a module loaded on the
 * host first, and a module loaded later is not allowed either until the host says so.
 * `available` and `allowed` are the host's two lists, as read from /proc/sys/net/ipv4.
 */
export function requireCongestionControl(plan: Pick<Plan, 'hosts'>, available: readonly string[], allowed: readonly string[]): void {
  const wanted = new Map<string, string[]>();
  for (const h of plan.hosts) {
    const cc = hostTcp(h).congestionControl;
    wanted.set(cc, [...(wanted.get(cc) ?? []), h.name]);
  }
  const refused = [...wanted].filter(([cc]) => !allowed.includes(cc));
  if (refused.length === 0) return;
  const offers = `this kernel offers ${available.join(' ') || 'none'} (tcp_available_congestion_control); a lab host (a network namespace) may use ${allowed.join(' ') || 'none'} (tcp_allowed_congestion_control)`;
  const what = refused.map(([cc, hosts]) => `${cc} (${available.includes(cc) ? 'available but not allowed in a namespace' : 'not available'}; hosts ${hosts.join(', ')})`).join(', ');
  const names = refused.map(([cc]) => cc);
  const notLoaded = names.filter((cc) => !available.includes(cc));
  const allow = `sysctl -w net.ipv4.tcp_allowed_congestion_control="${[...allowed, ...names].join(' ')}"`;
  const hint = [
    `Choose one the hosts may use (${allowed.join(', ') || 'none'}: set hosts.<name>.tcp.congestionControl), or on the Docker host`,
    notLoaded.length ? ` load ${notLoaded.map((cc) => `tcp_${cc}`).join(', ')} (modprobe) and` : '',
    ` allow it for namespaces: ${allow}`,
  ].join('');
  throw new EnvironmentError(`TCP congestion control ${names.join(', ')}`, `${hint}.`, `${what}; ${offers}`);
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
      readback: { sysctls: Object.keys(hostSysctls(host)), devices: addresses.map((a) => ifnameOf(a.address)) },
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
  for (const [name, want] of Object.entries(hostSysctls(host))) {
    const got = report.sysctls[name];
    // The kernel prints tcp_rmem/tcp_wmem with tabs: compare the words.
    const have = typeof got === 'string' ? got.trim().split(/\s+/).join(' ') : undefined;
    if (have === undefined) problems.push(`${host.name}: sysctl ${name} could not be read back`);
    else if (have !== want) problems.push(`${host.name}: sysctl ${name} is ${have}, expected ${want}`);
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

/** Parses the agent's one `configured` JSON line (or its error line). */
export function parseConfigureOutput(hostName: string, stdout: string, stderr: string, exitCode: number): ConfigureReport {
  const lines = stdout.split('\n').filter((l) => l.trim().startsWith('{'));
  for (const line of lines.reverse()) {
    const obj = JSON.parse(line) as { type?: string; message?: string };
    if (obj.type === 'configured' && exitCode === 0) return obj as unknown as ConfigureReport;
    if (obj.type === 'error') throw new LabError(`configuring ${hostName} failed: ${obj.message}`);
  }
  throw new LabError(`configuring ${hostName} failed (exit ${exitCode}): ${stderr.trim() || stdout.trim() || 'no output'}`);
}

/** The host kernel's congestion controls: what it has, and what a network namespace may make its default. */
export async function hostCongestionControls(): Promise<{ available: string[]; allowed: string[] }> {
  const read = async (name: string) => (await readFile(`/proc/sys/net/ipv4/${name}`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean);
  const [available, allowed] = await Promise.all([read('tcp_available_congestion_control'), read('tcp_allowed_congestion_control')]);
  return { available, allowed };
}

/** What applying an impairment needs from a running lab: its hosts and paths, exec, and the egress in force per `path/host`. */
export interface ImpairTarget {
  plan: Plan;
  hosts: Readonly<Record<string, { name: string; interfaces: Readonly<Record<string, { address: string }>> }>>;
  paths: Readonly<Record<string, { name: string; subnet: string }>>;
  netem: boolean;
  egress: Map<string, Impairment>;
  exec: (host: string, argv: readonly string[], opts?: { stdin?: string; timeoutMs?: number }) => Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** Runs one batch of configure steps in a host through the agent, reading back `devices`; throws with the agent's message on failure. */
async function configureHost(t: Pick<ImpairTarget, 'exec'>, host: string, steps: ConfigureStep[], devices: string[]): Promise<void> {
  const res = await t.exec(host, ['node', AGENT_PATH, 'configure'], { stdin: JSON.stringify({ steps, readback: { sysctls: [], devices } }), timeoutMs: 15_000 });
  parseConfigureOutput(host, res.stdout, res.stderr, res.exitCode);
}

/**
 * Replaces a path's impairment at run time, as every runtime does it: the senders' egress qdiscs
 * (both directions, or only traffic leaving `from`), and without netem the receivers' nftables
 * loss rules rewritten from the impairments now in force (lab/tc/nft-loss.ts).
 */
export async function applyImpairment(t: ImpairTarget, path: string, set: Impairment, from?: string): Promise<void> {
  const senders = Object.values(t.hosts).filter((h) => h.interfaces[path] && (from === undefined || h.name === from));
  if (senders.length === 0) throw new LabError(`impair ${path}: host ${from} is not on that path`);
  const lossMoved: string[] = [];
  await Promise.all(
    senders.map(async (h) => {
      const key = `${path}/${h.name}`;
      const previous = t.egress.get(key) ?? {};
      const next: Impairment = { ...previous, ...set };
      const dev = ifnameOf(h.interfaces[path]!.address);
      await configureHost(t, h.name, buildShapingArgv(dev, next, { netem: t.netem }).argvs.map((run) => ({ run })), [dev]);
      t.egress.set(key, next);
      if (!t.netem && ((previous.lossPct ?? 0) > 0 || (next.lossPct ?? 0) > 0)) lossMoved.push(h.name);
    }),
  );
  if (lossMoved.length === 0) return;
  const subnets = Object.fromEntries(Object.values(t.paths).map((p) => [p.name, p.subnet]));
  const egressOf = (p: string, host: string) => t.egress.get(`${p}/${host}`);
  const receivers = Object.values(t.hosts).filter((h) => h.interfaces[path] && lossMoved.some((s) => s !== h.name));
  await Promise.all(
    receivers.map((h) => configureHost(t, h.name, ingressLossSteps(ingressLossRules(t.plan, t.plan.hosts.find((ph) => ph.name === h.name)!, subnets, egressOf)), [])),
  );
}
