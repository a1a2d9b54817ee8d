/**
 * `export-compose`: a topology as a Docker Compose file that brings the same lab up by hand,
 * for exploring: one service per host (the lab image, NET_ADMIN, the MPTCP sysctls, the RAM
 * disk), one internal network per path with the planned subnet and static addresses, and,
 * next to it, one `<topology>.configure.<host>.json` per host: the very request the lab
 * feeds the agent's `configure` (MPTCP limits and endpoints, tc qdiscs), built by the same
 * lab/runtime/host-config code.
 *
 * Why a configure step at all: endpoints, limits and qdiscs live in the container's network
 * namespace and name interfaces, and the interface names are known only once the container
 * runs (Compose connects a service's networks before start, in an order Docker 20.10 does
 * not keep: the first path is not always eth0). The agent resolves `@ifname:<address>` to
 * the interface holding that address; the by-hand commands in the file's header do the same
 * with `ip -o -4 addr show to <address>`.
 *
 * The document building is pure (`buildComposeExport`); `exportCompose` gathers what it
 * needs from the host (image tag, subnets in use, netem) and writes the files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type Docker from 'dockerode';
import YAML from 'yaml';
import type { Plan } from '../model/plan';
import { hostAddress } from '../model/plan';
import { loadTopologyFile } from '../loader';
import { ensureLabImage, isProgressMilestone } from '../image/build';
import { labImageTag, readImageInputs } from '../image/hash';
import { connectDocker } from '../runtime/docker-client';
import { formatCommand } from '../runtime/exec';
import { buildConfigureRequest, type ConfigureRequest, type ConfigureStep } from '../runtime/host-config';
import { AGENT_PATH, buildLabSpec, type HostSpec } from '../runtime/lab-spec';
import { subnetsInUse } from '../runtime/subnets-in-use';
import { probeHost } from '../runtime/probe';
import { allocateSubnets, POOL_SIZE_24 } from '../runtime/subnet-pool';
import { LABELS } from '../runtime/types';
import { tmpfsFor } from '../run/start-lab';


/**
 * The value of io.mptcp-lab.project on what Compose creates. Not `mptcp-lab`: `lab clean`
 * removes every container and network with that value (the host image carries it, and
 * containers inherit image labels), and a lab brought up by hand is Compose's to remove.
 */
export const COMPOSE_PROJECT_LABEL = 'mptcp-lab-compose';

/** The part of a Compose file this export writes (the common subset of Compose v1 and v2). */
export interface ComposeDocument {
  services: Record<string, ComposeService>;
  networks: Record<string, ComposeNetwork>;
}

export interface ComposeService {
  image: string;
  hostname: string;
  init: true;
  cap_add: string[];
  sysctls: Record<string, string>;
  tmpfs: string[];
  stop_grace_period: string;
  networks: Record<string, { ipv4_address: string }>;
  labels: Record<string, string>;
}

export interface ComposeNetwork {
  driver: 'bridge';
  internal: true;
  ipam: { driver: 'default'; config: Array<{ subnet: string; gateway: string }> };
  labels: Record<string, string>;
}

export interface ComposeExportInput {
  plan: Plan;
  /** The lab image tag (mptcp-lab/host:<hash>). */
  image: string;
  /** Every path's subnet (given ones as planned, `auto` ones allocated). */
  subnets: Record<string, string>;
  /** Whether sch_netem works where the lab will run (chooses the shaping, as for a real run). */
  netem: boolean;
  /** The compose file's name as the commands in its header use it (they run in its folder). */
  composeFile: string;
  /** The Compose command: ['docker', 'compose'] (v2, the default) or ['docker-compose'] (v1). */
  composeCommand?: string[];
  /** RAM disk per host, bytes (default as a run: tmpfsFor(plan)). */
  tmpfsBytes?: number;
  /** Lines added to the header (where the subnets came from, what was assumed). */
  notes?: string[];
}

export interface HostConfigure {
  host: string;
  /** File name, next to the compose file. */
  file: string;
  request: ConfigureRequest;
  /** Shaping mechanism per path (tbf, netem, ...), as the lab would report it. */
  mechanisms: Record<string, string>;
  /** `compose exec -T <host> node agent.js configure` (stdin: the file). */
  applyArgv: string[];
  /** The same steps one by one, each a compose exec argv; interfaces looked up by address. */
  byHand: string[][];
}

