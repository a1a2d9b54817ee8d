import { cgroupCpuFiles, noteCpuBound, parseCgroupCpu, parseProcStat, summarizeLoad, type LoadReading } from './host-cpu';
import type { CheckResult } from '../model/record';

// /proc/stat of this project's machine (2 cores, kernel 6.18), trimmed after the cpu lines.
const STAT_A = `cpu  34964 363 16016 95371 821 0 515 207 0 0
cpu0 17400 180 8000 47700 400 0 300 100 0 0
cpu1 17564 183 8016 47671 421 0 215 107 0 0
intr 1234 0 0
ctxt 99
`;
// 4 s later at 2 cores (800 ticks): 760 busy, 30 idle + 10 iowait, no steal → 5% idle.
const STAT_B = `cpu  35564 363 16176 95401 831 0 515 207 0 0
cpu0 17700 180 8080 47715 405 0 300 100 0 0
cpu1 17864 183 8096 47686 426 0 215 107 0 0
`;

// A cgroup v1 container (the docker cgroupfs driver) and a v2 systemd-driver one.
const CGROUP_V1 = `12:cpu,cpuacct:/docker/77089cc86c3e
11:memory:/docker/77089cc86c3e
0::/docker/77089cc86c3e
`;
const CGROUP_V2 = '0::/system.slice/docker-77089cc86c3e.scope\n';

describe('parseProcStat', () => {
  it('sums the cpu line, counts iowait as idle and counts the cores', () => {
    expect(parseProcStat(STAT_A)).toEqual({ total: 34964 + 363 + 16016 + 95371 + 821 + 515 + 207, idle: 95371 + 821, steal: 207, cores: 2 });
  });

  it('is undefined without a cpu line', () => {
    expect(parseProcStat('intr 1 2 3\n')).toBeUndefined();
  });
});

describe('cgroup CPU files', () => {
  it('finds the v1 cpuacct counter (combined and split mounts) and the v2 cpu.stat', () => {
    expect(cgroupCpuFiles(CGROUP_V1, '/cg').map((f) => f.file)).toEqual([
      '/cg/cpu,cpuacct/docker/77089cc86c3e/cpuacct.usage',
      '/cg/cpuacct/docker/77089cc86c3e/cpuacct.usage',
      '/cg/docker/77089cc86c3e/cpu.stat',
      '/cg/unified/docker/77089cc86c3e/cpu.stat',
    ]);
    expect(cgroupCpuFiles(CGROUP_V2, '/cg')[0]).toEqual({ file: '/cg/system.slice/docker-77089cc86c3e.scope/cpu.stat', unit: 'usec-stat' });
  });

  it('reads nanoseconds (v1) and usage_usec (v2) as ms', () => {
    expect(parseCgroupCpu('2500000000\n', 'ns')).toBe(2500);
    expect(parseCgroupCpu('usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n', 'usec-stat')).toBe(1500);
    expect(parseCgroupCpu('', 'ns')).toBeUndefined();
    expect(parseCgroupCpu('user_usec 5\n', 'usec-stat')).toBeUndefined();
  });
});

const reading = (tMs: number, stat: string, containers: Record<string, number>): LoadReading => ({ tMs, cpu: parseProcStat(stat), containers });

