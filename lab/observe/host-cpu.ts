/**
 * How loaded the machine was during the traffic: the host's CPU (idle, steal from /proc/stat)
 * and each lab container's CPU (its cgroup's counter, found from /proc/PID/cgroup), read on
 * the Docker host with no docker exec. A run whose figures measured the machine (CPU-bound)
 * says so; that never turns a failed check into a pass. Parsers are pure; reads are
 * synchronous so a reading is taken at an instant.
 */
import { readFileSync } from 'node:fs';
import { parseCpuStat, parseCpuacctUsage } from './proc-cpu';
import type { CheckResult, RunRecord } from '../model/record';

export type HostLoad = NonNullable<RunRecord['hostLoad']>;

/** The aggregate `cpu` line of /proc/stat, in USER_HZ ticks. */
export interface CpuTimes {
  /** All ticks (user nice system idle iowait irq softirq steal; guest time is already in user). */
  total: number;
  /** idle + iowait. */
  idle: number;
  steal: number;
  /** Number of `cpuN` lines. */
  cores: number;
}

/** Parses /proc/stat; undefined without a `cpu ` line. */
export function parseProcStat(text: string): CpuTimes | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  if (f.slice(0, 4).some((n) => !Number.isFinite(n))) return undefined;
  const cores = text.split('\n').filter((l) => /^cpu\d+\s/.test(l)).length;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal, cores: Math.max(1, cores) };
}

/**
 * The cgroup CPU counter file of a process, from /proc/PID/cgroup: v1 `cpuacct` (ns) or the
 * v2 unified hierarchy's cpu.stat (`usage_usec`), under `root`.
 */
export function cgroupCpuFiles(procCgroup: string, root = '/sys/fs/cgroup'): Array<{ file: string; unit: 'ns' | 'usec-stat' }> {
  const out: Array<{ file: string; unit: 'ns' | 'usec-stat' }> = [];
  for (const line of procCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, controllers = '', path = ''] = m;
    if (controllers.split(',').includes('cpuacct')) {
      out.push({ file: `${root}/${controllers}${path}/cpuacct.usage`, unit: 'ns' }, { file: `${root}/cpuacct${path}/cpuacct.usage`, unit: 'ns' });
    } else if (controllers === '') {
      out.push({ file: `${root}${path}/cpu.stat`, unit: 'usec-stat' }, { file: `${root}/unified${path}/cpu.stat`, unit: 'usec-stat' });
    }
  }
  return out;
}

/** A cgroup counter's text as CPU ms. */
export function parseCgroupCpu(text: string, unit: 'ns' | 'usec-stat'): number | undefined {
  return unit === 'ns' ? parseCpuacctUsage(text) : parseCpuStat(text);
}

/** One reading at an instant. */
export interface LoadReading {
  tMs: number;
  cpu?: CpuTimes;
  /** CPU ms per lab host (container). */
  containers: Record<string, number>;
}

/**
 * Below this much host idle over the traffic, at/above this share of a core in one container
 * over the traffic, or at/above the peak share over one stretch between readings (500 ms), the
 * run was CPU-bound. The peak: on a 2-core AMD EPYC (2026-12-02) busybox wget averaged 65-85 %
 * of a core over two-vlan's traffic, under the average bound, yet reached 98-103 % in every run
 * while goodput dipped to 0-0.9 Gbit/s: a single-threaded receiver at a full core is the limit.
 */
export const CPU_BOUND_IDLE_PCT = 10;
export const CPU_BOUND_CONTAINER_PCT = 90;
export const CPU_BOUND_PEAK_PCT = 95;
/**
 * At/above this much steal over the traffic the hypervisor kept the host's CPUs from it now and
 * then: the run was CPU-bound at times. Seen 2026-12-03 on this 2-core Xeon: steal 5.8% in the
 * median of 31 runs, 27.7% in a two-vlan run that read 1.20 Gbit/s before the cut (1.75 in a
 * quiet one).
 */
export const CPU_BOUND_STEAL_PCT = 10;