export interface ComposeExport {
  document: ComposeDocument;
  /** The compose file's text: the header comment, then the document. */
  yaml: string;
  configures: HostConfigure[];
}

/** `<topology>.configure.<host>.json` */
export function configureFileName(plan: Plan, host: string): string {
  return `${plan.name}.configure.${host}.json`;
}

/** `<topology>.compose.yml` */
export function composeFileName(plan: Plan): string {
  return `${plan.name}.compose.yml`;
}

const IFNAME_REF = /^@ifname:(\d{1,3}(?:\.\d{1,3}){3})$/;

/** A shell word that finds, inside the container, the interface holding `address`. */
export function ifnameLookup(address: string): string {
  return `"$(ip -o -4 addr show to ${address} | cut -d" " -f2)"`;
}

/** One configure step as a compose exec argv: plain argv, or `sh -c` when an interface must be looked up. */
export function byHandArgv(compose: readonly string[], host: string, step: ConfigureStep): string[] {
  const exec = [...compose, 'exec', '-T', host];
  if ('sysctl' in step) return [...exec, 'sysctl', '-w', `${step.sysctl}=${step.value}`];
  const refs = step.run.map((a) => IFNAME_REF.exec(a));
  if (refs.every((m) => m === null)) return [...exec, ...step.run];
  const script = step.run.map((a, i) => (refs[i] ? ifnameLookup(refs[i]![1]!) : formatCommand([a]))).join(' ');
  return [...exec, 'sh', '-c', script];
}

function labels(plan: Plan, role: string): Record<string, string> {
  return { [LABELS.project]: COMPOSE_PROJECT_LABEL, [LABELS.topology]: plan.name, [LABELS.role]: role };
}

/** A host of the lab spec as a Compose service; Compose names the networks by path. */
function service(plan: Plan, host: HostSpec, image: string): ComposeService {
  const networks: ComposeService['networks'] = {};
  for (const a of host.addresses) networks[a.path] = { ipv4_address: a.address };
  return {
    image,
    hostname: host.hostname,
    init: true,
    cap_add: [...host.capabilities],
    sysctls: host.sysctls,
    tmpfs: [`${host.tmpfs.path}:rw,size=${host.tmpfs.bytes}`],
    stop_grace_period: '1s',
    networks,
    labels: labels(plan, `host:${host.host}`),
  };
}

/** The compose document, the configure requests and the file's text; pure. */
export function buildComposeExport(input: ComposeExportInput): ComposeExport {
  const { plan, image, subnets, netem } = input;
  const compose = input.composeCommand ?? ['docker', 'compose'];
  const dc = [...compose, '-f', input.composeFile];
  for (const p of plan.paths) {
    if (!subnets[p.name] || subnets[p.name] === 'auto') throw new Error(`export-compose: no subnet for path ${p.name}`);
  }
  const tmpfsBytes = input.tmpfsBytes ?? tmpfsFor(plan);
  // The lab's shape from the one spec the Docker runtime renders too; only the labels differ:
  // a lab brought up by hand is Compose's to remove, so it carries no run id for clean to sweep.
  const spec = buildLabSpec(plan, { runId: 'compose', image, subnets, tmpfsBytes });
  const document: ComposeDocument = { services: {}, networks: {} };
  for (const host of spec.hosts) document.services[host.host] = service(plan, host, image);
  for (const n of spec.networks) {
    document.networks[n.path] = {
      driver: 'bridge',
      internal: n.internal,
      ipam: { driver: 'default', config: [{ subnet: n.subnet, gateway: n.gateway }] },
      labels: labels(plan, `path:${n.path}`),
    };
  }
  const configures = plan.hosts.map((host): HostConfigure => {
    const { request, mechanisms } = buildConfigureRequest(plan, host, subnets, netem);
    return {
      host: host.name,
      file: configureFileName(plan, host.name),
      request,
      mechanisms,
      applyArgv: [...dc, 'exec', '-T', host.name, 'node', AGENT_PATH, 'configure'],
      byHand: request.steps.map((s) => byHandArgv(dc, host.name, s)),
    };
  });
  const header = headerComment(input, dc, configures);
  const body = YAML.stringify(document, { lineWidth: 0 });
  return { document, yaml: `${header}\n${body}`, configures };
}

