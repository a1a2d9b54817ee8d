/**
 * `doctor [--json] [--cached] [--build]`: what this host can do for a lab, each item ok or
 * missing with how to get it. Exit 3 when Docker or MPTCP is missing (no lab can run);
 * a missing netem is a warning: labs without delay or loss still run.
 */
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { UsageError } from '../../model/errors';
import { BASE_IMAGE, imageExists } from '../../image/base';
import { BOOTSTRAP_HINT, findBootstrapper, type Bootstrapper } from '../../image/base-tree';
import { labImageTag, readImageInputs } from '../../image/hash';
import { connectDocker, INSTALL_HINT } from '../../runtime/docker-client';
import { MPTCP_HINT, NETEM_HINT, probeHost, TBF_HINT, type HostCapabilities } from '../../runtime/probe';
import type { CommandResult } from './command-result';
import { probeFaultModes, type FaultModeProbe } from '../../runtime/fault-probe';
import { netnsDoctorRows, type NetnsDoctorRow } from '../../runtime/netns/doctor';
import { VM_INSTALL_HINT } from '../../runtime/vm/install-hint';

type Status = 'ok' | 'missing' | 'not probed' | 'optional';

export interface DoctorRow {
  item: string;
  status: Status;
  detail: string;
  /** How to get it, when it is not ok. */
  hint?: string;
  /** Whether a lab cannot run at all without it. */
  required: boolean;
}

/** What the runtimes' probes found (gathered by runtimeFacts; turned into rows by runtimeRows, pure). */
export interface RuntimeFacts {
  netns: NetnsDoctorRow[];
  vm: {
    skipped?: string;
    kernel?: { version: string; image: string; source: string };
    kernelError?: string;
    qemu?: string;
    qemuError?: string;
    accelerator?: { accelerator: string; kvmRefused?: string; probeMs: number; cached: boolean };
    acceleratorError?: string;
    netem?: { works: boolean; detail: string; cached: boolean };
    netemError?: string;
  };
}

/** Gathers the netns rows and the VM's facts: kernel, QEMU, accelerator (a boot, cached), netem in the guest (a boot, cached). */
export async function runtimeFacts(opts: { vm: boolean; fresh?: boolean }): Promise<RuntimeFacts> {
  const netns = await netnsDoctorRows();
  if (!opts.vm) return { netns, vm: { skipped: 'not probed (--no-vm)' } };
  const vm: RuntimeFacts['vm'] = {};
  const { resolveKernel, prepareGuest, probeAccelerator, guestNetemCached } = await import('../../runtime/vm');
  const { findQemu, qemuVersion } = await import('../../runtime/vm/host-tools');
  try {
    const k = resolveKernel('debian');
    vm.kernel = { version: k.version, image: k.image, source: k.source };
  } catch (e) {
    vm.kernelError = (e as Error).message;
  }
  try {
    vm.qemu = qemuVersion(findQemu());
  } catch (e) {
    vm.qemuError = (e as Error).message;
  }
  if (!vm.kernel || !vm.qemu) return { netns, vm };
  try {
    const guest = await prepareGuest({ accelerator: 'tcg' });
    const accel = await probeAccelerator({ qemu: guest.qemu, qemuVersion: guest.qemuVersion, kernel: guest.kernel, initramfs: guest.initramfs.path, fresh: opts.fresh });
    vm.accelerator = { accelerator: accel.accelerator, kvmRefused: accel.kvmRefused, probeMs: accel.probeMs, cached: accel.cached };
    try {
      const n = await guestNetemCached({ ...guest, accelerator: accel.accelerator, kvmRefused: accel.kvmRefused }, { fresh: opts.fresh });
      vm.netem = { works: n.works, detail: n.detail, cached: n.cached };
    } catch (e) {
      vm.netemError = (e as Error).message;
    }
  } catch (e) {
    vm.acceleratorError = (e as Error).message;
  }
  return { netns, vm };
}

