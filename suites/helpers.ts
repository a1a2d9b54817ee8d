/** Shared helpers for the suites: real Docker, real labs, and proof that nothing is left behind. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CPU_BOUND_STEAL_PCT, RATE_KINDS, listLeftovers, loadTopology, startLab, timestamp, writeReports } from '../lab';
import type { CheckResult, Measurement, Plan, PlanEvent, RunningLab, RunRecord, Series } from '../lab';

/**
 * Containers and networks carrying the project's labels, created by this process by default
 * (other runs on the same engine are not ours to judge), or by the given owner pid.
 */
export async function leftovers(ownerPid: number = process.pid): Promise<{ containers: string[]; networks: string[] }> {
  return listLeftovers({ ownerPid });
}

/** The suites' afterAll: this process left no labelled container or network behind. */
export async function expectNothingLeft(): Promise<void> {
  expect(await leftovers()).toEqual({ containers: [], networks: [] });
}

/** Every check passed: the lines `name: status (measured)`, so a failure shows each check's numbers. */
export function expectEveryCheckPasses(checks: readonly CheckResult[]): void {
  expect(checks.map((c) => `${c.name}: ${c.status} (${c.measured})`)).toEqual(checks.map((c) => `${c.name}: pass (${c.measured})`));
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
export function bytesBetween(series: Series, fromMs: number, toMs: number, fallbackIntervalMs = 100, whole = false): number {
  let bits = 0;
  for (let i = 0; i < series.t.length; i++) {
    const t = series.t[i] ?? 0;
    const dt = i > 0 ? t - (series.t[i - 1] ?? 0) : fallbackIntervalMs;
    // `whole`: only samples whose interval lies entirely inside [fromMs, toMs]; else by the interval's midpoint.
    const inside = whole ? t - dt >= fromMs && t <= toMs : t - dt / 2 >= fromMs && t - dt / 2 < toMs;
    if (inside) bits += ((series.v[i] ?? 0) * dt) / 1000;
  }
  return bits / 8;
}

/** Bytes each path carried (data direction) between fromMs and toMs, by path name. */
export function pathBytes(record: Pick<RunRecord, 'paths' | 'intervalMs'>, fromMs: number, toMs: number): Record<string, number> {
  return Object.fromEntries(record.paths.map((p) => [p.path, bytesBetween(p, fromMs, toMs, record.intervalMs)]));
}

/**
 * Bytes each path carried in the samples lying wholly inside [fromMs, toMs]: for an outage, where
 * a sample straddling the cut still holds the cut path's last bytes and one straddling the
 * restore its first (a CI dry run, 2026-12-02: backup-path's lan resumed 47 ms after the restore,
 * and the straddling sample's 438 KB read as traffic during the cut).
 */
export function pathBytesWithin(record: Pick<RunRecord, 'paths' | 'intervalMs'>, fromMs: number, toMs: number): Record<string, number> {
  return Object.fromEntries(record.paths.map((p) => [p.path, bytesBetween(p, fromMs, toMs, record.intervalMs, true)]));
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

/**
 * When the recorded event of that kind on that path took effect (ms on the lab clock): when it
 * was seen to (a cut's carrier drop, read back), else when its command returned (impair has no
 * read-back). Under load the two can be hundreds of ms apart. Throws when it was not recorded.
 */
export function eventAt(record: Pick<RunRecord, 'events'>, kind: 'cut' | 'restore' | 'impair', path: string): number {
  const e = record.events.find((x) => x.kind === kind && x.path === path);
  if (!e) throw new Error(`no recorded ${kind} of ${path}; recorded: ${record.events.map((x) => `${x.kind} ${x.path}`).join(', ') || 'none'}`);
  return e.verified?.effectiveMs ?? e.actualMs;
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

/** Whether this host can run a plan, as the probe (checkHostFor) says. */
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
    import { checkHostFor, EnvironmentError, probeHost } from './lab';
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

/** What a pass on a held lab gave: what `lab.measure()` returned (record, checks, the baseline's traffic) and the report files. */
export interface HeldPass {
  record: RunRecord;
  checks: CheckResult[];
  files: string[];
  /** The suite's own veth sampler over the pass(es), when asked for with `watch`. */
  own?: VethWatch;
  /** The plain-TCP pass's outcome, when asked for with `baseline: 'tcp'` (record.baseline holds its goodput and the gain). */
  baselineTraffic?: RunRecord['traffic'];
}

/**
 * One measurement (`lab.measure()`, 100 ms sampling) of `plan` on a lab the suite holds, so the
 * suite can read the lab itself: `before` runs once the lab is up, `after` once the measurement
 * has ended (after the plain-TCP pass too, with `baseline: 'tcp'`), both before the lab is
 * stopped. The timeline is `timeline` (none unless given). With `watch`, the suite's own
 * VethWatch samples the receiver's host veths from before the measurement to after `after`,
 * and marks each pass's steps on its own clock. The reports go under suiteOutDir(plan.name).
 */
export async function heldLabPass(
  plan: Plan,
  opts: {
    timeline?: readonly PlanEvent[];
    before?: (lab: RunningLab) => Promise<void> | void;
    after?: (lab: RunningLab) => Promise<void> | void;
    watch?: boolean;
    baseline?: 'tcp';
  } = {},
): Promise<HeldPass> {
  let measured: Measurement;
  let own: VethWatch | undefined;
  {
    await using lab = await startLab(plan);
    await opts.before?.(lab);
    own = opts.watch ? new VethWatch(receiverVeths(lab, plan)) : undefined;
    own?.start();
    try {
      measured = await lab.measure({ timeline: opts.timeline ?? [], baseline: opts.baseline, onStep: (step) => own?.mark(step, performance.now()) });
      await opts.after?.(lab);
    } finally {
      own?.stop();
    }
  }
  const { record, checks, baselineTraffic } = measured;
  return { record, checks, files: await writeReports(record, checks, suiteOutDir(plan.name)), own, baselineTraffic };
}

/** A lab a suite held once (heldLabPass): the plan as loaded and what the pass gave (both set in beforeAll). */
export interface HeldRun extends HeldPass {
  plan: Plan;
  /** The run before this one, when `rerunIf` asked for a second (with why). */
  earlier?: { pass: HeldPass; why: string };
}

/**
 * The one kernel failure a cut suite has been seen to hit on 6.18 (two-vlan 2026-12-01, CI and
 * 1 in 15 local runs; three-paths 2026-12-02, CI dry run): the cut subflow is never declared
 * stale, the data stranded on it blocks the connection, and the surviving paths sit idle until
 * the restore. True when the failover check failed saying so (SubflowStale did not move) and
 * every check but failover and stall passed. The lab's fail is honest; a suite may run once more.
 */
export function cutSubflowNeverStale(checks: readonly CheckResult[], failoverName: string): boolean {
  const failover = checks.find((c) => c.name === failoverName);
  const others = checks.filter((c) => c.kind !== 'failover' && c.kind !== 'stall');
  return failover?.status === 'fail' && /\(SubflowStale did not move\)/.test(failover.message) && others.every((c) => c.status === 'pass');
}

/**
 * A run the machine, not MPTCP, may have paced: the hypervisor took CPU_BOUND_STEAL_PCT or more
 * of the CPU time over the traffic (the record's hostLoad, which the failing checks' messages
 * name), and every check that failed is a rate or time check. Returns why, for the log, or
 * undefined. Seen 2026-12-03 in a dry run: two-vlan at steal 27.7% read 1.20 Gbit/s before the
 * cut (1.75 in a quiet run) and failover 2.04 s against 2.0, every other check passing. The lab's
 * fail is honest; a suite may run once more, as for cutSubflowNeverStale.
 */
export function machineStarved(record: Pick<RunRecord, 'hostLoad'>, checks: readonly CheckResult[]): string | undefined {
  const steal = record.hostLoad?.stealPct;
  const failed = checks.filter((c) => c.status !== 'pass');
  if (steal === undefined || steal < CPU_BOUND_STEAL_PCT || failed.length === 0) return undefined;
  if (!failed.every((c) => c.status === 'fail' && RATE_KINDS.has(c.kind))) return undefined;
  return `the hypervisor took ${steal}% of the CPU time (steal ≥ ${CPU_BOUND_STEAL_PCT}%) and only rate checks failed: ${failed.map((c) => `${c.name} ${c.measured}`).join(', ')}`;
}

/**
 * Call inside a describe: registers one heldLabPass of the topology (its own timeline) in
 * beforeAll and expectNothingLeft in afterAll, as runLabOnce does for runLab. `setup` receives
 * the plan first and returns the pass's options (hooks that read the lab). `rerunIf` may ask
 * for one second run (returning why, printed): the suite then reads the second, and the first
 * stays in `earlier`.
 */
export function heldLabOnce(
  topology: string,
  setup: (plan: Plan) => Parameters<typeof heldLabPass>[1] = () => ({}),
  rerunIf?: (pass: HeldPass) => string | undefined,
): HeldRun {
  const run = {} as HeldRun;
  beforeAll(async () => {
    run.plan = loadTopology(topology);
    const first = await heldLabPass(run.plan, { timeline: run.plan.timeline, ...setup(run.plan) });
    const why = rerunIf?.(first);
    if (why) {
      console.warn(`${topology}: ${why}; running it once more`);
      Object.assign(run, await heldLabPass(run.plan, { timeline: run.plan.timeline, ...setup(run.plan) }), { earlier: { pass: first, why } });
    } else Object.assign(run, first);
  });
  afterAll(expectNothingLeft);
  return run;
}

// ---------------------------------------------------------------------------------------
// The suites' OWN readings, taken beside the lab's and compared with what it recorded: the
// host veths' byte counters and operstate straight from /sys, the namespaces' counters
// straight from /proc/PID/net/{netstat,snmp} with a parser of our own, files in a host.

/** The receiver's host-side veth of each path (its tx_bytes are the data direction's bytes). */
export function receiverVeths(lab: RunningLab, plan: Pick<Plan, 'paths' | 'traffic'>): Record<string, string> {
  const receiver = lab.hosts[plan.traffic.receiver]!;
  return Object.fromEntries(plan.paths.map((p) => [p.name, receiver.interfaces[p.name]!.hostVeth]));
}

/** One reading of the suite's own sampler: when (performance.now(), ms), each path's tx_bytes and operstate. */
export interface OwnSample {
  t: number;
  tx: Record<string, number>;
  oper: Record<string, string>;
}

/**
 * The suite's own sampler of the receiver's host veths: every `intervalMs` it reads each
 * path's tx_bytes and operstate from /sys/class/net itself (synchronously; microseconds), on
 * its own timer and clock, independently of the lab's sampler. Windows are in performance.now()
 * ms; `passStart(i)` is when pass i's traffic started (the pass's `traffic running` step: the
 * lab clock's t = 0 of that pass), so a time on the lab clock maps to ours as passStart(i) + t.
 */
export class VethWatch {
  readonly samples: OwnSample[] = [];
  /** Pass starts and ends as the passes announced them, on our clock. */
  readonly marks: Array<{ step: string; t: number }> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    readonly veths: Record<string, string>,
    readonly intervalMs = 50,
  ) {}

  start(): void {
    this.read();
    this.timer ??= setInterval(() => this.read(), this.intervalMs);
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.read();
  }

  mark(step: string, t: number): void {
    this.marks.push({ step, t });
  }

  private read(): void {
    const tx: Record<string, number> = {};
    const oper: Record<string, string> = {};
    for (const [path, veth] of Object.entries(this.veths)) {
      tx[path] = vethBytes(veth).txBytes;
      oper[path] = readFileSync(`/sys/class/net/${veth}/operstate`, 'utf8').trim();
    }
    this.samples.push({ t: performance.now(), tx, oper });
  }

  /** When pass `i` (0: the MPTCP pass, 1: the baseline) started its traffic, on our clock. */
  passStart(i = 0): number {
    const m = this.marks.filter((x) => x.step === 'traffic running')[i];
    if (!m) throw new Error(`pass ${i} never announced "traffic running"; steps seen: ${this.marks.map((x) => x.step).join(' | ') || 'none'}`);
    return m.t;
  }

  /** When pass `i` announced the end of its traffic, on our clock. */
  passEnd(i = 0): number {
    const m = this.marks.filter((x) => x.step.startsWith('traffic ended'))[i];
    if (!m) throw new Error(`pass ${i} never announced "traffic ended"; steps seen: ${this.marks.map((x) => x.step).join(' | ') || 'none'}`);
    return m.t;
  }

  /** A path's tx_bytes counter at time t, interpolated linearly between our two readings around it. */
  counterAt(path: string, t: number): number {
    const s = this.samples;
    if (!s.length) throw new Error('VethWatch: no readings');
    if (t <= s[0]!.t) return s[0]!.tx[path]!;
    for (let i = 1; i < s.length; i++) {
      const a = s[i - 1]!;
      const b = s[i]!;
      if (t <= b.t) return a.tx[path]! + ((b.tx[path]! - a.tx[path]!) * (t - a.t)) / (b.t - a.t);
    }
    return s[s.length - 1]!.tx[path]!;
  }

  /** Bytes each path carried (data direction) between our times from and to (default: all we watched). */
  bytes(from = -Infinity, to = Infinity): Record<string, number> {
    return Object.fromEntries(Object.keys(this.veths).map((p) => [p, this.counterAt(p, to) - this.counterAt(p, from)]));
  }

  /**
   * The time of our last reading before `t`. A window that ends at a change we first read at `t`
   * ends here instead: the change came after this reading, but up to one interval before `t`, and
   * what a path carried in between (failover traffic after a cut, traffic again after a restore)
   * belongs to the other side of the change.
   */
  lastBefore(t: number): number {
    const hit = this.samples.filter((x) => x.t < t).at(-1);
    if (!hit) throw new Error(`VethWatch: no reading before ${t.toFixed(0)} ms`);
    return hit.t;
  }

  /** The first of our readings at or after `from` in which the path's host veth had operstate `state`. */
  firstState(path: string, state: 'up' | 'down', from = -Infinity): number {
    const hit = this.samples.find((x) => x.t >= from && x.oper[path] === state);
    if (!hit) throw new Error(`the host veth of ${path} (${this.veths[path]}) never read ${state} after ${from.toFixed(0)} ms`);
    return hit.t;
  }

  /**
   * When the data moved, by our readings alone: the times at which all paths together had carried
   * `lo` and `hi` of what they carried in [from, to], and the bytes between (the ramp-up and the
   * tail excluded, as a rate over the whole should not be dragged down by idle edges).
   */
  activeSpan(from: number, to: number, lo = 0.01, hi = 0.99): { from: number; to: number; bytes: number } {
    const sum = (t: number) => Object.keys(this.veths).reduce((a, p) => a + this.counterAt(p, t), 0);
    const base = sum(from);
    const total = sum(to) - base;
    const inside = this.samples.filter((x) => x.t >= from && x.t <= to);
    const first = inside.find((x) => sum(x.t) - base >= lo * total)?.t ?? from;
    const last = inside.find((x) => sum(x.t) - base >= hi * total)?.t ?? to;
    return { from: first, to: last, bytes: sum(last) - sum(first) };
  }
}

/**
 * A network namespace's counters, read by the suite itself from /proc/PID/net/netstat and
 * /proc/PID/net/snmp (`MPTcpExt.X`, `TcpExt.X`, `Tcp.RetransSegs`...), with a parser of our own
 * (not lab/observe's), so a parsing bug in the lab cannot hide behind an equal reading.
 */
export function ownCounters(lab: RunningLab, host: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const file of ['netstat', 'snmp']) {
    const lines = readFileSync(`/proc/${lab.hosts[host]!.pid}/net/${file}`, 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i++) {
      const names = lines[i]!.trim().split(/\s+/);
      const values = lines[i + 1]!.trim().split(/\s+/);
      // A header line is followed by its value line, both starting with the same `Group:`.
      if (names[0] !== values[0] || !names[0]?.endsWith(':') || !/^-?\d+$/.test(values[1] ?? '')) continue;
      const group = names[0].slice(0, -1);
      names.slice(1).forEach((n, k) => (out[`${group}.${n}`] = Number(values[k + 1])));
      i++;
    }
  }
  return out;
}

/** Our own counter readings of every host of the lab, by host. */
export function ownCountersAll(lab: RunningLab): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.keys(lab.hosts).map((h) => [h, ownCounters(lab, h)]));
}

/** after - before of one counter (`MPTcpExt.MPCapableSYNRX`); throws when the counter was in neither reading. */
export function ownDelta(before: Record<string, number>, after: Record<string, number>, name: string): number {
  if (!(name in after)) throw new Error(`no counter ${name} in our reading; present: ${Object.keys(after).filter((k) => k.startsWith(name.split('.')[0]!)).slice(0, 8).join(', ')}...`);
  return after[name]! - (before[name] ?? 0);
}

/**
 * Keeps the suite's own figures beside the run's reports (own-readings.json, merged by key), so
 * a CI artifact shows what the suite measured itself next to result.json. Returns the figures.
 */
export function keepOwnReadings<T extends object>(run: Pick<HeldPass, 'files'>, key: string, figures: T): T {
  const file = join(dirname(run.files[0]!), 'own-readings.json');
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...all, [key]: figures }, null, 2) + '\n');
  return figures;
}
