/**
 * Brings a Plan up on Docker: one internal bridge network per path, one container per host
 * (NET_ADMIN only), MPTCP sysctls at create time, one batched `agent configure` per host,
 * read back and verified. Everything created is recorded in a Teardown first, so a failure
 * or a signal at any point removes it all.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { Impairment, Plan, PlanHost } from '../model/plan';
import { hostAddress } from '../model/plan';
import { LabError } from '../model/errors';
import { buildBlackholeArgv, buildShapingArgv, buildUnblackholeArgv } from '../tc';
import { connectDocker } from './docker-client';
import { dockerExec, dockerStream, runHostCommand } from './exec';
import {
  buildConfigureRequest,
  ifnameOf,
  ingressLossRules,
  ingressLossSteps,
  mptcpSysctls,
  verifyHostConfig,
  type ConfigureReport,
  type ConfigureStep,
} from './host-config';
import { Teardown } from './lifecycle';
import { allocateSubnets } from './subnet-pool';
import { LABELS, type AppliedShaping, type ExecOptions, type LabHost, type LabPath, type RunningLab, type StreamHandle } from './types';
import { subnetsInUse } from './subnets-in-use';
import { findHostVeths } from './host-veths';

export interface StartLabOptions {
  /** The lab image tag (lab/image ensures it; the caller passes it in). */
  image: string;
  /** Whether sch_netem works on this host (from the probe). */
  netem: boolean;
  docker?: Docker;
  /** Lab clock in ms; defaults to performance.now(). */
  clock?: () => number;
  /** Progress lines (bring-up steps). */
  onStep?: (step: string) => void;
  /** RAM disk (/srv/lab) size per host, bytes. */
  tmpfsBytes?: number;
  runId?: string;
}

export const AGENT = '/opt/mptcp-lab/agent.js';

/** A short unique run id: time base36 + random hex, safe in Docker names. */
export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

function labels(plan: Plan, runId: string, role: string): Record<string, string> {
  return {
    [LABELS.project]: 'mptcp-lab',
    [LABELS.runId]: runId,
    [LABELS.topology]: plan.name,
    [LABELS.role]: role,
    [LABELS.owner]: String(process.pid),
  };
}

async function createNetworks(docker: Docker, plan: Plan, runId: string, teardown: Teardown): Promise<Record<string, LabPath>> {
  const given = plan.paths.filter((p) => p.subnet !== 'auto').map((p) => p.subnet);
  const inUse = [...(await subnetsInUse(docker)), ...given];
  const autoCount = plan.paths.filter((p) => p.subnet === 'auto').length;
  const result: Record<string, LabPath> = {};
  for (let attempt = 0; ; attempt++) {
    const auto = allocateSubnets(autoCount, inUse, parseInt(runId.slice(-4), 16) % 1024);
    let k = 0;
    const wanted = plan.paths.map((p) => ({ path: p, subnet: p.subnet === 'auto' ? (auto[k++] as string) : p.subnet }));
    const failures = await Promise.all(
      wanted.map(async ({ path, subnet }) => {
        if (result[path.name]) return null;
        const name = `mlab-${runId}-${path.name}`;
        try {
          const net = await docker.createNetwork({
            Name: name,
            Driver: 'bridge',
            Internal: true,
            CheckDuplicate: true,
            IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: hostAddress(subnet, -1) }] },
            Labels: labels(plan, runId, `path:${path.name}`),
          });
          await teardown.add(`network ${name}`, () => net.remove().then(() => undefined));
          result[path.name] = { name: path.name, subnet, networkId: net.id, networkName: name };
          return null;
        } catch (e) {
          return { subnet, error: e as Error, given: path.subnet !== 'auto' };
        }
      }),
    );
    const failed = failures.filter((f): f is NonNullable<typeof f> => f !== null);
    if (failed.length === 0) return result;
    // Another lab (or the host) took the subnet between our look and our create: pick again.
    const retryable = failed.every((f) => /overlap/i.test(f.error.message) && !f.given);
    if (!retryable || attempt >= 4) {
      const f = failed[0]!;
      throw new LabError(`creating the lab network for ${f.subnet} failed: ${f.error.message}`, { cause: f.error });
    }
    inUse.push(...failed.map((f) => f.subnet));
  }
}

interface HostHandle {
  host: PlanHost;
  container: Docker.Container;
  name: string;
}

