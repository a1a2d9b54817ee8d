/**
 * Brings a Plan up as network namespaces, the kernel selftests' way, with no Docker engine:
 * one namespace per host (`mlab-<run>-<host>`), a holder process in it chrooted into the lab
 * image's exported root filesystem (so the tools and the agent are the Docker runtime's),
 * one veth pair per (host, path) whose root-side end carries the path (see layout.ts), and
 * the same `agent configure` batch as Docker for sysctls, MPTCP limits, endpoints and
 * qdiscs, read back and verified. Everything is recorded in a Teardown the moment it exists.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Impairment, Plan, PlanFault } from '../../model/plan';
import { LabError } from '../../model/errors';
import { buildBlackholeArgv } from '../../tc';
import { AGENT_PATH as AGENT } from '../lab-spec';
import { runHostCommand } from '../exec';
import { hostSysctls, parseConfigureOutput } from '../host-config';
import { applyImpairment, buildConfigureRequest, verifyHostConfig, type ConfigureReport, type ConfigureStep } from '../host-config';
import { findHostVeths } from '../host-veths';
import { FaultState } from '../faults';
import { Teardown } from '../lifecycle';
import { allocateSubnets } from '../subnet-pool';
import { subnetsInUse } from '../subnets-in-use';
import type { AppliedShaping, ExecOptions, LabHost, LabPath, RunningLab, StreamHandle } from '../types';
import { hostAddressBatch, linkBatch, netnsLayout, newNetnsRunId, RUN_ID_PATTERN, unblackholeArgv, forwardingBatch, type NetnsLayout } from './layout';
import { describeCommand, holderArgv, killNetnsProcesses, netnsInode, nsenterArgv, runInHost, startHolder, streamInHost } from './process';
import { configureDirect } from './direct-configure';
import { ensureRootfs } from './rootfs';

export interface NetnsLabOptions {
  /** Whether sch_netem works on this kernel (from the probe). */
  netem: boolean;
  /** The exported image root; default: ensureRootfs() (exports once per image, else reused). */
  rootfs?: string;
  clock?: () => number;
  onStep?: (step: string) => void;
  /** RAM disk (/srv/lab) per host, bytes. */
  tmpfsBytes?: number;
  /** 6 hex digits; default random. */
  runId?: string;
  /**
   * Who runs the hosts' configure request: the agent in each host (default, as Docker), or
   * the lab process step by step through nsenter (direct-configure.ts: no Node start per host).
   */
  configure?: 'agent' | 'direct';
}

/** How long bring-up took, in ms: the whole (rootfs export excluded) and each step. */
export interface BringUpTimes {
  totalMs: number;
  steps: Array<{ step: string; ms: number }>;
}

/** A netns lab: a RunningLab plus the namespaces' names and the bring-up times. */
export interface NetnsRunningLab extends RunningLab {
  readonly layout: NetnsLayout;
  readonly bringUp: BringUpTimes;
  readonly rootfs: string;
  /** What each host's configure reported (the read-back the settings were verified against). */
  readonly configureReports: Readonly<Record<string, ConfigureReport>>;
}

const NETNS_DIR = '/run/netns';

