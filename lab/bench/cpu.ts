/**
 * CPU time read from the Docker host, without exec: a container's cgroup (v1 cpuacct.usage
 * or v2 cpu.stat), and processes' /proc/PID/stat (the Docker daemons). Reads are synchronous
 * on purpose: they are taken at an instant (traffic start and end) from a callback.
 * Parsers are pure.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** cgroup v1 `cpuacct.usage`: nanoseconds → ms. */
export function parseCpuacctUsage(text: string): number | undefined {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) ? n / 1e6 : undefined;
}

/** cgroup v2 `cpu.stat`: `usage_usec N` → ms. */
export function parseCpuStat(text: string): number | undefined {
  const m = /^usage_usec\s+(\d+)$/m.exec(text);
  return m ? Number(m[1]) / 1000 : undefined;
}

/** `/proc/PID/stat`: utime + stime (fields 14 and 15, after the parenthesised comm) in clock ticks. */
export function parseProcStatTicks(text: string): number | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14 → index 11, stime 15 → index 12.
  const u = Number(fields[11]);
  const s = Number(fields[12]);
  return Number.isFinite(u) && Number.isFinite(s) ? u + s : undefined;
}

/** Where a container's CPU counter lives, tried in order (cgroupfs and systemd drivers, v1 and v2). */
export function cgroupCandidates(id: string, root = '/sys/fs/cgroup'): Array<{ file: string; parse: (t: string) => number | undefined }> {
  const v1 = (dir: string) => ({ file: `${root}/${dir}/cpuacct.usage`, parse: parseCpuacctUsage });
  const v2 = (dir: string) => ({ file: `${root}/${dir}/cpu.stat`, parse: parseCpuStat });
  return [
    v1(`cpuacct/docker/${id}`),
    v1(`cpu,cpuacct/docker/${id}`),
    v1(`cpuacct/system.slice/docker-${id}.scope`),
    v1(`cpu,cpuacct/system.slice/docker-${id}.scope`),
    v2(`system.slice/docker-${id}.scope`),
    v2(`docker/${id}`),
  ];
}

/** A reader of one container's CPU ms, or undefined when no cgroup file is found. */
export function containerCpuReader(id: string): (() => number) | undefined {
  for (const c of cgroupCandidates(id)) {
    try {
      const v = c.parse(readFileSync(c.file, 'utf8'));
      if (v !== undefined) return () => c.parse(readFileSync(c.file, 'utf8')) ?? NaN;
    } catch {
      // Not this layout.
    }
  }
  return undefined;
}

const DAEMONS = /^(dockerd|containerd|containerd-shim.*|docker-proxy)$/;
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms of each Docker daemon process (dockerd, containerd, the shims), by PID. */
export function daemonCpu(): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      if (!DAEMONS.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())) continue;
      const ticks = parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (ticks !== undefined) out.set(Number(pid), ticks * TICK_MS);
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** CPU ms spent between two daemonCpu() snapshots by processes present in both. */
export function daemonCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) {
    const b = before.get(pid);
    if (b !== undefined) sum += ms - b;
  }
  return sum;
}

/** The lab process's own CPU ms (user + system). */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