/** The load between two readings (pure). `peaks` are readings in between, for each container's busiest stretch. */
export function summarizeLoad(first: LoadReading, last: LoadReading, peaks: readonly LoadReading[] = []): HostLoad | undefined {
  const durationMs = last.tMs - first.tMs;
  if (!(durationMs > 0) || !first.cpu || !last.cpu) return undefined;
  const dTotal = last.cpu.total - first.cpu.total;
  if (!(dTotal > 0)) return undefined;
  const pct = (n: number) => Math.round(n * 1000) / 10;
  const idlePct = pct((last.cpu.idle - first.cpu.idle) / dTotal);
  const stealPct = pct((last.cpu.steal - first.cpu.steal) / dTotal);
  const containers: HostLoad['containers'] = {};
  for (const [host, end] of Object.entries(last.containers)) {
    const start = first.containers[host];
    if (start === undefined) continue;
    const series = [first, ...peaks, last].filter((r) => r.containers[host] !== undefined);
    let peak = 0;
    for (let i = 1; i < series.length; i++) {
      const dt = series[i]!.tMs - series[i - 1]!.tMs;
      if (dt >= 200) peak = Math.max(peak, (series[i]!.containers[host]! - series[i - 1]!.containers[host]!) / dt);
    }
    containers[host] = { cpuPctOfCore: pct((end - start) / durationMs), peakPctOfCore: pct(peak) };
  }
  const reasons: string[] = [];
  const busiest: string[] = [];
  if (idlePct < CPU_BOUND_IDLE_PCT) reasons.push(`host CPU idle ${idlePct}% over the traffic (${last.cpu.cores} cores${stealPct > 0 ? `, steal ${stealPct}%` : ''})`);
  for (const [host, c] of Object.entries(containers)) {
    if (c.cpuPctOfCore >= CPU_BOUND_CONTAINER_PCT) reasons.push(`${host} used ${c.cpuPctOfCore}% of a core`);
    else if (c.peakPctOfCore >= CPU_BOUND_PEAK_PCT) busiest.push(`${host} reached ${c.peakPctOfCore}% of a core at its busiest (${c.cpuPctOfCore}% over the traffic)`);
  }
  // Below the idle bound the steal is already named in that reason.
  if (idlePct >= CPU_BOUND_IDLE_PCT && stealPct >= CPU_BOUND_STEAL_PCT) busiest.push(`the hypervisor took ${stealPct}% of the host's CPU time (steal)`);
  return {
    durationMs: Math.round(durationMs),
    cores: last.cpu.cores,
    idlePct,
    stealPct,
    containers,
    cpuBound: reasons.length + busiest.length > 0,
    sustained: reasons.length > 0,
    reason:
      reasons.length > 0
        ? `CPU-bound: ${[...reasons, ...busiest].join('; ')}`
        : busiest.length > 0
          ? `CPU-bound at times: ${busiest.join('; ')}`
          : `not CPU-bound: host idle ${idlePct}%, steal ${stealPct}%`,
  };
}

/** What a CPU-bound run's rates mean: measured by the machine throughout, or possibly at its busiest moments only. */
export function cpuBoundMeaning(load: Pick<HostLoad, 'sustained'>): string {
  return load.sustained === false ? 'at those moments the machine, not MPTCP, may have set the pace' : 'this figure measured the machine, not MPTCP alone';
}

/** The checks whose figure is a rate or a time: the ones a CPU-bound run can pace. */
export const RATE_KINDS: ReadonlySet<CheckResult['kind']> = new Set<CheckResult['kind']>(['aggregate', 'failover', 'recovery', 'stall']);

/**
 * Failing rate checks of a CPU-bound run say so in their message, so a reader knows the
 * figure measured the machine. Statuses are never changed. Pure.
 */
export function noteCpuBound(checks: readonly CheckResult[], load: HostLoad | undefined): CheckResult[] {
  if (!load?.cpuBound) return [...checks];
  return checks.map((c) =>
    c.status === 'fail' && RATE_KINDS.has(c.kind) ? { ...c, message: `${c.message} [${load.reason}: ${cpuBoundMeaning(load)}]` } : c,
  );
}

/** Reads /proc/stat and each container's cgroup counter now (synchronously). */
export function readLoad(readers: Record<string, () => number | undefined>, tMs: number, procStat = '/proc/stat'): LoadReading {
  let cpu: CpuTimes | undefined;
  try {
    cpu = parseProcStat(readFileSync(procStat, 'utf8'));
  } catch {
    cpu = undefined;
  }
  const containers: Record<string, number> = {};
  for (const [host, read] of Object.entries(readers)) {
    const v = read();
    if (v !== undefined) containers[host] = v;
  }
  return { tMs, cpu, containers };
}

/** A reader of a process's cgroup CPU ms, or undefined when no counter file is readable. */
export function cgroupCpuReader(pid: number): (() => number | undefined) | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  for (const c of cgroupCpuFiles(text)) {
    try {
      if (parseCgroupCpu(readFileSync(c.file, 'utf8'), c.unit) === undefined) continue;
      return () => {
        try {
          return parseCgroupCpu(readFileSync(c.file, 'utf8'), c.unit);
        } catch {
          return undefined;
        }
      };
    } catch {
      // Not this layout.
    }
  }
  return undefined;
}

export interface LoadMonitor {
  /** The traffic started: the window begins here (else at the monitor's start). */
  begin(): void;
  /** The traffic ended: the window ends here (else at stop). */
  end(): void;
  /** Stops sampling (idempotent) and summarizes the window. */
  stop(): HostLoad | undefined;
}

/** Samples host and container CPU every `everyMs` (an unref'd timer) between begin and end. */
export function startLoadMonitor(pids: Record<string, number>, opts: { clock?: () => number; everyMs?: number } = {}): LoadMonitor {
  const clock = opts.clock ?? (() => performance.now());
  const readers: Record<string, () => number | undefined> = {};
  for (const [host, pid] of Object.entries(pids)) {
    const r = cgroupCpuReader(pid);
    if (r) readers[host] = r;
  }
  let first = readLoad(readers, clock());
  let last: LoadReading | undefined;
  const between: LoadReading[] = [];
  let began = false;
  const timer = setInterval(() => {
    if (!last && between.length < 10_000) between.push(readLoad(readers, clock()));
  }, opts.everyMs ?? 500);
  timer.unref();
  let result: HostLoad | undefined;
  let done = false;
  return {
    begin() {
      if (began) return;
      began = true;
      first = readLoad(readers, clock());
      between.length = 0;
    },
    end() {
      last ??= readLoad(readers, clock());
      clearInterval(timer);
    },
    stop() {
      if (done) return result;
      done = true;
      clearInterval(timer);
      last ??= readLoad(readers, clock());
      result = summarizeLoad(first, last, between.filter((r) => r.tMs > first.tMs && r.tMs < last!.tMs));
      return result;
    },
  };
}
