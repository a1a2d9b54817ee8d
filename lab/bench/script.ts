/**
 * The baseline the lab's bring-up and teardown are compared with: the same containers,
 * networks, MPTCP settings and qdiscs made by a plain sequential script of `docker` CLI
 * commands (argv arrays through execFile, one after the other, as a shell script would),
 * with one `docker exec` per `ip mptcp` / `tc` command. Interfaces are named as such a script
 * would: eth0 for the network given at create, eth1... for the ones connected after start,
 * in order. The command lists are pure (scriptCommands); running them is not.
 */
import { execFile } from 'node:child_process';
import type Docker from 'dockerode';
import { hostAddress, type Plan } from '../model/plan';
import { AGENT_PATH, buildLabSpec, labLabels, objectName } from '../runtime/lab-spec';
import { dockerExec } from '../runtime/exec';
import { buildConfigureRequest, parseConfigureOutput, verifyHostConfig } from '../runtime/host-config';
import { Teardown } from '../runtime/lifecycle';
import { LABELS } from '../runtime/types';

export const BASELINE_ROLE = 'bench-baseline';

export interface ScriptInput {
  /** Names every object: `mlab-<runId>-<name>`. */
  runId: string;
  image: string;
  /** Subnet of each path, by path name. */
  subnets: Record<string, string>;
  /** RAM disk per host, bytes (as the lab's). */
  tmpfsBytes: number;
  ownerPid: number;
  netem?: boolean;
}

/** One `docker ARGV`; allowFail as a shell script's `|| true` (the lab's configure steps that may fail). */
export interface ScriptStep {
  argv: string[];
  allowFail?: boolean;
}

export interface ScriptCommands {
  up: ScriptStep[];
  down: ScriptStep[];
  networks: string[];
  containers: string[];
  /** Per host: the interface the script expects for each of its paths. */
  ifnames: Record<string, Record<string, string>>;
}

