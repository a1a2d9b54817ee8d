/**
 * CPU time read from the Docker host, without exec: a container's cgroup (v1 cpuacct.usage
 * or v2 cpu.stat), and processes' /proc/PID/stat (the Docker daemons). Reads are synchronous
 * on purpose: they are taken at an instant (traffic start and end) from a callback.
 * Parsers are pure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { TICK_MS, parseCpuStat, parseCpuacctUsage, parseProcStatTicks } from '../observe/proc-cpu';

export { parseCpuStat, parseCpuacctUsage, parseProcStatTicks };

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
