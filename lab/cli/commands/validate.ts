/**
 * `validate <name|file> [--json] [--size 500MB]`: loads a topology and prints the resolved
 * Plan (readably, or as JSON), or every problem as `file:line:col: path: message`. Exit 2 on bad input.
 */
import { describeFault } from '../../tc/faults';
import { parseArgs } from 'node:util';
import { formatProblem, TopologyError, UsageError } from '../../model/errors';
import { capacityBps, dataPaths, type Plan, type PlanCheck, type PlanHost, type PlanPath } from '../../model/plan';
import { formatRate, formatSize, parseSize } from '../../model/units';
import { describeCheck, describeImpairment, displayPath, loadTopologyFile } from '../../loader';
import type { CommandResult } from './command-result';
import { optionValue } from './options';

const USAGE = 'usage: lab validate <name|file> [--json] [--size 500MB]';

/** Runs `validate`: exit 0 with the plan on stdout, or exit 2 with one problem per line on stderr. */
export async function validateCommand(args: string[]): Promise<CommandResult> {
  try {
    const { name, json, size } = parseValidateArgs(args);
    const plan = loadTopologyFile(name, size === undefined ? {} : { sizeOverride: size });
    return { exitCode: 0, stdout: json ? JSON.stringify(plan, null, 2) + '\n' : formatPlan(plan), stderr: '' };
  } catch (err) {
    return badInputResult(err);
  }
}

/** Maps bad-input errors to exit 2 with readable stderr; anything else is a bug and is re-thrown. */
export function badInputResult(err: unknown, usage = USAGE): CommandResult {
  if (err instanceof TopologyError) return { exitCode: 2, stdout: '', stderr: err.problems.map((p) => formatProblem(p) + '\n').join('') };
  if (err instanceof UsageError) return { exitCode: 2, stdout: '', stderr: `${err.message}\n${usage}\n` };
  throw err;
}

function parseValidateArgs(args: string[]): { name: string; json: boolean; size?: number } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, size: { type: 'string' } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [name, ...extra] = parsed.positionals;
  if (!name) throw new UsageError('validate needs a topology name or file');
  if (extra.length > 0) throw new UsageError(`validate takes one topology, got also: ${extra.join(' ')}`);
  return { name, json: parsed.values.json ?? false, size: optionValue('size', parsed.values.size, parseSize) };
}

/** The resolved plan as readable text: hosts, paths, traffic, timeline, checks, needs, notes. */
export function formatPlan(plan: Plan): string {
  const out: string[] = [`${plan.name} (${plan.source === '<inline>' ? plan.source : displayPath(plan.source)})`];
  out.push(...plan.description.trimEnd().split('\n').map((l) => `  ${l}`.trimEnd()), '');
  out.push('hosts');
  for (const h of plan.hosts) out.push(...formatHost(h));
  out.push('paths');
  for (const p of plan.paths) out.push(...formatPath(p));
  out.push('traffic', `  ${formatTraffic(plan)}`);
  out.push('timeline');
  if (plan.timeline.length === 0) out.push('  (no events)');
  for (const ev of plan.timeline) {
    const at = `${(ev.atMs / 1000).toString()} s`.padEnd(8);
    if (ev.kind === 'cut') out.push(`  ${at}cut ${ev.path} (${ev.mode === 'down' ? 'down: the link loses carrier' : 'blackhole: packets dropped, carrier up'})`);
    else if (ev.kind === 'restore') out.push(`  ${at}restore ${ev.path}`);
    else if (ev.kind === 'fault') out.push(`  ${at}fault ${ev.path}: ${describeFault(ev.fault)}`);
    else if (ev.kind === 'unfault') out.push(`  ${at}unfault ${ev.path}`);
    else out.push(`  ${at}impair ${ev.path}${ev.from ? ` (traffic from ${ev.from})` : ''}: ${describeImpairment(ev.set)}`);
  }
  out.push('checks');
  if (plan.checks.length === 0) out.push('  (none)');
  for (const c of plan.checks) out.push(`  ${describeCheck(c)}${c.skip ? '' : boundFigure(plan, c)}`);
  const netem = plan.needs.netem ? `netem (${plan.needs.netemFeatures.join(', ')})` : 'no netem';
  out.push('needs', `  ${plan.needs.tbf ? 'tbf (rate limits)' : 'no tbf'}; ${netem}${plan.needs.faults?.length ? `; nftables faults (${plan.needs.faults.join(', ')})` : ''}`);
  if (plan.notes.length > 0) out.push('notes', ...plan.notes.map((n) => `  - ${n}`));
  return out.join('\n') + '\n';
}

