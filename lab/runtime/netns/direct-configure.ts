/**
 * The agent's `configure`, executed from the lab process instead of by the agent's Node in
 * the host: the same ConfigureRequest (validated by the agent's own parseConfigureInput),
 * the steps in order with the agent's `@ifname:` resolution (all resolved before anything
 * changes) and allowFail rule, and the same read-back, each argv run in the host through
 * nsenter with the image's tools. Why: the agent costs a Node start per host (200-300 ms
 * on a loaded 2-core machine, most of a bring-up); this costs one short process per step.
 * Opt-in (`configure: 'direct'`); the agent stays the default and the only path for impair.
 */
import { readFile } from 'node:fs/promises';
import { parseConfigureInput, parseIpAddrJson, parseLimits, resolveIfnameRefs, sysctlPath, type AgentInterface } from '../../agent/agent';
import { LabError } from '../../model/errors';
import type { ConfigureReport } from '../host-config';
import type { ExecResult } from '../types';
import { describeCommand, nsenterArgv, runInHost } from './process';

/** Writes each value to its /proc/sys file, as the agent does ($1 path, $2 value, repeated). */
export const WRITE_SYSCTLS_SCRIPT = 'while [ "$#" -gt 1 ]; do printf %s "$2" > "$1" || exit 1; shift 2; done';
/** Prints `ok <value>` or `missing` per /proc/sys file given. */
export const READ_SYSCTLS_SCRIPT = 'for f do if v=$(cat "$f" 2>/dev/null); then printf "ok %s\\n" "$v"; else echo missing; fi; done';

/** Runs one configure request in the host whose holder is `pid`; resolves with the agent's report shape. */
export async function configureDirect(pid: number, host: string, requestJson: string): Promise<ConfigureReport> {
  const input = parseConfigureInput(requestJson);
  const exec = (argv: string[]): Promise<ExecResult> => runInHost(nsenterArgv(pid, argv), describeCommand(host, argv), { timeoutMs: 30_000 });
  const fail = (message: string): never => {
    throw new LabError(`configuring ${host} failed: ${message}`);
  };
  const listInterfaces = async (): Promise<AgentInterface[]> => {
    const r = await exec(['ip', '-j', '-4', 'addr', 'show']);
    if (r.exitCode !== 0) fail(`ip -j -4 addr show failed (${r.exitCode}): ${r.stderr.trim()}`);
    // The holder's /sys is the namespace's own sysfs: readable from here, no process needed.
    return Promise.all(
      parseIpAddrJson(r.stdout).map(async (i) => ({ ...i, iflink: await readFile(`/proc/${pid}/root/sys/class/net/${i.ifname}/iflink`, 'utf8').then((t) => Number(t.trim()), () => null) })),
    );
  };
  let interfaces = await listInterfaces();
  const argvs = input.steps.map((step) => ('run' in step ? resolveIfnameRefs(step.run, interfaces) : []));
  const steps: NonNullable<ConfigureReport['steps']> = [];
  for (let index = 0; index < input.steps.length; ) {
    const step = input.steps[index]!;
    const t0 = performance.now();
    if ('sysctl' in step) {
      // Consecutive sysctl steps in one process.
      const batch: Array<{ sysctl: string; value: string }> = [];
      while (index < input.steps.length && 'sysctl' in input.steps[index]!) batch.push(input.steps[index++] as { sysctl: string; value: string });
      const r = await exec(['sh', '-c', WRITE_SYSCTLS_SCRIPT, 'sh', ...batch.flatMap((s) => [sysctlPath(s.sysctl), s.value])]);
      if (r.exitCode !== 0) fail(`sysctl steps (${batch.map((s) => `${s.sysctl}=${s.value}`).join(', ')}) failed: ${r.stderr.trim()}`);
      continue;
    }
    const argv = argvs[index]!;
    const r = await exec(argv);
    if (r.exitCode !== 0 && !step.allowFail) fail(`step ${index} (${argv.join(' ')}) exited ${r.exitCode}: ${r.stderr.trim()}`);
    steps.push({ argv, ms: Math.round(performance.now() - t0) });
    index++;
  }
  interfaces = await listInterfaces();
  const readJson = async (argv: string[], parse: (text: string) => unknown = (t) => JSON.parse(t || 'null')): Promise<unknown> => {
    const r = await exec(argv);
    if (r.exitCode !== 0) fail(`read-back ${argv.join(' ')} exited ${r.exitCode}: ${r.stderr.trim()}`);
    return parse(r.stdout);
  };
  const devices = resolveIfnameRefs(input.readback.devices, interfaces);
  const [sysctlText, endpoints, limits, ...qdiscList] = await Promise.all([
    input.readback.sysctls.length > 0 ? exec(['sh', '-c', READ_SYSCTLS_SCRIPT, 'sh', ...input.readback.sysctls.map(sysctlPath)]).then((r) => r.stdout) : Promise.resolve(''),
    readJson(['ip', '-j', 'mptcp', 'endpoint', 'show']),
    readJson(['ip', 'mptcp', 'limits', 'show'], parseLimits),
    ...devices.map((dev) => readJson(['tc', '-j', 'qdisc', 'show', 'dev', dev])),
  ]);
  const lines = sysctlText.split('\n');
  const sysctls: Record<string, string> = {};
  input.readback.sysctls.forEach((name, i) => {
    const line = lines[i] ?? 'missing';
    if (line.startsWith('ok ')) sysctls[name] = line.slice(3).trim();
  });
  return {
    type: 'configured',
    interfaces: interfaces.map((i) => ({ ...i, iflink: i.iflink ?? -1 })),
    sysctls,
    endpoints: endpoints as ConfigureReport['endpoints'],
    limits: limits as ConfigureReport['limits'],
    qdiscs: Object.fromEntries(devices.map((d, i) => [d, qdiscList[i]])),
    steps,
  };
}
