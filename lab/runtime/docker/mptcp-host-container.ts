/**
 * A lab host as a testcontainers module, in the style of @testcontainers/postgresql: a
 * GenericContainer subclass that sets its own defaults (the lab spec's sysctls, RAM disk,
 * NET_ADMIN, labels, init, a fixed address on its first network) and a started handle with
 * typed accessors. Networks stay on dockerode (testcontainers' Network has no subnet and no
 * internal flag); the other networks are attached after start, because Docker 20.10 may
 * renumber interfaces attached before it.
 *
 * The wait strategy is the agent answering: its batched `configure` (MPTCP limits,
 * endpoints, qdiscs, read back) is the first thing the agent does, so readiness costs no exec
 * of its own and a host that cannot be configured never counts as started.
 */
import type Dockerode from 'dockerode';
import { AbstractStartedContainer, GenericContainer, type StartedTestContainer, type WaitStrategy } from 'testcontainers';
import type { HostSpec } from '../lab-spec';
import type { LabInterface } from '../types';

/** What the lab does at the three moments testcontainers gives a module. */
export interface MptcpHostHooks<R> {
  /** The container exists: register its removal before anything else can fail. */
  created(containerId: string): Promise<void>;
  /** The container runs: attach its other paths' networks. */
  started(containerId: string): Promise<void>;
  /** Configure it through the agent; resolves with the agent's read-back report (the readiness signal). */
  configure(containerId: string): Promise<R>;
}

/** Ready when the agent has answered its configure request with a report. */
export class AgentConfiguredWait<R> implements WaitStrategy {
  report: R | undefined;
  private timeoutMs = 30_000;
  private timeoutSet = false;

  constructor(private readonly configure: (containerId: string) => Promise<R>) {}

  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }

  async waitUntilReady(container: Dockerode.Container): Promise<void> {
    const timeoutMs = this.timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the lab agent did not answer its configure request within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      this.report = await Promise.race([this.configure(container.id), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A Multipath TCP lab host: `await new MptcpHostContainer(spec, image, hooks).start()`. */
export class MptcpHostContainer<R> extends GenericContainer {
  private readonly wait: AgentConfiguredWait<R>;

  constructor(
    private readonly spec: HostSpec,
    image: string,
    private readonly hooks: MptcpHostHooks<R>,
  ) {
    super(image);
    const first = spec.addresses.find((a) => a.path === spec.firstPath);
    if (!first) throw new Error(`MptcpHostContainer: ${spec.host} has no address on its first path ${spec.firstPath}`);
    this.wait = new AgentConfiguredWait(hooks.configure);
    this.withName(spec.name)
      .withHostname(spec.hostname)
      .withLabels(spec.labels)
      .withAddedCapabilities(...spec.capabilities)
      .withTmpFs({ [spec.tmpfs.path]: `rw,size=${spec.tmpfs.bytes}` })
      .withNetworkMode(first.network)
      .withWaitStrategy(this.wait)
      .withStartupTimeout(30_000);
    // What GenericContainer has no builder for: namespaced sysctls (read-only /proc/sys inside),
    // an init that reaps the tools' children, a fixed address, a quick stop.
    this.hostConfig.Sysctls = { ...spec.sysctls };
    this.hostConfig.Init = true;
    this.createOpts.StopTimeout = 1;
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [first.network]: { IPAMConfig: { IPv4Address: first.address } } } };
  }

  private containerId: string | undefined;

  protected override async containerCreated(containerId: string): Promise<void> {
    this.containerId = containerId;
    await this.hooks.created(containerId);
  }

  protected override async containerStarting(): Promise<void> {
    await this.hooks.started(this.containerId ?? '');
  }

  override async start(): Promise<StartedMptcpHost<R>> {
    const started = await super.start();
    if (this.wait.report === undefined) throw new Error(`${this.spec.host}: started without a configure report`);
    return new StartedMptcpHost(started, this.spec, this.wait.report);
  }
}

/** A started lab host: testcontainers' exec, logs and copy, plus the lab's own view of it. */
export class StartedMptcpHost<R> extends AbstractStartedContainer {
  private readonly interfaces = new Map<string, LabInterface>();

  constructor(
    started: StartedTestContainer,
    readonly spec: HostSpec,
    /** The agent's read-back of what configure applied. */
    readonly report: R,
  ) {
    super(started);
  }

  /** The lab host's name in the plan. */
  get host(): string {
    return this.spec.host;
  }

  /** Records the interface found for a path (by address, never by ethN guess). */
  setInterface(iface: LabInterface): void {
    this.interfaces.set(iface.path, iface);
  }

  /** The host's interface on a path: name inside, address, and the host-side veth. */
  interfaceOn(path: string): LabInterface {
    const i = this.interfaces.get(path);
    if (!i) throw new Error(`${this.spec.host} has no interface on path ${path} (it is on ${[...this.interfaces.keys()].join(', ') || 'none yet'})`);
    return i;
  }
}
