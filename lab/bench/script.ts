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
import { AGENT, parseConfigureOutput } from '../runtime/docker-lab';
import { dockerExec } from '../runtime/exec';
import { buildConfigureRequest, mptcpSysctls, verifyHostConfig } from '../runtime/host-config';
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

function labelArgs(plan: Plan, runId: string, ownerPid: number, what: string): string[] {
  const labels: Record<string, string> = {
    [LABELS.project]: 'mptcp-lab',
    [LABELS.role]: BASELINE_ROLE,
    [LABELS.runId]: runId,
    [LABELS.topology]: plan.name,
    [LABELS.owner]: String(ownerPid),
    'io.mptcp-lab.bench-object': what,
  };
  return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

/** Every docker command of the script, in order: bring-up, then teardown. */
export function scriptCommands(plan: Plan, input: ScriptInput): ScriptCommands {
  const net = (path: string) => `mlab-${input.runId}-${path}`;
  const ctr = (host: string) => `mlab-${input.runId}-${host}`;
  const subnet = (path: string) => {
    const s = input.subnets[path];
    if (!s) throw new Error(`scriptCommands: no subnet for path ${path}`);
    return s;
  };
  const up: ScriptStep[] = [];
  const add = (argv: string[], allowFail = false) => up.push(allowFail ? { argv, allowFail } : { argv });
  const first = plan.paths[0]!;
  for (const p of plan.paths) {
    add([
      'network', 'create', '--internal', '--driver', 'bridge',
      '--subnet', subnet(p.name), '--gateway', hostAddress(subnet(p.name), -1),
      ...labelArgs(plan, input.runId, input.ownerPid, `path:${p.name}`),
      net(p.name),
    ]);
  }
  for (const h of plan.hosts) {
    const sysctls = Object.entries(mptcpSysctls(h)).flatMap(([k, v]) => ['--sysctl', `${k}=${v}`]);
    add([
      'create', '--name', ctr(h.name), '--hostname', h.name,
      ...labelArgs(plan, input.runId, input.ownerPid, `host:${h.name}`),
      '--stop-timeout', '1', '--cap-add', 'NET_ADMIN', ...sysctls,
      '--network', net(first.name), '--ip', hostAddress(subnet(first.name), h.index),
      '--tmpfs', `/srv/lab:rw,size=${input.tmpfsBytes}`, '--init',
      input.image,
    ]);
  }
  for (const h of plan.hosts) add(['start', ctr(h.name)]);
  const ifnames: ScriptCommands['ifnames'] = {};
  for (const h of plan.hosts) {
    const on = plan.paths.filter((p) => p.hosts.includes(h.name));
    ifnames[h.name] = Object.fromEntries(on.map((p, k) => [p.name, `eth${k}`]));
    for (const p of on.filter((pp) => pp.index > 0)) {
      add(['network', 'connect', '--ip', hostAddress(subnet(p.name), h.index), net(p.name), ctr(h.name)]);
    }
  }
  const byAddress = new Map<string, string>();
  for (const h of plan.hosts) {
    for (const p of plan.paths.filter((pp) => pp.hosts.includes(h.name))) byAddress.set(hostAddress(subnet(p.name), h.index), ifnames[h.name]![p.name]!);
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
      add(['exec', ctr(h.name), ...argv], step.allowFail === true);
    }
  }
  const containers = plan.hosts.map((h) => ctr(h.name));
  const networks = plan.paths.map((p) => net(p.name));
  const down = [...containers.map((c) => ({ argv: ['rm', '-f', c] })), ...networks.map((n) => ({ argv: ['network', 'rm', n] }))];
  return { up, down, networks, containers, ifnames };
}

/** `docker run` / `docker rm` of the image, one per host (issue 6's plain-container baseline). */
export function dockerRunCommands(plan: Plan, input: Pick<ScriptInput, 'runId' | 'image' | 'ownerPid'>): { up: ScriptStep[]; down: ScriptStep[]; containers: string[] } {
  const containers = plan.hosts.map((h) => `mlab-${input.runId}-${h.name}`);
  return {
    up: plan.hosts.map((h, i) => ({ argv: ['run', '-d', '--name', containers[i]!, ...labelArgs(plan, input.runId, input.ownerPid, `host:${h.name}`), input.image] })),
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
      const res = await dockerExec(dockerClient, cmds.containers[i]!, ['node', AGENT, 'configure'], {
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
