/** Shared helpers for the suites: real Docker, real labs, and proof that nothing is left behind. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluateChecks } from '../lab/checks';
import { loadTopologyFile } from '../lab/loader';
import type { Plan, PlanEvent } from '../lab/model/plan';
import type { CheckResult, RunRecord, Series } from '../lab/model/record';
import { writeReports } from '../lab/report';
import { recordFromPass, shapingSummary } from '../lab/run/record';
import { runLab, timestamp, type RunOptions, type RunOutcome } from '../lab/run/run-lab';
import { startLab } from '../lab/run/start-lab';
import { runTrafficPass } from '../lab/run/traffic-run';
import { connectDocker } from '../lab/runtime/docker-client';
import { listLabObjects } from '../lab/runtime/clean';
import { probeHost } from '../lab/runtime/probe';
import type { RunningLab } from '../lab/runtime/types';

/**
 * Containers and networks carrying the project's labels, created by this process by default
 * (other runs on the same engine are not ours to judge), or by the given owner pid.
 */
export async function leftovers(ownerPid: number = process.pid): Promise<{ containers: string[]; networks: string[] }> {
  return listLabObjects(await connectDocker(), { ownerPid });
}

/** The suites' afterAll: this process left no labelled container or network behind. */
export async function expectNothingLeft(): Promise<void> {
  expect(await leftovers()).toEqual({ containers: [], networks: [] });
}

/** Every check passed: the lines `name: status (measured)`, so a failure shows each check's numbers. */
export function expectEveryCheckPasses(checks: readonly CheckResult[]): void {
  expect(checks.map((c) => `${c.name}: ${c.status} (${c.measured})`)).toEqual(checks.map((c) => `${c.name}: pass (${c.measured})`));
}

/** A lab a suite ran once: the plan as loaded and what runLab returned (both set in beforeAll). */
export interface SuiteRun {
  plan: Plan;
  outcome: RunOutcome;
}

/**
 * Call inside a describe: registers one runLab of the topology (reports under
 * suiteOutDir(topology)) in beforeAll and expectNothingLeft in afterAll. The tests read
 * `run.plan` and `run.outcome`; a later beforeAll of the same describe runs after the lab.
 */
export function runLabOnce(topology: string, opts: Omit<RunOptions, 'outDir'> = {}): SuiteRun {
  const run = {} as SuiteRun;
  beforeAll(async () => {
    run.plan = loadTopologyFile(topology);
    run.outcome = await runLab(run.plan, { ...opts, outDir: suiteOutDir(topology) });
  });
  afterAll(expectNothingLeft);
  return run;
}

/** Runs argv in a lab host and returns stdout; throws with stderr on failure. */
export async function sh(lab: RunningLab, host: string, argv: string[]): Promise<string> {
  const r = await lab.exec(host, argv, { timeoutMs: 20_000 });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} in ${host} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** The operational state of an interface inside a host, read from the host's /proc/PID/root (no exec). */
export function carrierOf(lab: RunningLab, host: string, path: string): string {
  const h = lab.hosts[host]!;
  const ifname = h.interfaces[path]!.ifname;
  return readFileSync(`/proc/${h.pid}/root/sys/class/net/${ifname}/operstate`, 'utf8').trim();
}

/** Three pings (0.2 s apart) from a lab host to an address on this machine; true when any is answered. */
export async function pingOk(lab: RunningLab, from: string, toAddress: string): Promise<boolean> {
  const r = await lab.exec(from, ['ping', '-n', '-c', '3', '-i', '0.2', '-W', '1', toAddress], { timeoutMs: 8000 });
  return r.exitCode === 0;
}

/** Pings until one is answered or `timeoutMs` passes (a restored link needs ARP again; CI machines are loaded). */
export async function reachable(lab: RunningLab, from: string, toAddress: string, timeoutMs = 6000): Promise<boolean> {
  const start = Date.now();
  do {
    const r = await lab.exec(from, ['ping', '-n', '-c', '1', '-W', '1', toAddress], { timeoutMs: 5000 });
    if (r.exitCode === 0) return true;
  } while (Date.now() - start < timeoutMs);
  return false;
}

