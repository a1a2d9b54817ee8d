/**
 * Brings a Plan up on Docker from its lab spec (lab/runtime/lab-spec.ts): one internal bridge
 * network per path (dockerode: testcontainers' Network has no subnet or internal flag), one
 * testcontainers MptcpHostContainer per host (NET_ADMIN only, MPTCP and TCP sysctls at create
 * time, the RAM disk, init), its other paths attached after start, and the agent's batched
 * `configure` as its wait strategy, read back and verified. Everything created is recorded in
 * a Teardown first, so a failure or a signal at any point removes it all.
 */
import { accessSync, constants } from 'node:fs';
import type Docker from 'dockerode';
import type { Impairment, Plan, PlanFault, PlanHost } from '../../model/plan';
import { LabError } from '../../model/errors';
import { buildBlackholeArgv, buildUnblackholeArgv } from '../../tc';
import { connectDocker } from '../docker-client';
import { chooseReaper } from './reaper';
import { MptcpHostContainer, type StartedMptcpHost } from './mptcp-host-container';
import { dockerExec, dockerStream, runHostCommand } from '../exec';
import { fileBackedStream, type StreamFile } from './file-stream';
import {
  applyImpairment,
  buildConfigureRequest,
  hostCongestionControls,
  parseConfigureOutput,
  requireCongestionControl,
  verifyHostConfig,
  type ConfigureReport,
} from '../host-config';
import { findHostVeths } from '../host-veths';
import { buildLabSpec, newRunId, type HostSpec, type LabSpec } from '../lab-spec';
import { FaultState } from '../faults';
import { Teardown } from '../lifecycle';
import { allocateSubnets } from '../subnet-pool';
import { subnetsInUse } from '../subnets-in-use';
import type { AppliedShaping, ExecOptions, LabHost, LabPath, RunningLab, StreamHandle } from '../types';

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

/**
 * Creates the spec's networks on subnets that are free now. Another lab (or the host) may take
 * a subnet between our look and our create: Docker says "overlap" and we pick again.
 */