/** One row per runtime (docker, netns, vm) and the VM's parts; pure. */
export function runtimeRows(caps: HostCapabilities, facts: RuntimeFacts): DoctorRow[] {
  const rows: DoctorRow[] = [];
  const dockerOk = caps.docker.ok && caps.mptcp.ok;
  rows.push({
    item: 'runtime: docker',
    status: dockerOk ? 'ok' : 'missing',
    detail: dockerOk ? `yes: containers on Docker ${caps.docker.version}${caps.qdiscs.netem ? '' : ' (no netem on this kernel)'}` : `no: ${!caps.docker.ok ? 'no Docker engine' : 'no MPTCP'}`,
    ...(dockerOk ? {} : { hint: !caps.docker.ok ? INSTALL_HINT : MPTCP_HINT }),
    required: false,
  });
  const bad = facts.netns.filter((r) => !r.ok);
  rows.push({
    item: 'runtime: netns',
    status: bad.length === 0 && caps.mptcp.ok ? 'ok' : 'missing',
    detail: bad.length === 0 ? `yes: ${facts.netns.map((r) => `${r.name.replace(/^netns: /, '')}: ${r.detail}`).join('; ')}` : `no: ${bad.map((r) => `${r.name.replace(/^netns: /, '')}: ${r.detail}`).join('; ')}`,
    ...(bad.length ? { hint: bad.map((r) => r.hint).filter(Boolean).join('; ') } : {}),
    required: false,
  });
  const vm = facts.vm;
  if (vm.skipped) {
    rows.push({ item: 'runtime: vm', status: 'not probed', detail: vm.skipped, required: false });
    return rows;
  }
  const vmOk = !!vm.kernel && !!vm.qemu && !!vm.accelerator && vm.netem?.works === true;
  const accelText = vm.accelerator ? `${vm.accelerator.accelerator}${vm.accelerator.kvmRefused ? ` (KVM refused: ${vm.accelerator.kvmRefused})` : ''}` : undefined;
  rows.push({
    item: 'runtime: vm',
    status: vmOk ? 'ok' : 'missing',
    detail: vmOk ? `yes: kernel ${vm.kernel!.version} under ${vm.accelerator!.accelerator.toUpperCase()}, netem in the guest (--runtime vm)` : 'no: see the vm rows',
    ...(vmOk ? {} : { hint: VM_INSTALL_HINT }),
    required: false,
  });
  rows.push(vm.kernel ? { item: 'vm: kernel', status: 'ok', detail: `${vm.kernel.version} (${vm.kernel.image}; --kernel PATH boots another)`, required: false } : { item: 'vm: kernel', status: 'missing', detail: vm.kernelError ?? 'none', hint: VM_INSTALL_HINT, required: false });
  rows.push(vm.qemu ? { item: 'vm: qemu', status: 'ok', detail: vm.qemu, required: false } : { item: 'vm: qemu', status: 'missing', detail: vm.qemuError ?? 'none', hint: VM_INSTALL_HINT, required: false });
  if (vm.kernel && vm.qemu) {
    rows.push(
      vm.accelerator
        ? { item: 'vm: accelerator', status: 'ok', detail: `${accelText}; a probe guest booted in ${(vm.accelerator.probeMs / 1000).toFixed(1)} s${vm.accelerator.cached ? ' (cached)' : ''}`, required: false }
        : { item: 'vm: accelerator', status: 'missing', detail: vm.acceleratorError ?? 'no guest booted', hint: VM_INSTALL_HINT, required: false },
    );
    if (vm.accelerator) {
      rows.push(
        vm.netem?.works
          ? { item: 'vm: netem', status: 'ok', detail: `in the guest: ${vm.netem.detail.split('\n')[0]}${vm.netem.cached ? ' (cached)' : ''}`, required: false }
          : { item: 'vm: netem', status: 'missing', detail: vm.netemError ?? vm.netem?.detail ?? 'not probed', hint: 'a guest kernel with sch_netem (Debian\'s has it as a module)', required: false },
      );
    }
  }
  return rows;
}

