/**
 * What this host can do for a lab: Docker, MPTCP, qdiscs (netem, tbf, htb, ingress) and
 * nftables. Qdiscs are tried for real in a throwaway container of the lab image (NET_ADMIN,
 * no network, a dummy interface): a module list cannot say whether autoloading works.
 * The container part is cached per process and on disk, keyed by kernel and Docker version.
 */
import { access, constants as fsConstants, readdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { EnvironmentError } from '../model/errors';
import type { Plan } from '../model/plan';
import { imageExists } from '../image/base';
import { ensureLabImage } from '../image/build';
import { LAB_IMAGE_LATEST, labImageTag, readImageInputs } from '../image/hash';
import { connectDocker, dockerEndpoint, INSTALL_HINT, SOCKET_HINT } from './docker-client';
import { dockerExec, runHostCommand } from './exec';
import { LABELS } from './types';

export interface HostCapabilities {
  docker: { ok: boolean; version: string; apiVersion: string; error?: string };
  kernel: string;
  /** ok: the kernel has MPTCP (each container's namespace starts with it enabled); enabled: the host namespace's sysctl. */
  mptcp: { ok: boolean; enabled: boolean; pathManagers?: string[]; schedulers?: string[]; error?: string };
  qdiscs: { netem: boolean; tbf: boolean; htb: boolean; ingress: boolean };
  nftables: boolean;
  details: ProbeDetails;
}

export interface ProbeDetails {
  /** `ok`: qdiscs were tried; `skipped`: no Docker or no image; `failed`: the probe container failed. */
  qdiscProbe: 'ok' | 'skipped' | 'failed';
  probeError?: string;
  probeImage?: string;
  probeMs?: number;
  /** The container result came from the disk cache. */
  cached: boolean;
  probedAt: string;
  /** Per feature, the error text of the failed attempt (e.g. netem: `Error: Specified qdisc kind is unknown.`). */
  failures: Record<string, string>;
  /** nftables `numgen random` (the loss fallback without netem). */
  nftNumgen: boolean;
  /** net.mptcp.enabled inside a fresh container namespace. */
  containerMptcpEnabled?: boolean;
  /** Every net.mptcp.* sysctl of the host namespace. */
  mptcpSysctls: Record<string, string>;
}

export interface ProbeOptions {
  /** Ignore both caches (the doctor does). */
  fresh?: boolean;
  /** Build the lab image when none is present (default true); false skips the qdisc probe instead. */
  buildImage?: boolean;
  docker?: Docker;
  onProgress?: (msg: string, fraction?: number) => void;
  /**
   * The runtime the probe is for. `netns` needs no Docker engine: without one, the qdiscs are
   * tried in a throwaway network namespace with this machine's own tc and nft (as in a VM
   * guest, which has no engine).
   */
  runtime?: 'docker' | 'netns';
}

const CACHE_PATH = path.join(os.tmpdir(), 'mptcp-lab-probe-cache.json');
const CACHE_MAX_AGE_MS = 24 * 3_600_000;
const MPTCP_PROC = '/proc/sys/net/mptcp';

// Constants only: no topology value reaches this script. Each line reports `name=ok` or
// `name=fail <error>`; `lo` stands in when dummy interfaces cannot be made.
const PROBE_SCRIPT = `
r() { n=$1; shift; if o=$("$@" 2>&1); then echo "$n=ok"; else echo "$n=fail $(printf %s "$o" | tr '\\n' ' ')"; fi; }
if ip link add d0 type dummy 2>/dev/null && ip link set d0 up; then D=d0; else D=lo; fi
echo "mptcpNetns=$(cat /proc/sys/net/mptcp/enabled 2>/dev/null || echo 0)"
r netem tc qdisc add dev $D root netem delay 1ms
tc qdisc del dev $D root 2>/dev/null
r tbf tc qdisc replace dev $D root tbf rate 1mbit burst 32kb latency 50ms
tc qdisc del dev $D root 2>/dev/null
r htb tc qdisc add dev $D root handle 1: htb default 10
tc qdisc del dev $D root 2>/dev/null
r ingress tc qdisc add dev $D ingress
r nftables nft add table inet probe
r nftChain nft add chain inet probe out '{ type filter hook output priority 0; }'
r nftNumgen nft add rule inet probe out meta mark 0x4d50 numgen random mod 100 lt 5 drop
`;

interface ContainerProbe {
  qdiscs: HostCapabilities['qdiscs'];
  nftables: boolean;
  nftNumgen: boolean;
  containerMptcpEnabled?: boolean;
  failures: Record<string, string>;
}

/** Parses the probe script's `name=ok` / `name=fail error` lines; anything not reported counts as missing. */
export function parseProbeOutput(text: string): ContainerProbe {
  const ok = new Set<string>();
  const failures: Record<string, string> = {};
  let containerMptcpEnabled: boolean | undefined;
  for (const line of text.split('\n')) {
    const m = /^(\w+)=(ok|fail|\d+)\s?(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, name = '', verdict, rest = ''] = m;
    if (name === 'mptcpNetns') containerMptcpEnabled = verdict === '1';
    else if (verdict === 'ok') ok.add(name);
    else failures[name] = rest.trim() || 'failed';
  }
  return {
    qdiscs: { netem: ok.has('netem'), tbf: ok.has('tbf'), htb: ok.has('htb'), ingress: ok.has('ingress') },
    nftables: ok.has('nftables'),
    nftNumgen: ok.has('nftables') && ok.has('nftChain') && ok.has('nftNumgen'),
    containerMptcpEnabled,
    failures,
  };
}

/** Reads the MPTCP part from the files of /proc/sys/net/mptcp (name → content); undefined when the directory is absent. */
export function parseMptcpProc(files: Record<string, string> | undefined): HostCapabilities['mptcp'] {
  if (!files) return { ok: false, enabled: false, error: `no ${MPTCP_PROC}: the kernel lacks CONFIG_MPTCP (needs Linux 5.6 or later)` };
  const words = (name: string): string[] | undefined => files[name]?.trim().split(/\s+/).filter(Boolean);
  // Older kernels have pm_type (0 kernel, 1 userspace) and no list of path managers.
  const pmType = files.pm_type?.trim();
  const pathManagers = words('available_path_managers') ?? (pmType !== undefined ? ['kernel', 'userspace'] : ['kernel']);
  const enabled = files.enabled?.trim() === '1';
  return { ok: true, enabled, pathManagers, schedulers: words('available_schedulers') ?? ['default'] };
}

async function readMptcpProc(): Promise<Record<string, string> | undefined> {
  const names = await readdir(MPTCP_PROC).catch(() => undefined);
  if (!names) return undefined;
  const entries = await Promise.all(names.map(async (n) => [n, await readFile(path.join(MPTCP_PROC, n), 'utf8').catch(() => '')] as const));
  return Object.fromEntries(entries.map(([n, v]) => [n, v.trim()]));
}

let memo: Promise<HostCapabilities> | undefined;

/** Probes the host; cached for the process and (the container part) on disk unless `fresh`. */
export function probeHost(opts: ProbeOptions = {}): Promise<HostCapabilities> {
  if (opts.fresh || !memo) {
    const p = probeUncached(opts);
    memo = p;
    p.catch(() => {
      if (memo === p) memo = undefined;
    });
  }
  return memo;
}

async function probeUncached(opts: ProbeOptions): Promise<HostCapabilities> {
  const kernel = os.release();
  const procFiles = await readMptcpProc();
  const mptcp = parseMptcpProc(procFiles);
  const details: ProbeDetails = { qdiscProbe: 'skipped', cached: false, probedAt: new Date().toISOString(), failures: {}, nftNumgen: false, mptcpSysctls: procFiles ?? {} };
  const caps: HostCapabilities = {
    docker: { ok: false, version: '', apiVersion: '' },
    kernel,
    mptcp,
    qdiscs: { netem: false, tbf: false, htb: false, ingress: false },
    nftables: false,
    details,
  };
  let docker: Docker;
  try {
    docker = opts.docker ?? (await connectDocker());
    const v = await docker.version();
    caps.docker = { ok: true, version: v.Version, apiVersion: v.ApiVersion };
  } catch (e) {
    caps.docker.error = e instanceof EnvironmentError ? (e.detail ?? e.message) : (e as Error).message;
    details.probeError = 'no Docker engine';
    if (opts.runtime !== 'netns') return caps;
    return netnsProbe(caps);
  }
  const key = `${kernel}|${caps.docker.version}`;
  const cached = opts.fresh ? undefined : await readCache(key);
  let probe: ContainerProbe | undefined = cached;
  if (cached) details.cached = true;
  else {
    const image = await probeImage(docker, opts);
    if (!image) {
      details.probeError = 'no lab image to probe with (build it: npm run lab -- image)';
      return caps;
    }
    details.probeImage = image;
    const t0 = Date.now();
    try {
      probe = parseProbeOutput(await runProbeContainer(docker, image));
      details.probeMs = Date.now() - t0;
      await writeCache(key, probe);
    } catch (e) {
      details.qdiscProbe = 'failed';
      details.probeError = (e as Error).message;
      return caps;
    }
  }
  if (!probe) return caps;
  details.qdiscProbe = 'ok';
  Object.assign(details, { failures: probe.failures, nftNumgen: probe.nftNumgen, containerMptcpEnabled: probe.containerMptcpEnabled });
  if (mptcp.ok && probe.containerMptcpEnabled === false) {
    caps.mptcp = { ...mptcp, ok: false, error: 'net.mptcp.enabled is 0 in a new container namespace' };
  }
  return { ...caps, qdiscs: probe.qdiscs, nftables: probe.nftables };
}

/** The qdisc probe in a throwaway network namespace (`unshare --net`), with this machine's tc and nft: the netns runtime without an engine. */
async function netnsProbe(caps: HostCapabilities): Promise<HostCapabilities> {
  const { details } = caps;
  const t0 = Date.now();
  const r = await runHostCommand(['unshare', '--net', '--', 'sh', '-c', PROBE_SCRIPT], { timeoutMs: 30_000 });
  details.probeImage = 'a network namespace (this machine\'s tc and nft)';
  details.probeMs = Date.now() - t0;
  if (!/^tbf=/m.test(r.stdout)) {
    details.qdiscProbe = 'failed';
    details.probeError = `the namespace probe printed nothing useful (exit ${r.exitCode}): ${r.stderr.trim()}`;
    return caps;
  }
  const probe = parseProbeOutput(r.stdout);
  details.qdiscProbe = 'ok';
  details.probeError = undefined;
  Object.assign(details, { failures: probe.failures, nftNumgen: probe.nftNumgen, containerMptcpEnabled: probe.containerMptcpEnabled });
  const mptcp = caps.mptcp.ok && probe.containerMptcpEnabled === false ? { ...caps.mptcp, ok: false, error: 'net.mptcp.enabled is 0 in a new network namespace' } : caps.mptcp;
  return { ...caps, mptcp, qdiscs: probe.qdiscs, nftables: probe.nftables };
}

/** The current lab image, else any lab image (tc and nft are in all of them), else build or give up. */
async function probeImage(docker: Docker, opts: ProbeOptions): Promise<string | undefined> {
  const current = await readImageInputs().then(labImageTag, () => undefined);
  if (current && (await imageExists(docker, current))) return current;
  if (await imageExists(docker, LAB_IMAGE_LATEST)) return LAB_IMAGE_LATEST;
  if (opts.buildImage === false) return undefined;
  return (await ensureLabImage({ docker, onProgress: opts.onProgress })).tag;
}

async function runProbeContainer(docker: Docker, image: string): Promise<string> {
  const container = await docker.createContainer({
    Image: image,
    name: `mptcp-lab-probe-${process.pid}-${Date.now().toString(36)}`,
    Cmd: ['sleep', 'infinity'],
    Labels: { [LABELS.project]: 'mptcp-lab', [LABELS.role]: 'probe', [LABELS.owner]: String(process.pid) },
    HostConfig: { NetworkMode: 'none', CapAdd: ['NET_ADMIN'] },
  });
  try {
    await container.start();
    const r = await dockerExec(docker, container.id, ['sh', '-c', PROBE_SCRIPT], { timeoutMs: 30_000 });
    if (!/^tbf=/m.test(r.stdout)) throw new Error(`the probe script printed nothing useful (exit ${r.exitCode}): ${r.stderr.trim()}`);
    return r.stdout;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

async function readCache(key: string): Promise<ContainerProbe | undefined> {
  try {
    const c = JSON.parse(await readFile(CACHE_PATH, 'utf8')) as { key: string; at: number; probe: ContainerProbe };
    return c.key === key && Date.now() - c.at < CACHE_MAX_AGE_MS ? c.probe : undefined;
  } catch {
    return undefined;
  }
}

async function writeCache(key: string, probe: ContainerProbe): Promise<void> {
  await writeFile(CACHE_PATH, JSON.stringify({ key, at: Date.now(), probe })).catch(() => undefined);
}

export const NETEM_HINT =
  'Get the kernel module sch_netem: modprobe sch_netem, or a kernel built with CONFIG_NET_SCH_NETEM; on Debian/Ubuntu it is in linux-modules-extra-$(uname -r)';
/** How to run a netem topology anyway: in a QEMU guest whose kernel has netem (lab/runtime/vm). */
export const NETEM_VM_HINT = 'Or run it in a VM whose kernel has netem: npm run lab -- <topology> --runtime vm (QEMU and a Debian kernel: apt-get install qemu-system-x86 linux-image-amd64 busybox-static)';
export const MPTCP_HINT = 'sysctl -w net.mptcp.enabled=1; kernel ≥ 5.6 with CONFIG_MPTCP';
export const TBF_HINT = 'modprobe sch_tbf, or a kernel built with CONFIG_NET_SCH_TBF';

/** Throws EnvironmentError (exit 3) naming what the plan needs and the host lacks, and how to get it. */
export function requireCapabilities(needs: Plan['needs'], caps: HostCapabilities, runtime: 'docker' | 'netns' = 'docker'): void {
  // The netns runtime needs no engine once the image's root filesystem is exported (ensureRootfs says so if not).
  if (!caps.docker.ok && !(runtime === 'netns' && caps.details.qdiscProbe === 'ok')) {
    if (/EACCES/.test(caps.docker.error ?? '')) throw new EnvironmentError('permission on the Docker socket', SOCKET_HINT, caps.docker.error);
    throw new EnvironmentError('Docker engine', INSTALL_HINT, caps.docker.error);
  }
  if (!caps.mptcp.ok) throw new EnvironmentError('MPTCP', MPTCP_HINT, caps.mptcp.error);
  const unprobed = caps.details.qdiscProbe !== 'ok' ? `could not probe: ${caps.details.probeError ?? 'unknown'}` : undefined;
  // Loss alone needs no netem where nftables can draw at random (lab/tc/nft-loss.ts): the fallback.
  const netemOnly = needs.netemFeatures.filter((f) => f !== 'loss' || !caps.details.nftNumgen);
  if (needs.netem && !caps.qdiscs.netem && (netemOnly.length > 0 || needs.netemFeatures.length === 0)) {
    const features = needs.netemFeatures.length ? needs.netemFeatures.join(', ') : 'netem impairments';
    throw new EnvironmentError('sch_netem', `${NETEM_HINT}. ${NETEM_VM_HINT}`, unprobed ?? `the topology uses ${features}, which need it; rate limits alone (tbf) do not`);
  }
  if (needs.tbf && !caps.qdiscs.tbf) {
    throw new EnvironmentError('sch_tbf', TBF_HINT, unprobed ?? 'the topology sets rate limits');
  }
}

/** Probes (cached) and requires; a cached verdict that fails is re-probed once, since a module may have been loaded since. */
export async function checkHostFor(needs: Plan['needs'], opts: ProbeOptions = {}): Promise<HostCapabilities> {
  await requireRunPrivileges();
  const caps = await probeHost(opts);
  try {
    requireCapabilities(needs, caps, opts.runtime);
    return caps;
  } catch (e) {
    if (opts.fresh || !caps.details.cached) throw e;
    const again = await probeHost({ ...opts, fresh: true });
    requireCapabilities(needs, again, opts.runtime);
    return again;
  }
}

export const ROOT_HINT = 'Run it as root: sudo npm run lab -- ... (or sudo -E, to keep DOCKER_HOST and PATH)';

/**
 * What a run needs beyond Docker, decided from facts (pure): root, because the lab sets the
 * host side of veths down (ip link), reads each container's /proc/PID/net and the kernel log;
 * and read-write access to the Docker socket. `socketError` is access(2)'s error code on the
 * socket (undefined: allowed, or not a local socket).
 */
export function missingPrivileges(facts: { uid: number | undefined; socket?: string; socketError?: string }): { missing: string[]; detail: string[]; hint: string } | undefined {
  const missing: string[] = [];
  const detail: string[] = [];
  if (facts.uid !== undefined && facts.uid !== 0) {
    missing.push('root');
    detail.push(`running as uid ${facts.uid}; the lab cuts links on the host (ip link), reads the containers' /proc/PID/net and the kernel log`);
  }
  if (facts.socketError === 'EACCES' || facts.socketError === 'EPERM') {
    missing.push(`permission on the Docker socket ${facts.socket}`);
    detail.push(`${facts.socket}: ${facts.socketError} (the engine may well be running)`);
  }
  if (missing.length === 0) return undefined;
  return { missing, detail, hint: missing.includes('root') ? ROOT_HINT : SOCKET_HINT };
}

/** Throws EnvironmentError (exit 3) before anything starts when the run lacks root or access to the Docker socket. */
export async function requireRunPrivileges(): Promise<void> {
  const endpoint = dockerEndpoint();
  const socket = endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) : undefined;
  // A missing socket is not a permission problem: the engine check says how to start it.
  const socketError = socket ? await access(socket, fsConstants.R_OK | fsConstants.W_OK).then(() => undefined, (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : e.code)) : undefined;
  const m = missingPrivileges({ uid: process.getuid?.(), socket, socketError });
  if (m) throw new EnvironmentError(m.missing.join(' and '), m.hint, m.detail.join('; '));
}
