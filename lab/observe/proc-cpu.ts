/**
 * CPU time from the kernel's text files, read from the Docker host: a process's /proc/PID/stat
 * and a cgroup's counter (v1 cpuacct.usage, v2 cpu.stat). Pure parsers, shared by the
 * observers (host-cpu, capture, the subflow reader) and the bench.
 */

/** USER_HZ is 100 on Linux: one clock tick is 10 ms. */
export const TICK_MS = 10;

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

/**
 * `/proc/PID/stat`: utime + stime (fields 14 and 15), with `children` also cutime + cstime
 * (16 and 17, waited-for children), in clock ticks. Fields are counted after the last `)`:
 * the command name may itself hold spaces and parentheses.
 */
export function parseProcStatTicks(text: string, opts: { children?: boolean } = {}): number | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14 → index 11.
  const picked = (opts.children ? [11, 12, 13, 14] : [11, 12]).map((i) => Number(fields[i]));
  return picked.every(Number.isFinite) ? picked.reduce((s, v) => s + v, 0) : undefined;
}
