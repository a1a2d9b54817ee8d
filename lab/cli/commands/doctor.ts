/**
 * `doctor [--json] [--cached] [--build]`: what this host can do for a lab, each item ok or
 * missing with how to get it. Exit 3 when Docker or MPTCP is missing (no lab can run);
 * a missing netem is a warning: labs without delay or loss still run.
 */
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { UsageError } from '../../model/errors';
import { BASE_IMAGE, debootstrapPath, imageExists } from '../../image/base';
import { labImageTag, readImageInputs } from '../../image/hash';
import { connectDocker, INSTALL_HINT } from '../../runtime/docker-client';
import { MPTCP_HINT, NETEM_HINT, probeHost, TBF_HINT, type HostCapabilities } from '../../runtime/probe';
import type { CommandResult } from '../main';

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

/** Runs `doctor`; the probe is fresh unless --cached. */
export async function doctorCommand(args: string[]): Promise<CommandResult> {
  let values: { json?: boolean; cached?: boolean; build?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { json: { type: 'boolean' }, cached: { type: 'boolean' }, build: { type: 'boolean' } } }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: lab doctor [--json] [--cached] [--build]`);
  }
  const progress = (msg: string): void => void process.stderr.write(`${msg}\n`);
  const caps = await probeHost({ fresh: !values.cached, buildImage: !!values.build, onProgress: values.build ? progress : undefined });
  const image = await labImageState(caps);
  const rows = doctorRows(caps, image, { debootstrap: await debootstrapPath() });
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
export function doctorRows(caps: HostCapabilities, image: ImageState, host: { debootstrap?: string }): DoctorRow[] {
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
      ? { item: 'debootstrap', status: 'ok', detail: `not needed: ${BASE_IMAGE} is present${host.debootstrap ? ` (${host.debootstrap} too)` : ''}`, required: false }
      : host.debootstrap
        ? { item: 'debootstrap', status: 'ok', detail: `${host.debootstrap}: builds ${BASE_IMAGE} when no registry is reachable`, required: false }
        : { item: 'debootstrap', status: 'optional', detail: `${BASE_IMAGE} is absent; without a registry it is built with debootstrap`, hint: 'apt-get install debootstrap', required: false },
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