async function createContainers(docker: Docker, plan: Plan, runId: string, image: string, paths: Record<string, LabPath>, teardown: Teardown, tmpfsBytes: number): Promise<HostHandle[]> {
  const first = plan.paths[0]!;
  return Promise.all(
    plan.hosts.map(async (host) => {
      const name = `mlab-${runId}-${host.name}`;
      const net0 = paths[first.name]!;
      const container = await docker.createContainer({
        name,
        Image: image,
        Hostname: host.name,
        Labels: labels(plan, runId, `host:${host.name}`),
        StopTimeout: 1,
        HostConfig: {
          CapAdd: ['NET_ADMIN'],
          Sysctls: mptcpSysctls(host),
          NetworkMode: net0.networkName,
          Tmpfs: { '/srv/lab': `rw,size=${tmpfsBytes}` },
          Init: true,
        },
        NetworkingConfig: {
          EndpointsConfig: { [net0.networkName]: { IPAMConfig: { IPv4Address: hostAddress(net0.subnet, host.index) } } },
        },
      });
      await teardown.add(`container ${name}`, () => container.remove({ force: true, v: true }).then(() => undefined));
      return { host, container, name };
    }),
  );
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

/** Starts a lab from a Plan. The caller owns it: `await using lab = await startDockerLab(plan, opts)`. */
export async function startDockerLab(plan: Plan, opts: StartLabOptions): Promise<RunningLab> {
  const docker = opts.docker ?? (await connectDocker());
  const clock = opts.clock ?? (() => performance.now());
  const step = opts.onStep ?? (() => undefined);
  const runId = opts.runId ?? newRunId();
  const teardown = new Teardown(`lab ${plan.name} ${runId}`);
  const tmpfsBytes = opts.tmpfsBytes ?? 64 * 1024 * 1024;
  try {
    step('creating networks');
    const paths = await createNetworks(docker, plan, runId, teardown);
    const subnets = Object.fromEntries(Object.values(paths).map((p) => [p.name, p.subnet]));
    step('creating containers');
    const handles = await createContainers(docker, plan, runId, opts.image, paths, teardown, tmpfsBytes);
    step('starting containers');
    await Promise.all(handles.map((h) => h.container.start()));
    // Docker 20.10 may reorder interfaces when networks are attached before start: attach the rest now.
    step('attaching paths');
    await Promise.all(
      handles.flatMap((h) =>
        plan.paths
          .filter((p) => p.index > 0 && p.hosts.includes(h.host.name))
          .map((p) =>
            docker.getNetwork(paths[p.name]!.networkId).connect({
              Container: h.container.id,
              EndpointConfig: { IPAMConfig: { IPv4Address: hostAddress(subnets[p.name]!, h.host.index) } },
            }),
          ),
      ),
    );
    step('configuring MPTCP and shaping');
    const configured = await Promise.all(
      handles.map(async (h) => {
        const { request, mechanisms } = buildConfigureRequest(plan, h.host, subnets, opts.netem);
        const [res, info] = await Promise.all([
          dockerExec(docker, h.container.id, ['node', AGENT, 'configure'], { stdin: JSON.stringify(request), timeoutMs: 30_000 }),
          h.container.inspect(),
        ]);
        const report = parseConfigureOutput(h.host.name, res.stdout, res.stderr, res.exitCode);
        return { h, report, mechanisms, pid: info.State.Pid };
      }),
    );
    const problems = configured.flatMap((c) => verifyHostConfig(plan, c.h.host, subnets, c.report, opts.netem));
    if (problems.length > 0) throw new LabError(`the lab's settings did not take:\n  ${problems.join('\n  ')}`);
    const veths = await findHostVeths(configured.flatMap((c) => c.report.interfaces.map((i) => i.iflink)));
    const hosts: Record<string, LabHost> = {};
    const shaping: AppliedShaping[] = [];
    for (const c of configured) {
      const interfaces: LabHost['interfaces'] = {};
      for (const p of plan.paths.filter((pp) => pp.hosts.includes(c.h.host.name))) {
        const address = hostAddress(subnets[p.name]!, c.h.host.index);
        const iface = c.report.interfaces.find((i) => i.address === address)!;
        const hostVeth = veths.get(iface.iflink);
        if (!hostVeth) throw new LabError(`${c.h.host.name}: no host-side veth with ifindex ${iface.iflink} for ${iface.ifname}`);
        interfaces[p.name] = { path: p.name, ifname: iface.ifname, address, prefixLength: iface.prefixLength, hostVeth };
        shaping.push({ path: p.name, host: c.h.host.name, impairment: p.egress[c.h.host.name] ?? {}, mechanism: c.mechanisms[p.name] ?? 'none' });
      }
      hosts[c.h.host.name] = {
        name: c.h.host.name,
        role: c.h.host.role,
        containerId: c.h.container.id,
        containerName: c.h.name,
        pid: c.pid,
        interfaces,
      };
    }
    step('lab up');
    return new DockerLab(docker, plan, runId, hosts, paths, shaping, teardown, clock, opts.netem);
  } catch (e) {
    const failures = await teardown.run();
    if (failures.length > 0) step(`cleanup after failure left: ${failures.join('; ')}`);
    throw e;
  }
}

class DockerLab implements RunningLab {
  private readonly cutState = new Map<string, 'down' | 'blackhole'>();
  private readonly egress = new Map<string, Impairment>();

  constructor(
    private readonly docker: Docker,
    readonly plan: Plan,
    readonly runId: string,
    readonly hosts: Record<string, LabHost>,
    readonly paths: Record<string, LabPath>,
    readonly shaping: AppliedShaping[],
    private readonly teardown: Teardown,
    private readonly clock: () => number,
    private readonly netem: boolean,
  ) {
    for (const s of shaping) this.egress.set(`${s.path}/${s.host}`, s.impairment);
  }

  private containerOf(host: string): string {
    const h = this.hosts[host];
    if (!h) throw new LabError(`no host "${host}" in lab ${this.plan.name} (hosts: ${Object.keys(this.hosts).join(', ')})`);
    return h.containerId;
  }

  private vethsOf(path: string): string[] {
    if (!this.paths[path]) throw new LabError(`no path "${path}" in lab ${this.plan.name} (paths: ${Object.keys(this.paths).join(', ')})`);
    return Object.values(this.hosts).flatMap((h) => (h.interfaces[path] ? [h.interfaces[path].hostVeth] : []));
  }

  exec = (host: string, argv: readonly string[], opts?: ExecOptions) => dockerExec(this.docker, this.containerOf(host), argv, opts);

  stream(host: string, argv: readonly string[], opts?: ExecOptions): Promise<StreamHandle> {
    return dockerStream(this.docker, this.containerOf(host), argv, opts, this.clock);
  }

  private async hostRun(argvs: string[][]): Promise<void> {
    for (const argv of argvs) {
      const r = await runHostCommand(argv, { timeoutMs: 10_000 });
      if (r.exitCode !== 0) throw new LabError(`${argv.join(' ')} failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
    }
  }

  async cut(path: string, mode: 'down' | 'blackhole'): Promise<void> {
    const veths = this.vethsOf(path);
    if (this.cutState.has(path)) throw new LabError(`path ${path} is already cut`);
    this.cutState.set(path, mode);
    if (mode === 'down') {
      await Promise.all(veths.map((v) => this.hostRun([['ip', 'link', 'set', 'dev', v, 'down']])));
    } else {
      // Host-side state that outlives nothing but must not outlive the lab either.
      await this.teardown.add(`blackhole ${path}`, () => Promise.all(veths.map((v) => this.hostRun(buildUnblackholeArgv(v)).catch(() => undefined))).then(() => undefined));
      await Promise.all(veths.map((v) => this.hostRun(buildBlackholeArgv(v))));
    }
  }

  async restore(path: string): Promise<void> {
    const veths = this.vethsOf(path);
    const mode = this.cutState.get(path);
    if (!mode) throw new LabError(`path ${path} is not cut`);
    if (mode === 'down') await Promise.all(veths.map((v) => this.hostRun([['ip', 'link', 'set', 'dev', v, 'up']])));
    else await Promise.all(veths.map((v) => this.hostRun(buildUnblackholeArgv(v))));
    this.cutState.delete(path);
  }

  /** Runs one batch of configure steps in a host, reading back `devices`; throws with the agent's message on failure. */
  private async configure(host: string, steps: ConfigureStep[], devices: string[]): Promise<void> {
    const res = await this.exec(host, ['node', AGENT, 'configure'], {
      stdin: JSON.stringify({ steps, readback: { sysctls: [], devices } }),
      timeoutMs: 15_000,
    });
    parseConfigureOutput(host, res.stdout, res.stderr, res.exitCode);
  }

  async impair(path: string, set: Impairment, from?: string): Promise<void> {
    this.vethsOf(path);
    const senders = Object.values(this.hosts).filter((h) => h.interfaces[path] && (from === undefined || h.name === from));
    if (senders.length === 0) throw new LabError(`impair ${path}: host ${from} is not on that path`);
    const lossMoved: string[] = [];
    await Promise.all(
      senders.map(async (h) => {
        const key = `${path}/${h.name}`;
        const previous = this.egress.get(key) ?? {};
        const next: Impairment = { ...previous, ...set };
        const iface = h.interfaces[path]!;
        const shaped = buildShapingArgv(ifnameOf(iface.address), next, { netem: this.netem });
        await this.configure(h.name, shaped.argvs.map((run) => ({ run })), [ifnameOf(iface.address)]);
        this.egress.set(key, next);
        if (!this.netem && ((previous.lossPct ?? 0) > 0 || (next.lossPct ?? 0) > 0)) lossMoved.push(h.name);
      }),
    );
    if (lossMoved.length === 0) return;
    // Without netem a sender's loss is enforced by the hosts receiving from it (lab/tc/nft-loss.ts):
    // rewrite the ingress loss chain of every other host on the path from the impairments now in force.
    const subnets = Object.fromEntries(Object.values(this.paths).map((p) => [p.name, p.subnet]));
    const egressOf = (p: string, host: string) => this.egress.get(`${p}/${host}`);
    const receivers = Object.values(this.hosts).filter((h) => h.interfaces[path] && lossMoved.some((s) => s !== h.name));
    await Promise.all(
      receivers.map((h) => {
        const planHost = this.plan.hosts.find((ph) => ph.name === h.name)!;
        return this.configure(h.name, ingressLossSteps(ingressLossRules(this.plan, planHost, subnets, egressOf)), []);
      }),
    );
  }

  async stop(): Promise<void> {
    const failures = await this.teardown.run();
    if (failures.length > 0) throw new LabError(`removing lab ${this.runId} left problems:\n  ${failures.join('\n  ')}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