/** Polls an interface's operstate inside a host until it is `want` (linkwatch applies carrier-up lazily, up to ~1 s). */
export async function waitCarrier(lab: RunningLab, host: string, path: string, want: 'up' | 'down', timeoutMs = 3000): Promise<string> {
  const start = Date.now();
  let state = carrierOf(lab, host, path);
  while (state !== want && Date.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
    state = carrierOf(lab, host, path);
  }
  return state;
}

// ---------------------------------------------------------------------------------------
// Helpers for the topology suites (one suite per topology): report folders, windows of the
// recorded series, counters, check results, and the host-capability decision for skips.

/** The repository root (suites/..). */
export const REPO_ROOT = resolve(__dirname, '..');

/** Where a suite writes a run's reports: reports/suites/<topology>/<time>-<pid>/ (kept for CI artifacts). */
export function suiteOutDir(topology: string, label = ''): string {
  return join(REPO_ROOT, 'reports', 'suites', topology, `${timestamp(new Date())}-${process.pid}${label ? `-${label}` : ''}`);
}

/**
 * Bytes a bit/s series carried between fromMs and toMs: Σ v × dt / 8 over the samples whose
 * interval (the one ending at t[i]) has its midpoint in [fromMs, toMs), as lab/checks/windows.ts counts.
 */
export function bytesBetween(series: Series, fromMs: number, toMs: number, fallbackIntervalMs = 100): number {
  let bits = 0;
  for (let i = 0; i < series.t.length; i++) {
    const t = series.t[i] ?? 0;
    const dt = i > 0 ? t - (series.t[i - 1] ?? 0) : fallbackIntervalMs;
    const mid = t - dt / 2;
    if (mid >= fromMs && mid < toMs) bits += ((series.v[i] ?? 0) * dt) / 1000;
  }
  return bits / 8;
}

/** Bytes each path carried (data direction) between fromMs and toMs, by path name. */
export function pathBytes(record: Pick<RunRecord, 'paths' | 'intervalMs'>, fromMs: number, toMs: number): Record<string, number> {
  return Object.fromEntries(record.paths.map((p) => [p.path, bytesBetween(p, fromMs, toMs, record.intervalMs)]));
}