function labelArgs(labels: Record<string, string>, what: string): string[] {
  // The bench's own role, so its sweeps and the lab's never judge each other's objects.
  const all = { ...labels, [LABELS.role]: BASELINE_ROLE, 'io.mptcp-lab.bench-object': what };
  return Object.entries(all).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

/** Every docker command of the script, in order: bring-up, then teardown; rendered from the lab spec the runtime uses. */
export function scriptCommands(plan: Plan, input: ScriptInput): ScriptCommands {
  for (const p of plan.paths) if (!input.subnets[p.name]) throw new Error(`scriptCommands: no subnet for path ${p.name}`);
  const spec = buildLabSpec(plan, { runId: input.runId, image: input.image, subnets: input.subnets, tmpfsBytes: input.tmpfsBytes, extraLabels: { [LABELS.owner]: String(input.ownerPid) } });
  const up: ScriptStep[] = [];
  const add = (argv: string[], allowFail = false) => up.push(allowFail ? { argv, allowFail } : { argv });
  for (const n of spec.networks) {
    add(['network', 'create', '--internal', '--driver', 'bridge', '--subnet', n.subnet, '--gateway', n.gateway, ...labelArgs(n.labels, `path:${n.path}`), n.name]);
  }
  for (const h of spec.hosts) {
    const first = h.addresses.find((a) => a.path === h.firstPath)!;
    add([
      'create', '--name', h.name, '--hostname', h.hostname,
      ...labelArgs(h.labels, `host:${h.host}`),
      '--stop-timeout', '1', ...h.capabilities.flatMap((c) => ['--cap-add', c]),
      ...Object.entries(h.sysctls).flatMap(([k, v]) => ['--sysctl', `${k}=${v}`]),
      '--network', first.network, '--ip', first.address,
      '--tmpfs', `${h.tmpfs.path}:rw,size=${h.tmpfs.bytes}`, '--init',
      spec.image,
    ]);
  }
  for (const h of spec.hosts) add(['start', h.name]);
  const ifnames: ScriptCommands['ifnames'] = {};
  const byAddress = new Map<string, string>();
  for (const h of spec.hosts) {
    // As a script would guess: eth0 for the network given at create, eth1... in connect order.
    const ordered = [h.addresses.find((a) => a.path === h.firstPath)!, ...h.addresses.filter((a) => a.path !== h.firstPath)];
    ifnames[h.host] = Object.fromEntries(ordered.map((a, k) => [a.path, `eth${k}`]));
    for (const a of ordered) byAddress.set(a.address, ifnames[h.host]![a.path]!);
    for (const a of ordered.slice(1)) add(['network', 'connect', '--ip', a.address, a.network, h.name]);
  }
  for (const h of plan.hosts) {
    const { request } = buildConfigureRequest(plan, h, input.subnets, input.netem ?? false);
    for (const step of request.steps) {
      if (!('run' in step)) throw new Error(`scriptCommands: a sysctl step (${step.sysctl}) has no plain-script form here`);
      // A fresh namespace has no endpoint to flush: the lab flushes only to be idempotent.
      if (step.run.join(' ') === 'ip mptcp endpoint flush') continue;
      const argv = step.run.map((a) => {
        const m = /^@ifname:(.+)$/.exec(a);
        if (!m) return a;
        const name = byAddress.get(m[1]!);
        if (!name) throw new Error(`scriptCommands: no interface for ${m[1]}`);
        return name;
      });
      add(['exec', objectName(input.runId, h.name), ...argv], step.allowFail === true);
    }
  }
  const containers = spec.hosts.map((h) => h.name);
  const networks = spec.networks.map((n) => n.name);
  const down = [...containers.map((c) => ({ argv: ['rm', '-f', c] })), ...networks.map((n) => ({ argv: ['network', 'rm', n] }))];
  return { up, down, networks, containers, ifnames };
}

/** `docker run` / `docker rm` of the image, one per host (issue 6's plain-container baseline). */
export function dockerRunCommands(plan: Plan, input: Pick<ScriptInput, 'runId' | 'image' | 'ownerPid'>): { up: ScriptStep[]; down: ScriptStep[]; containers: string[] } {
  const containers = plan.hosts.map((h) => objectName(input.runId, h.name));
  return {
    up: plan.hosts.map((h, i) => ({
      argv: ['run', '-d', '--name', containers[i]!, ...labelArgs({ ...labLabels(plan, input.runId, `host:${h.name}`), [LABELS.owner]: String(input.ownerPid) }, `host:${h.name}`), input.image],
    })),
    down: containers.map((c) => ({ argv: ['rm', '-f', c] })),
    containers,
  };
}

/** Runs `docker ARGV`; rejects with its stderr when it exits non-zero. */
export function docker(argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', [...argv], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${argv.slice(0, 3).join(' ')}... failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Runs the steps one after the other, as a shell script would. */
export async function runSequentially(steps: readonly ScriptStep[]): Promise<void> {
  for (const step of steps) await docker(step.argv).catch((e: unknown) => (step.allowFail ? '' : Promise.reject(e)));
}

/**
 * Registers the script's objects for removal if the bench fails or is interrupted (the
 * lab's own Teardown registry, so a signal removes them too). `disarm` after the timed
 * teardown removed them.
 */
export async function guardObjects(label: string, containers: readonly string[], networks: readonly string[]): Promise<{ disarm: () => Promise<void>; removeNow: () => Promise<string[]> }> {
  let removed = false;
  const t = new Teardown(label);
  for (const n of networks) await t.add(`network ${n}`, () => (removed ? Promise.resolve() : docker(['network', 'rm', n]).then(() => undefined)));
  for (const c of containers) await t.add(`container ${c}`, () => (removed ? Promise.resolve() : docker(['rm', '-f', c]).then(() => undefined)));
  return {
    disarm: async () => {
      removed = true;
      await t.run();
    },
    removeNow: () => t.run(),
  };
}

/**
 * Proves the script made what the lab would: the agent's read-back (no steps) in each
 * container, checked with the lab's own verifyHostConfig. Returns every mismatch.
 */
export async function verifyScriptLab(dockerClient: Docker, plan: Plan, input: ScriptInput, cmds: ScriptCommands): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    plan.hosts.map(async (h, i) => {
      const { request } = buildConfigureRequest(plan, h, input.subnets, input.netem ?? false);
      const res = await dockerExec(dockerClient, cmds.containers[i]!, ['node', AGENT_PATH, 'configure'], {
        stdin: JSON.stringify({ steps: [], readback: request.readback }),
        timeoutMs: 30_000,
      });
      const report = parseConfigureOutput(h.name, res.stdout, res.stderr, res.exitCode);
      problems.push(...verifyHostConfig(plan, h, input.subnets, report, input.netem ?? false));
      for (const [path, ifname] of Object.entries(cmds.ifnames[h.name] ?? {})) {
        const address = hostAddress(input.subnets[path]!, h.index);
        const got = report.interfaces.find((x) => x.address === address)?.ifname;
        if (got !== ifname) problems.push(`${h.name}: ${address} (${path}) is on ${got ?? 'nothing'}, the script assumed ${ifname}`);
      }
    }),
  );
  return problems;
}