function headerComment(input: ComposeExportInput, dc: string[], configures: HostConfigure[]): string {
  const { plan, subnets } = input;
  const cmd = (argv: string[]) => formatCommand(argv);
  const v1 = input.composeCommand?.[0] === 'docker-compose';
  const lines: string[] = [
    `${plan.name}: the lab as a Docker Compose project, to bring up and explore by hand.`,
    `Written by \`npm run lab -- export-compose ${plan.name}\`; lab image ${input.image}.`,
    'It has the hosts, the paths and their shaping; the traffic, the timeline and the checks',
    `are the lab's own: \`npm run lab -- ${plan.name}\` runs them.`,
    '',
    `Run these in this file's folder (${v1 ? 'Compose v2: `docker compose` for `docker-compose`' : 'Compose v1: `docker-compose` for `docker compose`'}):`,
    `  ${cmd([...dc, 'up', '-d'])}`,
    ...configures.map((c) => `  ${cmd(c.applyArgv)} < ${c.file}`),
    ...plan.hosts.map((h) => `  ${cmd([...dc, 'exec', h.name, 'bash'])}    # ${h.name} (${h.role})`),
    `  ${cmd([...dc, 'down'])}`,
    '',
    'The configure step: MPTCP limits and endpoints and the tc qdiscs belong to each',
    "container's network namespace and name its interfaces, which are known only once it",
    'runs: Compose attaches the networks before start, in an order Docker does not keep (the',
    'first path is not always eth0). Each JSON file holds the steps a lab run applies; the',
    'agent replaces "@ifname:<address>" with the interface holding that address, runs the',
    'steps in order and prints what it reads back (addresses, endpoints, limits, qdiscs).',
    'The same steps by hand, the interface looked up by its address:',
  ];
  for (const c of configures) {
    lines.push(`  ${c.host}:`);
    c.request.steps.forEach((s, i) => lines.push(`    ${cmd(c.byHand[i]!)}${'allowFail' in s && s.allowFail ? '    # may fail: nothing to undo' : ''}`));
  }
  lines.push('', 'Paths (hosts at network + index + 2; .1 is the bridge on the Docker host):');
  for (const p of plan.paths) {
    const members = p.hosts.map((h) => `${h} ${hostAddress(subnets[p.name]!, plan.hosts.find((x) => x.name === h)!.index)}`).join(', ');
    const shaping = configures
      .filter((c) => c.mechanisms[p.name] !== undefined)
      .map((c) => `${c.host} ${c.mechanisms[p.name]}`)
      .join(', ');
    lines.push(`  ${p.name}  ${subnets[p.name]}${p.subnet === 'auto' ? ' (auto)' : ''}: ${members}; egress shaping ${shaping}`);
  }
  const hint = transferHint(plan, subnets, dc);
  if (hint.length) lines.push('', ...hint);
  lines.push(
    '',
    "A cable pull as the lab does it: on the Docker host, `ip link set dev VETH down` (and up),",
    "VETH being the host side of the container's interface: the host interface whose ifindex",
    'is /sys/class/net/IF/iflink inside the container.',
  );
  if (input.notes?.length) lines.push('', ...input.notes);
  return lines.map((l) => (l ? `# ${l}` : '#')).join('\n') + '\n';
}

/** A quick MPTCP transfer between the lab's server and client over their first common path. */
function transferHint(plan: Plan, subnets: Record<string, string>, dc: string[]): string[] {
  const { server, client } = plan.traffic;
  const first = plan.paths.find((p) => p.hosts.includes(server) && p.hosts.includes(client));
  const serverHost = plan.hosts.find((h) => h.name === server);
  if (!first || !serverHost) return [];
  const address = hostAddress(subnets[first.name]!, serverHost.index);
  return [
    `A transfer over MPTCP (${server} listens, ${client} connects over ${first.name}; the endpoints add the other paths):`,
    `  ${formatCommand([...dc, 'exec', '-d', server, 'mptcpize', 'run', 'iperf3', '-s'])}`,
    `  ${formatCommand([...dc, 'exec', client, 'mptcpize', 'run', 'iperf3', '-c', address, '-t', '10'])}`,
    `  ${formatCommand([...dc, 'exec', client, 'ip', 'mptcp', 'monitor'])}    # or: ss -Mni; nstat -az | grep MPTcp`,
  ];
}