async function root(argv: string[], stdin?: string): Promise<void> {
  const r = await runHostCommand(argv, { timeoutMs: 15_000, ...(stdin !== undefined ? { stdin } : {}) });
  if (r.exitCode !== 0) throw new LabError(`\`${argv.join(' ')}\`${stdin ? ` (batch: ${stdin.trim().split('\n').length} lines)` : ''} failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
}

/** Kills what still runs in the namespace, then removes its name (the kernel frees it with its last user). */
async function removeNetns(name: string): Promise<void> {
  const inode = await netnsInode(`${NETNS_DIR}/${name}`);
  if (inode === undefined) return;
  const left = await killNetnsProcesses(inode);
  if (left.length > 0) throw new Error(`processes ${left.join(', ')} in ${name} survived SIGKILL`);
  await root(['ip', 'netns', 'del', name]);
}

async function subnetsFor(plan: Plan, runId: string): Promise<Record<string, string>> {
  const given = plan.paths.filter((p) => p.subnet !== 'auto').map((p) => p.subnet);
  // No address of a netns lab exists in the root namespace, so labs cannot clash with each other; only host routes matter.
  const auto = allocateSubnets(plan.paths.filter((p) => p.subnet === 'auto').length, [...(await subnetsInUse(undefined)), ...given], parseInt(runId, 16) % 1024);
  let k = 0;
  return Object.fromEntries(plan.paths.map((p) => [p.name, p.subnet === 'auto' ? auto[k++]! : p.subnet]));
}

/** Starts a netns lab from a Plan. The caller owns it: `await using lab = await startNetnsLab(plan, opts)`. */
export async function startNetnsLab(plan: Plan, opts: NetnsLabOptions): Promise<NetnsRunningLab> {
  const step = opts.onStep ?? (() => undefined);
  const rootfs = opts.rootfs ?? (await ensureRootfs({ onStep: step })).dir;
  const clock = opts.clock ?? (() => performance.now());
  const runId = opts.runId ?? newNetnsRunId();
  if (!RUN_ID_PATTERN.test(runId)) throw new LabError(`netns run id "${runId}" is not 6 lowercase hex digits`);
  const tmpfsBytes = opts.tmpfsBytes ?? 64 * 1024 * 1024;
  const teardown = new Teardown(`netns lab ${plan.name} ${runId}`);
  const t0 = performance.now();
  let last = t0;
  const steps: BringUpTimes['steps'] = [];
  const timed = (name: string) => {
    if (steps.some((s) => s.step === name)) return;
    const now = performance.now();
    steps.push({ step: name, ms: Math.round((now - last) * 10) / 10 });
    last = now;
  };
  try {
    const subnets = await subnetsFor(plan, runId);
    const layout = netnsLayout(plan, runId, subnets);
    step('creating namespaces');
    await Promise.all(
      layout.hosts.map(async (h) => {
        await track(teardown, `netns ${h.netns}`, root(['ip', 'netns', 'add', h.netns]), () => removeNetns(h.netns));
      }),
    );
    timed('namespaces');
    step('starting hosts and wiring paths');
    const wired = wirePaths(layout, runId, teardown);
    wired.catch(() => undefined);
    // Each host's agent starts (Node takes most of bring-up) as soon as its holder is ready,
    // and reads its configure request once the paths are wired.
    const configured = await Promise.all(
      plan.hosts.map(async (host) => {
        const hl = layout.hosts.find((h) => h.name === host.name)!;
        const holder = await track(teardown, `holder ${host.name}`, startHolder(holderArgv(`${NETNS_DIR}/${hl.netns}`, rootfs, tmpfsBytes, host.name), `host ${host.name} (${hl.netns})`), async (h) => {
          h.child.kill('SIGKILL');
          await h.exited;
        });
        const { request, mechanisms } = buildConfigureRequest(plan, host, subnets, opts.netem);
        // Docker sets these at container create (its /proc/sys is read-only inside); a namespace's own /proc/sys is writable.
        const sysctlSteps: ConfigureStep[] = Object.entries(hostSysctls(host)).map(([sysctl, value]) => ({ sysctl, value }));
        const stdin = wired.then(() => {
          timed('paths wired (holders starting)');
          step('configuring MPTCP and shaping');
          return JSON.stringify({ ...request, steps: [...sysctlSteps, ...request.steps] });
        });
        if (opts.configure === 'direct') return { host, report: await configureDirect(holder.pid, host.name, await stdin), mechanisms, pid: holder.pid };
        const res = await runInHost(nsenterArgv(holder.pid, ['node', AGENT, 'configure']), describeCommand(host.name, ['node', AGENT, 'configure']), { timeoutMs: 30_000 }, stdin);
        await wired;
        return { host, report: parseConfigureOutput(host.name, res.stdout, res.stderr, res.exitCode), mechanisms, pid: holder.pid };
      }),
    );
    timed('configure');
    const problems = configured.flatMap((c) => verifyHostConfig(plan, c.host, subnets, c.report, opts.netem));
    if (problems.length > 0) throw new LabError(`the lab's settings did not take:\n  ${problems.join('\n  ')}`);
    const veths = await findHostVeths(configured.flatMap((c) => c.report.interfaces.map((i) => i.iflink)));
    const hosts: Record<string, LabHost> = {};
    const shaping: AppliedShaping[] = [];
    for (const c of configured) {
      const hl = layout.hosts.find((h) => h.name === c.host.name)!;
      const interfaces: LabHost['interfaces'] = {};
      for (const link of hl.links) {
        const iface = c.report.interfaces.find((i) => i.address === link.address);
        const hostVeth = iface ? veths.get(iface.iflink) : undefined;
        if (!iface || hostVeth !== link.rootVeth) {
          throw new LabError(`${c.host.name}: ${link.address} should sit on ${link.ifname}, peer ${link.rootVeth}; found ${iface ? `${iface.ifname}, peer ${hostVeth ?? `ifindex ${iface.iflink}`}` : 'no interface'}`);
        }
        interfaces[link.path] = { path: link.path, ifname: iface.ifname, address: link.address, prefixLength: iface.prefixLength, hostVeth };
        shaping.push({ path: link.path, host: c.host.name, impairment: plan.paths.find((p) => p.name === link.path)!.egress[c.host.name] ?? {}, mechanism: c.mechanisms[link.path] ?? 'none' });
      }
      hosts[c.host.name] = { name: c.host.name, role: c.host.role, containerId: hl.netns, containerName: hl.netns, pid: c.pid, interfaces };
    }
    const paths: Record<string, LabPath> = Object.fromEntries(
      plan.paths.map((p) => [p.name, { name: p.name, subnet: subnets[p.name]!, networkId: `netns:${runId}:${p.name}`, networkName: `${runId}/${p.name}` }]),
    );
    timed('verify');
    const bringUp = { totalMs: Math.round((performance.now() - t0) * 10) / 10, steps };
    step(`lab up in ${bringUp.totalMs} ms`);
    const reports = Object.fromEntries(configured.map((c) => [c.host.name, c.report]));
    return new NetnsLab(plan, runId, hosts, paths, shaping, teardown, clock, opts.netem, layout, bringUp, rootfs, reports);
  } catch (e) {
    const failures = await teardown.run();
    if (failures.length > 0) step(`cleanup after failure left: ${failures.join('; ')}`);
    throw e;
  }
}

