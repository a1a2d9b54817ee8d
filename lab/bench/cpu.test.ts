import { cgroupCandidates, daemonCpuDelta, parseCpuacctUsage, parseCpuStat, parseProcStatTicks } from './cpu';

describe('CPU counter parsers', () => {
  it('reads cgroup v1 cpuacct.usage (ns) as ms', () => {
    expect(parseCpuacctUsage('2683000000\n')).toBe(2683);
    expect(parseCpuacctUsage('')).toBeUndefined();
    expect(parseCpuacctUsage('x')).toBeUndefined();
  });

  it('reads cgroup v2 cpu.stat usage_usec as ms', () => {
    expect(parseCpuStat('usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n')).toBe(1500);
    expect(parseCpuStat('user_usec 1\n')).toBeUndefined();
  });

  it('reads utime + stime from /proc/PID/stat, whatever the comm holds', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '2328 (dockerd) S 1 2328 2328 0 -1 4194560 51234 0 12 0 6021 1402 0 0 20 0 31 0 1234 0 0';
    expect(parseProcStatTicks(stat)).toBe(7423);
    expect(parseProcStatTicks('99 (a) b) c) S 1 1 1 0 -1 0 0 0 0 0 5 6 0 0')).toBe(11);
    expect(parseProcStatTicks('garbage')).toBeUndefined();
  });

  it('looks for a container under the cgroupfs and systemd layouts, v1 and v2', () => {
    const files = cgroupCandidates('abc', '/cg').map((c) => c.file);
    expect(files).toContain('/cg/cpuacct/docker/abc/cpuacct.usage');
    expect(files).toContain('/cg/system.slice/docker-abc.scope/cpu.stat');
  });

  it('sums the CPU of processes present in both snapshots only', () => {
    const before = new Map([
      [1, 100],
      [2, 50],
    ]);
    const after = new Map([
      [1, 130],
      [2, 55],
      [3, 999],
    ]);
    expect(daemonCpuDelta(before, after)).toBe(35);
  });
});