// ------------------------------------------------------------------------------ effects

export interface ExportOptions {
  /** The compose file to write; default reports/compose/<topology>/<topology>.compose.yml. */
  out?: string;
  /** sch_netem available where the lab will run; default: probed (assumed when it cannot be). */
  netem?: boolean;
  /** Build the lab image when missing (default true); false only computes its tag. */
  build?: boolean;
  sizeOverride?: number;
  composeCommand?: string[];
  docker?: Docker;
  onProgress?: (msg: string) => void;
}

export interface ExportResult {
  composeFile: string;
  configureFiles: string[];
  image: string;
  imageBuilt: boolean;
  subnets: Record<string, string>;
  netem: boolean;
  notes: string[];
  /** Argv arrays to bring it up and configure it, for the command's output. */
  export: ComposeExport;
}

/** Stable per topology, so a second export of it picks the same free subnets. */
function poolOffset(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % POOL_SIZE_24;
}

/** Given subnets as planned; `auto` ones from the lab's pool, skipping Docker networks, host routes and the given ones. */
export function planSubnets(plan: Plan, inUse: readonly string[]): Record<string, string> {
  const given = plan.paths.filter((p) => p.subnet !== 'auto').map((p) => p.subnet);
  const autos = plan.paths.filter((p) => p.subnet === 'auto');
  const picked = allocateSubnets(autos.length, [...inUse, ...given], poolOffset(plan.name));
  const out: Record<string, string> = {};
  let k = 0;
  for (const p of plan.paths) out[p.name] = p.subnet === 'auto' ? picked[k++]! : p.subnet;
  return out;
}

/** Loads the topology, settles image, subnets and netem, and writes the compose file and the configure files. */
export async function exportCompose(fileOrName: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const say = opts.onProgress ?? (() => undefined);
  const plan = loadTopologyFile(fileOrName, opts.sizeOverride === undefined ? {} : { sizeOverride: opts.sizeOverride });
  const notes: string[] = [];
  let docker = opts.docker;
  if (!docker) {
    docker = await connectDocker().catch((e: Error) => {
      notes.push(`No Docker engine answered when this was written (${e.message.split('\n')[0]}): subnets were checked against host routes only.`);
      return undefined;
    });
  }
  let image: string;
  let imageBuilt = false;
  if (docker && opts.build !== false) {
    const r = await ensureLabImage({ docker, onProgress: (m) => (isProgressMilestone(m) ? say(m) : undefined) });
    image = r.tag;
    imageBuilt = r.built;
  } else {
    image = labImageTag(await readImageInputs());
    notes.push(`The image ${image} may not be built yet: \`npm run lab -- image\` builds it.`);
  }
  let netem = opts.netem;
  if (netem === undefined) {
    const caps = docker ? await probeHost({ docker, buildImage: false }).catch(() => undefined) : undefined;
    if (caps?.details.qdiscProbe === 'ok') netem = caps.qdiscs.netem;
    else {
      netem = true;
      notes.push('Assumed sch_netem is available (the host could not be probed); --netem no writes the shaping for hosts without it.');
    }
  }
  const subnets = planSubnets(plan, await subnetsInUse(docker));
  if (plan.paths.some((p) => p.subnet === 'auto')) {
    notes.push('The `auto` subnets were free when this was written; if `up` fails with "Pool overlaps", export again.');
  }
  const composeFile = path.resolve(opts.out ?? path.join('reports', 'compose', plan.name, composeFileName(plan)));
  const exported = buildComposeExport({
    plan,
    image,
    subnets,
    netem,
    composeFile: path.basename(composeFile),
    composeCommand: opts.composeCommand,
    notes,
  });
  const dir = path.dirname(composeFile);
  await mkdir(dir, { recursive: true });
  await writeFile(composeFile, exported.yaml);
  const configureFiles: string[] = [];
  for (const c of exported.configures) {
    const file = path.join(dir, c.file);
    await writeFile(file, JSON.stringify(c.request, null, 2) + '\n');
    configureFiles.push(file);
  }
  return { composeFile, configureFiles, image, imageBuilt, subnets, netem, notes, export: exported };
}