function formatHost(h: PlanHost): string[] {
  const m = h.mptcp;
  const head = `  ${h.name.padEnd(16)}${h.role.padEnd(8)}`;
  const tcp = h.tcp ? `${' '.repeat(26)}TCP: congestion control ${h.tcp.congestionControl}${h.tcp.rmem ? `, rmem ${h.tcp.rmem.join(' ')}` : ''}${h.tcp.wmem ? `, wmem ${h.tcp.wmem.join(' ')}` : ''}` : undefined;
  if (!m.enabled) return [`${head}MPTCP off`, ...(tcp ? [tcp] : [])];
  const sysctls = Object.entries(m.sysctls).map(([k, v]) => `${k}=${v}`);
  const lines = [
    `${head}MPTCP on: ${m.pathManager} path manager, scheduler ${m.scheduler}, checksum ${m.checksum ? 'on' : 'off'}; limits subflows ${m.limits.subflows}, add_addr_accepted ${m.limits.addAddrAccepted}`,
    `${' '.repeat(26)}endpoints: ${m.endpoints.length ? m.endpoints.map((e) => `#${e.id} ${e.path} ${e.flags.join(',')}`).join('; ') : 'none'}`,
  ];
  if (sysctls.length) lines.push(`${' '.repeat(26)}sysctls: ${sysctls.join(', ')}`);
  if (tcp) lines.push(tcp);
  return lines;
}

function formatPath(p: PlanPath): string[] {
  const lines = [`  ${p.name.padEnd(16)}subnet ${p.subnet}, hosts ${p.hosts.join(', ')}`];
  for (const h of p.hosts) {
    const peers = p.hosts.filter((x) => x !== h);
    lines.push(`      ${h} → ${peers.length === 1 ? peers[0] : 'others'}: ${describeImpairment(p.egress[h] ?? {})}`);
  }
  return lines;
}

function formatTraffic({ traffic: t }: Plan): string {
  const amount = t.sizeBytes !== undefined ? formatSize(t.sizeBytes) : `${(t.durationMs ?? 0) / 1000} s`;
  const resume = t.tool === 'http' ? (t.resume ? ', resumed if broken' : ', not resumed') : '';
  return `${t.tool} ${t.direction} of ${amount} over ${t.protocol.toUpperCase()}: ${t.sender} sends to ${t.receiver} (server ${t.server}, client ${t.client}, port ${t.port})${resume}`;
}

/** What a percentage bound comes to in bit/s, where the plan says what it is a percentage of. */
function boundFigure(plan: Plan, c: PlanCheck): string {
  const t = plan.traffic;
  const data = dataPaths(plan).map((p) => p.name);
  let of: readonly string[] | undefined;
  if (c.kind === 'aggregate' && 'percent' in c.min) of = data;
  if (c.kind === 'failover' && 'percent' in c.min) {
    const cut = new Set(plan.timeline.filter((e) => e.kind === 'cut').map((e) => e.path));
    of = data.filter((p) => !cut.has(p));
  }
  const percent = c.kind === 'aggregate' || c.kind === 'failover' ? ('percent' in c.min ? c.min.percent : undefined) : undefined;
  const capacity = of && of.length > 0 ? capacityBps(plan, of, t.sender) : undefined;
  return capacity !== undefined && percent !== undefined ? ` (= ${formatRate((capacity * percent) / 100)} of ${formatRate(capacity)})` : '';
}