/** Runs `doctor`; the probe is fresh unless --cached. */
export async function doctorCommand(args: string[]): Promise<CommandResult> {
  let values: { json?: boolean; cached?: boolean; build?: boolean; 'no-vm'?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { json: { type: 'boolean' }, cached: { type: 'boolean' }, build: { type: 'boolean' }, 'no-vm': { type: 'boolean' } } }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: lab doctor [--json] [--cached] [--build] [--no-vm]`);
  }
  const progress = (msg: string): void => void process.stderr.write(`${msg}\n`);
  const caps = await probeHost({ fresh: !values.cached, buildImage: !!values.build, onProgress: values.build ? progress : undefined });
  const image = await labImageState(caps);
  // The VM's boots (accelerator, netem in the guest) are cached on disk whatever --cached says: each costs seconds to tens of seconds.
  const facts = await runtimeFacts({ vm: !values['no-vm'] });
  const rows = [...doctorRows(caps, image, { bootstrapper: findBootstrapper() }), ...runtimeRows(caps, facts), faultModesRow(await probeFaultModes())];
  const failing = rows.filter((r) => r.required && r.status !== 'ok');
  const exitCode = failing.length > 0 ? 3 : 0;
  if (values.json) {
    return { exitCode, stdout: JSON.stringify({ exitCode, rows, image, capabilities: caps }, null, 2) + '\n', stderr: '' };
  }
  const warnings = rows.filter((r) => !r.required && (r.status === 'missing' || r.status === 'not probed'));
  const summary =
    failing.length > 0
      ? `No lab can run here: ${failing.map((r) => r.item).join(', ')} missing.`
      : `Labs can run here${warnings.length ? ` (with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings.map((r) => r.item).join(', ')})` : ''}.`;
  return { exitCode, stdout: `${renderTable(rows)}\n${summary}\n`, stderr: '' };
}

interface ImageState {
  tag?: string;
  present: boolean;
  base: boolean;
  error?: string;
}

async function labImageState(caps: HostCapabilities): Promise<ImageState> {
  try {
    const tag = labImageTag(await readImageInputs());
    if (!caps.docker.ok) return { tag, present: false, base: false };
    const docker = await connectDocker();
    return { tag, present: await imageExists(docker, tag), base: await imageExists(docker, BASE_IMAGE) };
  } catch (e) {
    return { present: false, base: false, error: (e as Error).message };
  }
}

/** The doctor's verdict, one row per capability; pure, so it is unit-tested without a host. */
export function doctorRows(caps: HostCapabilities, image: ImageState, host: { bootstrapper?: Bootstrapper }): DoctorRow[] {
  const probed = caps.details.qdiscProbe === 'ok';
  const notProbed = `not probed: ${caps.details.probeError ?? 'unknown'}`;
  const probeHint = caps.docker.ok ? 'build the lab image first: npm run lab -- image (or doctor --build)' : 'start the Docker engine first';
  const qdisc = (item: string, ok: boolean, detail: string, hint: string): DoctorRow =>
    !probed
      ? { item, status: 'not probed', detail: notProbed, hint: probeHint, required: false }
      : ok
        ? { item, status: 'ok', detail, required: false }
        : { item, status: 'missing', detail: `needed for ${detail}; tc said: ${caps.details.failures[item.replace(/^sch_/, '')] ?? 'unavailable'}`, hint, required: false };
  const m = caps.mptcp;
  const mptcpDetail = m.ok
    ? [
        m.enabled ? 'enabled' : 'off in the host namespace (containers start with it on)',
        `path managers: ${(m.pathManagers ?? []).join(' ')}`,
        `schedulers: ${(m.schedulers ?? []).join(' ')}`,
      ].join('; ')
    : (m.error ?? 'unavailable');
  return [
    caps.docker.ok
      ? { item: 'Docker engine', status: 'ok', detail: `${caps.docker.version} (API ${caps.docker.apiVersion})`, required: true }
      : { item: 'Docker engine', status: 'missing', detail: (caps.docker.error ?? 'unreachable').replace(INSTALL_HINT, '').trim(), hint: INSTALL_HINT, required: true },
    { item: 'MPTCP', status: m.ok ? 'ok' : 'missing', detail: `kernel ${caps.kernel}: ${mptcpDetail}`, hint: m.ok ? undefined : MPTCP_HINT, required: true },
    qdisc('sch_netem', caps.qdiscs.netem, 'delay, jitter, loss, corrupt, duplicate, reorder', `${NETEM_HINT}. Labs with rate limits only still run.`),
    qdisc('sch_tbf', caps.qdiscs.tbf, 'rate limits', TBF_HINT),
    qdisc('sch_htb', caps.qdiscs.htb, 'hierarchical rate limits', 'modprobe sch_htb, or a kernel with CONFIG_NET_SCH_HTB'),
    qdisc('ingress', caps.qdiscs.ingress, 'filters on received traffic', 'modprobe sch_ingress, or a kernel with CONFIG_NET_SCH_INGRESS'),
    qdisc(
      'nftables',
      caps.nftables,
      caps.details.nftNumgen ? 'tables, chains, numgen random (random loss without netem)' : 'tables',
      'modprobe nf_tables, or a kernel with CONFIG_NF_TABLES',
    ),
    image.base
      ? { item: 'base bootstrapper', status: 'ok', detail: `not needed: ${BASE_IMAGE} is present${host.bootstrapper ? ` (${host.bootstrapper.path} too)` : ''}`, required: false }
      : host.bootstrapper
        ? { item: 'base bootstrapper', status: 'ok', detail: `${host.bootstrapper.path}: builds ${BASE_IMAGE} when no registry is reachable`, required: false }
        : { item: 'base bootstrapper', status: 'optional', detail: `${BASE_IMAGE} is absent; without a registry it is built with mmdebstrap or debootstrap`, hint: BOOTSTRAP_HINT, required: false },
    image.present
      ? { item: 'lab image', status: 'ok', detail: image.tag ?? '', required: false }
      : !caps.docker.ok
        ? { item: 'lab image', status: 'not probed', detail: `${image.tag ?? 'mptcp-lab/host'}: no Docker engine to ask`, required: false }
        : {
            item: 'lab image',
            status: 'missing',
            detail: image.error ?? `${image.tag ?? 'mptcp-lab/host'} not built yet (a run builds it)`,
            hint: 'npm run lab -- image (under a minute from nothing, seconds with the base present)',
            required: false,
          },
  ];
}

/** The timeline's middlebox fault modes this kernel can run (nft -c in a throwaway netns). */
export function faultModesRow(probes: readonly FaultModeProbe[]): DoctorRow {
  const bad = probes.filter((p) => !p.ok);
  return {
    item: 'fault modes (nftables)',
    status: bad.length === 0 ? 'ok' : 'missing',
    detail: bad.length === 0
      ? `${probes.map((p) => p.mode).join(', ')} (timeline fault events; nft -c accepted each rule)`
      : `${probes.filter((p) => p.ok).map((p) => p.mode).join(', ') || 'none'} ok; not: ${bad.map((p) => `${p.mode} (${p.detail})`).join('; ')}`,
    ...(bad.length ? { hint: 'a topology using a missing mode stops with exit 3 at start (checked with nft -c before the traffic); those modes need nf_tables payload mangling, TCP option reset and reject (Linux ≥ 5.17)' } : {}),
    required: false,
  };
}

function renderTable(rows: DoctorRow[]): string {
  const width = Math.max(60, Math.min(120, process.stdout.columns ?? 100) - 34);
  const table = new Table({
    head: ['capability', 'status', 'detail / how to get it'],
    colWidths: [15, 12, width],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const r of rows) table.push([r.item, r.status, r.hint ? `${r.detail}\n→ ${r.hint}` : r.detail]);
  return table.toString();
}