/**
 * Records `creating` in the teardown BEFORE it settles, with an undo that waits for it: a
 * signal arriving while an object is being made (its teardown then runs at once) still
 * removes it. `undo` runs if it was made, `undoFailed` (default: nothing) if it failed.
 */
async function track<T>(teardown: Teardown, what: string, creating: Promise<T>, undo: (made: T) => Promise<void>, undoFailed: () => Promise<void> = async () => undefined): Promise<T> {
  creating.catch(() => undefined);
  await teardown.add(what, () => creating.then(undo, undoFailed));
  return creating;
}

/** Creates every veth pair (host ends straight into their namespaces), the paths' forwarding and the hosts' addresses. */
async function wirePaths(layout: NetnsLayout, runId: string, teardown: Teardown): Promise<void> {
  const veths = layout.hosts.flatMap((h) => h.links.map((l) => l.rootVeth));
  const links = linkBatch(layout);
  const removeLinks = () =>
    root(['ip', '-force', '-batch', '-'], veths.map((v) => `link del dev ${v}`).join('\n') + '\n').catch((e: Error) => {
      // -force still exits 1 when a line failed; only a veth that is still there is a problem.
      if (veths.some((v) => existsSync(`/sys/class/net/${v}`))) throw e;
    });
  // A batch that failed half-way may have made some of the pairs: remove whatever exists either way.
  await track(teardown, `links ${runId}`, root(['ip', '-batch', '-'], links.filter((l) => l.startsWith('link add')).join('\n') + '\n'), removeLinks, removeLinks);
  // No IPv6 link-local chatter from the root side onto the paths (and their counters).
  await Promise.all(veths.map((v) => writeFile(`/proc/sys/net/ipv6/conf/${v}/disable_ipv6`, '1').catch(() => undefined)));
  const forwarding = forwardingBatch(layout);
  await Promise.all([
    root(['ip', '-batch', '-'], links.filter((l) => !l.startsWith('link add')).join('\n') + '\n'),
    forwarding.length > 0 ? root(['tc', '-batch', '-'], forwarding.join('\n') + '\n') : Promise.resolve(),
    ...layout.hosts.map((h) => root(['ip', '-n', h.netns, '-batch', '-'], hostAddressBatch(h).join('\n') + '\n')),
  ]);
}