describe('summarizeLoad', () => {
  it('a saturated host over the traffic is CPU-bound, with per-container shares of a core', () => {
    const load = summarizeLoad(reading(0, STAT_A, { pc1: 1000, pc2: 500 }), reading(4000, STAT_B, { pc1: 4920, pc2: 2500 }), [
      reading(2000, STAT_A, { pc1: 2900, pc2: 1500 }),
    ])!;
    expect(load.idlePct).toBe(5);
    expect(load.stealPct).toBe(0);
    expect(load.cores).toBe(2);
    expect(load.containers.pc1).toEqual({ cpuPctOfCore: 98, peakPctOfCore: 101 });
    expect(load.containers.pc2).toEqual({ cpuPctOfCore: 50, peakPctOfCore: 50 });
    expect(load.cpuBound).toBe(true);
    expect(load.reason).toBe('CPU-bound: host CPU idle 5% over the traffic (2 cores); pc1 used 98% of a core');
  });

  it('an idle host with modest containers is not CPU-bound', () => {
    const idle = STAT_A.replace('cpu  34964 363 16016 95371', 'cpu  35064 363 16016 96071');
    const load = summarizeLoad(reading(0, STAT_A, { pc1: 0 }), reading(4000, idle, { pc1: 1600 }))!;
    expect(load.idlePct).toBe(87.5);
    expect(load.containers.pc1!.cpuPctOfCore).toBe(40);
    expect(load.cpuBound).toBe(false);
    expect(load.reason).toContain('not CPU-bound');
  });

  it('a container at a full core at its busiest is CPU-bound even when its average is not (a single-threaded receiver)', () => {
    const idle = STAT_A.replace('cpu  34964 363 16016 95371', 'cpu  35064 363 16016 96071');
    // pc2: 500 ms at 100% of a core, then 3.5 s at about 57%: 62.5% over the 4 s.
    const load = summarizeLoad(reading(0, STAT_A, { pc2: 0 }), reading(4000, idle, { pc2: 2500 }), [reading(500, STAT_A, { pc2: 500 })])!;
    expect(load.containers.pc2).toEqual({ cpuPctOfCore: 62.5, peakPctOfCore: 100 });
    expect(load.cpuBound).toBe(true);
    expect(load.sustained).toBe(false);
    expect(load.reason).toBe('CPU-bound at times: pc2 reached 100% of a core at its busiest (62.5% over the traffic)');
    // A failing rate check of such a run says the machine may have set the pace at those moments, not that it measured the machine.
    const failed = { name: 'aggregate', kind: 'aggregate', status: 'fail', expected: '≥ 1.70 Gbit/s', measured: '1.52 Gbit/s', message: 'mean goodput 1.52 Gbit/s < 1.70 Gbit/s' } as CheckResult;
    expect(noteCpuBound([failed], load)[0]!.message).toBe('mean goodput 1.52 Gbit/s < 1.70 Gbit/s [CPU-bound at times: pc2 reached 100% of a core at its busiest (62.5% over the traffic): at those moments the machine, not MPTCP, may have set the pace]');
    // At 94% at its busiest it is not.
    expect(summarizeLoad(reading(0, STAT_A, { pc2: 0 }), reading(4000, idle, { pc2: 2000 }), [reading(500, STAT_A, { pc2: 470 })])!.cpuBound).toBe(false);
  });

  it('a hypervisor that steals 10% or more of the CPU time makes the run CPU-bound at times', () => {
    // 1000 ticks over 5 s on 2 cores: 400 idle, 280 steal (28%), the rest user.
    const stat = (user: number, idle: number, steal: number) => `cpu  ${user} 0 0 ${idle} 0 0 0 ${steal} 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n`;
    const load = summarizeLoad(reading(0, stat(1000, 1000, 100), { pc2: 0 }), reading(5000, stat(1320, 1400, 380), { pc2: 1200 }))!;
    expect({ idle: load.idlePct, steal: load.stealPct, cpuBound: load.cpuBound, sustained: load.sustained }).toEqual({ idle: 40, steal: 28, cpuBound: true, sustained: false });
    expect(load.reason).toBe("CPU-bound at times: the hypervisor took 28% of the host's CPU time (steal)");
    // 9% is not; below the idle bound the steal is named once, in the idle reason.
    expect(summarizeLoad(reading(0, stat(1000, 1000, 100), {}), reading(5000, stat(1510, 1400, 190), {}))!.cpuBound).toBe(false);
    expect(summarizeLoad(reading(0, stat(1000, 1000, 100), {}), reading(5000, stat(1550, 1050, 500), {}))!.reason).toBe('CPU-bound: host CPU idle 5% over the traffic (2 cores, steal 40%)');
  });

  it('no window or no /proc/stat gives no summary', () => {
    expect(summarizeLoad(reading(0, STAT_A, {}), reading(0, STAT_B, {}))).toBeUndefined();
    expect(summarizeLoad({ tMs: 0, containers: {} }, reading(10, STAT_B, {}))).toBeUndefined();
  });
});

describe('noteCpuBound', () => {
  const check = (over: Partial<CheckResult>): CheckResult => ({ name: 'aggregate', kind: 'aggregate', status: 'fail', expected: '≥ 1.70 Gbit/s', measured: '1.52 Gbit/s', message: 'mean goodput 1.52 Gbit/s < 1.70 Gbit/s', ...over });
  const bound = summarizeLoad(reading(0, STAT_A, { pc1: 1000 }), reading(4000, STAT_B, { pc1: 4920 }))!;

  it('says so on failing rate checks, and never changes a status', () => {
    const out = noteCpuBound([check({}), check({ name: 'integrity', kind: 'integrity' }), check({ name: 'stall', kind: 'stall', status: 'pass' })], bound);
    expect(out.map((c) => c.status)).toEqual(['fail', 'fail', 'pass']);
    expect(out[0]!.message).toContain('CPU-bound: host CPU idle 5%');
    expect(out[0]!.message).toContain('measured the machine');
    expect(out[1]!.message).toBe('mean goodput 1.52 Gbit/s < 1.70 Gbit/s');
    expect(out[2]!.message).toBe('mean goodput 1.52 Gbit/s < 1.70 Gbit/s');
  });

  it('leaves everything alone when the run was not CPU-bound', () => {
    expect(noteCpuBound([check({})], { ...bound, cpuBound: false })[0]!.message).toBe('mean goodput 1.52 Gbit/s < 1.70 Gbit/s');
    expect(noteCpuBound([check({})], undefined)[0]!.message).toBe('mean goodput 1.52 Gbit/s < 1.70 Gbit/s');
  });
});