/** Mean of a bit/s series over the samples whose interval midpoint lies in [fromMs, toMs) (NaN for none), as the checks take means. */
export function meanBetween(series: Series, fromMs: number, toMs: number, fallbackIntervalMs = 100): number {
  const values: number[] = [];
  for (let i = 0; i < series.t.length; i++) {
    const t = series.t[i] ?? 0;
    const mid = t - (i > 0 ? t - (series.t[i - 1] ?? 0) : fallbackIntervalMs) / 2;
    if (mid >= fromMs && mid < toMs) values.push(series.v[i] ?? 0);
  }
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** A counter delta of one host over the run, from record.counters (MPTcpExt.X or TcpExt.X; 0 when absent). */
export function counterOf(record: Pick<RunRecord, 'counters'>, host: string, name: string): number {
  const c = record.counters[host] ?? {};
  return c[name] ?? c[`MPTcpExt.${name}`] ?? 0;
}

/** The check result named `name` (e.g. `failover:vlan181`); throws with the names present when missing. */
export function checkNamed(checks: readonly CheckResult[], name: string): CheckResult {
  const c = checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check named ${name}; present: ${checks.map((x) => x.name).join(', ')}`);
  return c;
}

/** A further number of a check result (`failover time`, `bytes while others up`...); throws when missing. */
export function detailOf(check: CheckResult, name: string): number {
  const d = check.details?.find((x) => x.name === name);
  if (!d) throw new Error(`check ${check.name} has no detail "${name}"; present: ${(check.details ?? []).map((x) => x.name).join(', ')}`);
  return d.value;
}

/** When the recorded event of that kind on that path took effect (ms on the lab clock); throws when it was not recorded. */
export function eventAt(record: Pick<RunRecord, 'events'>, kind: 'cut' | 'restore' | 'impair', path: string): number {
  const e = record.events.find((x) => x.kind === kind && x.path === path);
  if (!e) throw new Error(`no recorded ${kind} of ${path}; recorded: ${record.events.map((x) => `${x.kind} ${x.path}`).join(', ') || 'none'}`);
  return e.actualMs;
}

/** A veth's byte counters on the Docker host, read directly from /sys (an independent reading of what the sampler reads). */
export function vethBytes(veth: string): { rxBytes: number; txBytes: number } {
  const read = (f: string) => Number(readFileSync(`/sys/class/net/${veth}/statistics/${f}`, 'utf8').trim());
  return { rxBytes: read('rx_bytes'), txBytes: read('tx_bytes') };
}

/** `12.3 MB` for assertion messages. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** `1.23 Gbit/s` for assertion messages. */
export function rate(bps: number): string {
  return bps >= 1e9 ? `${(bps / 1e9).toFixed(2)} Gbit/s` : `${(bps / 1e6).toFixed(1)} Mbit/s`;
}

/** Whether this host can run a plan, as the probe (checkHostFor, lab/runtime/probe.ts) says. */
export interface HostVerdict {
  ok: boolean;
  /** What is missing (EnvironmentError.missing, e.g. `sch_netem`) and the error's message. */
  missing?: string;
  reason?: string;
  netem: boolean;
  /** nftables can drop at random: `loss` alone runs without netem (the nft-loss fallback). */
  nftLoss: boolean;
}

/**
 * The probe's verdict on a plan's needs, decided SYNCHRONOUSLY so a suite can choose between
 * `it` and `it.skip` while Jest collects tests (describe callbacks cannot await). A child
 * process runs checkHostFor(plan.needs) (cached probe: about 1 s; the first probe on a fresh
 * machine builds the lab image first). Anything but an EnvironmentError (a crash, no output)
 * throws, so a broken probe never turns into a skip.
 */
export function hostVerdictSync(plan: Pick<Plan, 'needs'>): HostVerdict {
  const script = `
    import { checkHostFor, probeHost } from './lab/runtime/probe';
    import { EnvironmentError } from './lab/model/errors';
    (async () => {
      const needs = JSON.parse(process.env.MLAB_NEEDS ?? '{}');
      const caps = await probeHost();
      const base = { netem: caps.qdiscs.netem, nftLoss: caps.details.nftNumgen };
      try {
        await checkHostFor(needs);
        console.log(JSON.stringify({ ok: true, ...base }));
      } catch (e) {
        if (!(e instanceof EnvironmentError)) throw e;
        const again = await probeHost();
        console.log(JSON.stringify({ ok: false, missing: e.missing, reason: e.message, netem: again.qdiscs.netem, nftLoss: again.details.nftNumgen }));
      }
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, MLAB_NEEDS: JSON.stringify(plan.needs) },
    encoding: 'utf8',
    // On a fresh machine the probe first builds the lab image (debootstrap, apt-get): minutes.
    timeout: 900_000,
  });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`the host probe failed (exit ${r.status}): ${r.stderr || r.error?.message || 'no output'}`);
  return JSON.parse(line) as HostVerdict;
}

/** What a pass on a held lab gave: the record (built as lab/run/run-lab.ts builds it), its checks, and the report files. */
export interface HeldPass {
  record: RunRecord;
  checks: CheckResult[];
  files: string[];
}

/**
 * One MPTCP traffic pass (100 ms sampling) of `plan` on a lab the suite holds (startLab +
 * runTrafficPass), so the suite can read the lab itself: `before` runs once the lab is up,
 * `after` once the pass has ended, both before the lab is stopped. Then the checks are
 * evaluated and the reports written under suiteOutDir(plan.name).
 */
export async function heldLabPass(
  plan: Plan,
  opts: { timeline?: readonly PlanEvent[]; before?: (lab: RunningLab) => Promise<void> | void; after?: (lab: RunningLab) => Promise<void> | void } = {},
): Promise<HeldPass> {
  const caps = await probeHost();
  const startedAt = new Date();
  const lab = await startLab(plan);
  let record: RunRecord;
  try {
    await opts.before?.(lab);
    const pass = await runTrafficPass(lab, plan, { protocol: 'mptcp', intervalMs: 100, seed: lab.runId, clock: () => performance.now(), timeline: opts.timeline ?? [] });
    await opts.after?.(lab);
    record = recordFromPass(lab, plan, pass, {
      startedAt,
      intervalMs: 100,
      environment: { kernel: caps.kernel, docker: caps.docker.version, netem: caps.qdiscs.netem, shaping: shapingSummary(lab), node: process.version },
    });
  } finally {
    await lab.stop();
  }
  const checks = evaluateChecks(record);
  return { record, checks, files: await writeReports(suiteOutDir(plan.name), record, checks) };
}