class NetnsLab implements NetnsRunningLab {
  readonly runtime = 'netns' as const;
  private readonly cutState = new Map<string, 'down' | 'blackhole'>();
  private readonly egress = new Map<string, Impairment>();

  constructor(
    readonly plan: Plan,
    readonly runId: string,
    readonly hosts: Record<string, LabHost>,
    readonly paths: Record<string, LabPath>,
    readonly shaping: AppliedShaping[],
    private readonly teardown: Teardown,
    private readonly clock: () => number,
    private readonly netem: boolean,
    readonly layout: NetnsLayout,
    readonly bringUp: BringUpTimes,
    readonly rootfs: string,
    readonly configureReports: Record<string, ConfigureReport>,
  ) {
    for (const s of shaping) this.egress.set(`${s.path}/${s.host}`, s.impairment);
  }

  private pidOf(host: string): number {
    const h = this.hosts[host];
    if (!h) throw new LabError(`no host "${host}" in lab ${this.plan.name} (hosts: ${Object.keys(this.hosts).join(', ')})`);
    return h.pid;
  }

  private vethsOf(path: string): string[] {
    const p = this.layout.paths[path];
    if (!p) throw new LabError(`no path "${path}" in lab ${this.plan.name} (paths: ${Object.keys(this.paths).join(', ')})`);
    return p.rootVeths;
  }

  exec = (host: string, argv: readonly string[], opts?: ExecOptions) => runInHost(nsenterArgv(this.pidOf(host), argv), describeCommand(host, argv), opts);

  async stream(host: string, argv: readonly string[], opts: ExecOptions = {}): Promise<StreamHandle> {
    return streamInHost(nsenterArgv(this.pidOf(host), argv), describeCommand(host, argv), opts, this.clock);
  }

  private async hostRun(argvs: string[][]): Promise<void> {
    for (const argv of argvs) await root(argv);
  }

  async cut(path: string, mode: 'down' | 'blackhole'): Promise<void> {
    const veths = this.vethsOf(path);
    if (this.cutState.has(path)) throw new LabError(`path ${path} is already cut`);
    this.cutState.set(path, mode);
    if (mode === 'down') await Promise.all(veths.map((v) => this.hostRun([['ip', 'link', 'set', 'dev', v, 'down']])));
    // The drop (pref 1) sits before the path's forwarding (pref 10) on the same ingress qdisc; the veths go with the lab.
    else await Promise.all(veths.map((v) => this.hostRun(buildBlackholeArgv(v))));
  }

  async restore(path: string): Promise<void> {
    const veths = this.vethsOf(path);
    const mode = this.cutState.get(path);
    if (!mode) throw new LabError(`path ${path} is not cut`);
    if (mode === 'down') await Promise.all(veths.map((v) => this.hostRun([['ip', 'link', 'set', 'dev', v, 'up']])));
    else await Promise.all(veths.map((v) => this.hostRun([unblackholeArgv(v)])));
    this.cutState.delete(path);
  }

  /** As DockerLab.impair (lab/runtime/host-config.ts applyImpairment). */
  async impair(path: string, set: Impairment, from?: string): Promise<void> {
    this.vethsOf(path);
    await applyImpairment({ plan: this.plan, hosts: this.hosts, paths: this.paths, netem: this.netem, egress: this.egress, exec: this.exec }, path, set, from);
  }

  private faultState?: FaultState;

  /** Puts a middlebox fault on a path, or takes it off (lab/runtime/faults.ts): nftables in the receiving hosts, through configure. */
  async fault(path: string, fault: PlanFault | null, opts: { check?: boolean } = {}): Promise<void> {
    this.vethsOf(path);
    this.faultState ??= new FaultState(this.hosts, (host, argv, o) => this.exec(host, argv, o));
    await this.faultState.set(path, fault, opts);
  }

  async stop(): Promise<void> {
    const failures = await this.teardown.run();
    if (failures.length > 0) throw new LabError(`removing netns lab ${this.runId} left problems:\n  ${failures.join('\n  ')}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