async function createNetworks(
  docker: Docker,
  plan: Plan,
  specFor: (subnets: Record<string, string>) => LabSpec,
  seed: number,
  teardown: Teardown,
): Promise<{ spec: LabSpec; paths: Record<string, LabPath> }> {
  const given = plan.paths.filter((p) => p.subnet !== 'auto').map((p) => p.subnet);
  const inUse = [...(await subnetsInUse(docker)), ...given];
  const autoCount = plan.paths.filter((p) => p.subnet === 'auto').length;
  const paths: Record<string, LabPath> = {};
  for (let attempt = 0; ; attempt++) {
    const auto = allocateSubnets(autoCount, inUse, seed);
    let k = 0;
    const subnets = Object.fromEntries(plan.paths.map((p) => [p.name, paths[p.name]?.subnet ?? (p.subnet === 'auto' ? (auto[k++] as string) : p.subnet)]));
    const spec = specFor(subnets);
    const failures = await Promise.all(
      spec.networks.map(async (n) => {
        if (paths[n.path]) return null;
        try {
          const net = await docker.createNetwork({
            Name: n.name,
            Driver: 'bridge',
            Internal: n.internal,
            CheckDuplicate: true,
            IPAM: { Driver: 'default', Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
            Labels: n.labels,
          });
          await teardown.add(`network ${n.name}`, () => net.remove().then(() => undefined));
          paths[n.path] = { name: n.path, subnet: n.subnet, networkId: net.id, networkName: n.name };
          return null;
        } catch (e) {
          return { subnet: n.subnet, error: e as Error, given: plan.paths.find((p) => p.name === n.path)?.subnet !== 'auto' };
        }
      }),
    );
    const failed = failures.filter((f): f is NonNullable<typeof f> => f !== null);
    if (failed.length === 0) return { spec, paths };
    const retryable = failed.every((f) => /overlap/i.test(f.error.message) && !f.given);
    if (!retryable || attempt >= 4) {
      const f = failed[0]!;
      throw new LabError(`creating the lab network for ${f.subnet} failed: ${f.error.message}`, { cause: f.error });
    }
    inUse.push(...failed.map((f) => f.subnet));
  }
}

interface Configured {
  host: PlanHost;
  spec: HostSpec;
  started: StartedMptcpHost<ConfigureReport>;
  mechanisms: Record<string, string>;
  pid: number;
}

/** One host through testcontainers: created (teardown registered), started, its other paths attached, configured by the agent. */
async function startHost(docker: Docker, plan: Plan, spec: LabSpec, hostSpec: HostSpec, paths: Record<string, LabPath>, netem: boolean, teardown: Teardown): Promise<Configured> {
  const host = plan.hosts.find((h) => h.name === hostSpec.host)!;
  const subnets = Object.fromEntries(Object.values(paths).map((p) => [p.name, p.subnet]));
  const { request, mechanisms } = buildConfigureRequest(plan, host, subnets, netem);
  let pid = 0;
  const started = await new MptcpHostContainer<ConfigureReport>(hostSpec, spec.image, {
    created: (id) => teardown.add(`container ${hostSpec.name}`, () => docker.getContainer(id).remove({ force: true, v: true }).then(() => undefined)),
    // Docker 20.10 may reorder interfaces when networks are attached before start: attach the rest now.
    started: async (id) => {
      const [info] = await Promise.all([
        docker.getContainer(id).inspect(),
        ...hostSpec.addresses
          .filter((a) => a.path !== hostSpec.firstPath)
          .map((a) => docker.getNetwork(paths[a.path]!.networkId).connect({ Container: id, EndpointConfig: { IPAMConfig: { IPv4Address: a.address } } })),
      ]);
      pid = info.State.Pid;
    },
    configure: async (id) => {
      const res = await dockerExec(docker, id, ['node', spec.agentPath, 'configure'], { stdin: JSON.stringify(request), timeoutMs: 30_000 });
      return parseConfigureOutput(hostSpec.host, res.stdout, res.stderr, res.exitCode);
    },
  }).start();
  return { host, spec: hostSpec, started, mechanisms, pid };
}

/** Starts a lab from a Plan. The caller owns it: `await using lab = await startDockerLab(plan, opts)`. */
export async function startDockerLab(plan: Plan, opts: StartLabOptions): Promise<RunningLab> {
  // Before anything is created: a congestion control the containers cannot get fails their start.
  const cc = await hostCongestionControls();
  requireCongestionControl(plan, cc.available, cc.allowed);
  const docker = opts.docker ?? (await connectDocker());
  const clock = opts.clock ?? (() => performance.now());
  const step = opts.onStep ?? (() => undefined);
  const runId = opts.runId ?? newRunId();
  const teardown = new Teardown(`lab ${plan.name} ${runId}`);
  const tmpfsBytes = opts.tmpfsBytes ?? 64 * 1024 * 1024;
  try {
    const reaper = await chooseReaper(docker);
    step('creating networks');
    const specFor = (subnets: Record<string, string>) => buildLabSpec(plan, { runId, image: opts.image, subnets, tmpfsBytes, extraLabels: reaper.labels });
    const { spec, paths } = await createNetworks(docker, plan, specFor, parseInt(runId.slice(-4), 16) % 1024, teardown);
    const subnets = Object.fromEntries(Object.values(paths).map((p) => [p.name, p.subnet]));
    step('starting hosts (testcontainers) and configuring MPTCP and shaping');
    const configured = await Promise.all(spec.hosts.map((h) => startHost(docker, plan, spec, h, paths, opts.netem, teardown)));
    const problems = configured.flatMap((c) => verifyHostConfig(plan, c.host, subnets, c.started.report, opts.netem));
    if (problems.length > 0) throw new LabError(`the lab's settings did not take:\n  ${problems.join('\n  ')}`);
    const veths = await findHostVeths(configured.flatMap((c) => c.started.report.interfaces.map((i) => i.iflink)));
    const hosts: Record<string, LabHost> = {};
    const shaping: AppliedShaping[] = [];
    for (const c of configured) {
      const interfaces: LabHost['interfaces'] = {};
      for (const a of c.spec.addresses) {
        const iface = c.started.report.interfaces.find((i) => i.address === a.address);
        if (!iface) throw new LabError(`${c.host.name}: no interface holds ${a.address} (path ${a.path})`);
        const hostVeth = veths.get(iface.iflink);
        if (!hostVeth) throw new LabError(`${c.host.name}: no host-side veth with ifindex ${iface.iflink} for ${iface.ifname}`);
        const labIface = { path: a.path, ifname: iface.ifname, address: a.address, prefixLength: iface.prefixLength, hostVeth };
        interfaces[a.path] = labIface;
        c.started.setInterface(labIface);
        shaping.push({ path: a.path, host: c.host.name, impairment: plan.paths.find((p) => p.name === a.path)?.egress[c.host.name] ?? {}, mechanism: c.mechanisms[a.path] ?? 'none' });
      }
      hosts[c.host.name] = {
        name: c.host.name,
        role: c.host.role,
        containerId: c.started.getId(),
        containerName: c.spec.name,
        pid: c.pid,
        interfaces,
      };
    }
    step('lab up');
    const containers = Object.fromEntries(configured.map((c) => [c.host.name, c.started]));
    return new DockerLab(docker, plan, runId, hosts, paths, shaping, teardown, clock, opts.netem, containers);
  } catch (e) {
    const failures = await teardown.run();
    if (failures.length > 0) step(`cleanup after failure left: ${failures.join('; ')}`);
    throw e;
  }
}

class DockerLab implements RunningLab {
  readonly runtime = 'docker' as const;
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
    /** The testcontainers handle of each host: exec, logs, copy, and its interface on each path. */
    readonly containers: Readonly<Record<string, StartedMptcpHost<ConfigureReport>>>,
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

  private streamCount = 0;

  /**
   * A long-lived command. Its stdout goes to a file in the host's RAM disk, read from the
   * Docker host through /proc/<pid>/root (file-stream.ts), so dockerd relays nothing while it
   * runs; through the exec's own stream when that file cannot be reached from here (a remote
   * engine, no root) or when MPTCP_LAB_STREAMS=exec asks for it (the bench's before/after).
   */
  stream(host: string, argv: readonly string[], opts?: ExecOptions): Promise<StreamHandle> {
    const id = this.containerOf(host);
    const file = this.streamFile(host);
    return file ? fileBackedStream(this.docker, id, argv, file, opts, this.clock) : dockerStream(this.docker, id, argv, opts, this.clock);
  }

  private streamFile(host: string): StreamFile | undefined {
    if (process.env.MPTCP_LAB_STREAMS === 'exec') return undefined;
    const dockerHost = process.env.DOCKER_HOST;
    if (dockerHost && !dockerHost.startsWith('unix://')) return undefined;
    const dir = this.containers[host]?.spec.tmpfs.path;
    const pid = this.hosts[host]?.pid;
    if (!dir || !pid) return undefined;
    try {
      accessSync(`/proc/${pid}/root${dir}`, constants.W_OK);
    } catch {
      return undefined;
    }
    const name = `.lab-stream-${++this.streamCount}.out`;
    return { containerPath: `${dir}/${name}`, hostPath: `/proc/${pid}/root${dir}/${name}` };
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
    if (failures.length > 0) throw new LabError(`removing lab ${this.runId} left problems:\n  ${failures.join('\n  ')}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
