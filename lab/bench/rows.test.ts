import { bringupRows } from './bringup';
import { runtimeRows } from './runtimes';
import { bareTimerCpu, costRows, type CostSample } from './cost';
import { failoverRows, type FailoverSample } from './failover';
import { scaleRows } from './scale';
import { verdictOf } from './table';

describe('bringupRows', () => {
  const lab = (upMs: number, downMs: number) => ({ upMs, downMs, steps: [] });
  const script = (upMs: number, downMs: number, problems: string[] = []) => ({ upMs, downMs, problems, commands: 19 });

  it('pairs each lab run with the script run next to it and checks the ratio ≤ 1', () => {
    const rows = bringupRows('bring-up', 'two-vlan', { lab: [lab(800, 400), lab(900, 700)], script: [script(1600, 500), script(1500, 600)], run: [] });
    expect(rows.map((r) => r.figure)).toEqual(['two-vlan bring-up', 'two-vlan teardown']);
    expect(rows[0]!.ratio).toMatchObject({ min: 0.5, max: 0.6 });
    expect(rows[0]!.baselineName).toBe('script (19 cmds)');
    expect(verdictOf(rows[0]!)).toBe('ok');
    expect(rows[1]!.ratio).toMatchObject({ min: 0.8, max: 700 / 600 });
  });

  it('says when the script did not make what the lab makes', () => {
    const rows = bringupRows('bring-up', 'x', { lab: [lab(1, 1)], script: [script(1, 1, ['pc1: no qdisc'])], run: [] });
    expect(rows[0]!.note).toContain('pc1: no qdisc');
  });

  it('adds the plain-container rows when measured, without a target', () => {
    const rows = bringupRows('bring-up', 'bench-4x4', { lab: [lab(2000, 1500)], script: [script(4000, 1600)], run: [{ upMs: 1000, downMs: 500 }] });
    expect(rows).toHaveLength(4);
    expect(rows[2]!.ratio?.median).toBe(2);
    expect(rows[2]!.target).toBeUndefined();
  });
});

describe('costRows', () => {
  const s = (intervalMs: number, lab: number, ctr: number, problem?: string): CostSample => ({
    intervalMs,
    wallMs: 1000,
    labCpuMs: lab,
    containersCpuMs: ctr,
    daemonsCpuMs: 10,
    samples: 10,
    goodputBps: 1e9,
    ...(problem ? { problem } : {}),
  });

  it('gives CPU per wall second and the lab/transfer ratio per interval, and 10 ms against 100 ms', () => {
    const rows = costRows([s(100, 40, 500), s(10, 100, 500), s(100, 50, 500), s(10, 150, 500)]);
    const lab100 = rows.find((r) => r.figure === 'lab process CPU, 100 ms sampling')!;
    expect(lab100.measured).toMatchObject({ min: 0.04, max: 0.05 });
    expect(lab100.ratio?.min).toBeCloseTo(0.08, 9);
    expect(lab100.ratio?.max).toBeCloseTo(0.1, 9);
    const vs = rows.find((r) => r.figure === 'lab CPU, 10 ms vs 100 ms sampling')!;
    expect(vs.ratio?.min).toBeCloseTo(2.5, 9);
    expect(vs.ratio?.max).toBeCloseTo(3, 9);
  });

  it('counts the subflow reader in the 10 ms goal figure, and shows the daemons\' idle floor when measured', () => {
    const withReader = (x: CostSample): CostSample => ({ ...x, subflowCpuMs: 5 });
    const rows = costRows([s(100, 40, 500), s(10, 100, 500), s(100, 50, 500), s(10, 150, 500)].map(withReader), { wallMs: 2000, labCpuMs: 2, daemonsCpuMs: 30 });
    const goal = rows.find((r) => r.figure === 'lab + its subflow reader + Docker daemons CPU, 10 ms sampling')!;
    // (lab + reader + daemons) per wall second: (100 + 5 + 10) / 1000 and (150 + 5 + 10) / 1000.
    expect(goal.measured).toMatchObject({ min: 0.115, max: 0.165 });
    expect(goal.target).toEqual({ op: '<=', value: 0.02 });
    expect(verdictOf(goal)).toBe('over');
    const floor = rows.find((r) => r.figure === 'Docker daemons CPU, lab up, no traffic and no sampling')!;
    expect(floor.measured).toMatchObject({ median: 0.015 });
    expect(floor.target).toBeUndefined();
    expect(costRows([s(10, 1, 500)]).some((r) => r.figure.startsWith('Docker daemons CPU, lab up'))).toBe(false);
  });

  it('shows a bare 10 ms Node timer as the floor under the lab\'s 10 ms figure, and the lab against it', () => {
    const idle = { wallMs: 2000, labCpuMs: 2, daemonsCpuMs: 30, timerCpuMs: 40, timerWallMs: 2000 };
    const rows = costRows([s(100, 40, 500), s(10, 100, 500), s(100, 50, 500), s(10, 150, 500)], idle);
    const timer = rows.find((r) => r.figure === 'bare Node process waking every 10 ms, no work')!;
    expect(timer.measured).toMatchObject({ median: 0.02 });
    // the timer (2%) plus the daemons' idle floor (1.5%) against the 2% goal
    expect(timer.note).toContain('3.50% against the goal of 2.00%');
    const vs = rows.find((r) => r.figure === 'lab process CPU at 10 ms sampling vs a bare Node 10 ms timer')!;
    expect(vs.ratio).toMatchObject({ min: 5, max: 7.5 });
    // a timer rounded down to zero CPU still shows, but gives no ratio; none measured, neither row
    const zero = costRows([s(10, 100, 500)], { ...idle, timerCpuMs: 0 });
    expect(zero.some((r) => r.figure.startsWith('bare Node'))).toBe(true);
    expect(zero.some((r) => r.figure.endsWith('vs a bare Node 10 ms timer'))).toBe(false);
    expect(costRows([s(10, 100, 500)], { wallMs: 2000, labCpuMs: 2, daemonsCpuMs: 30 }).some((r) => r.figure.includes('bare Node'))).toBe(false);
  });

  it('keeps pairs aligned when a pass failed', () => {
    const rows = costRows([s(100, 40, 500), s(10, 100, 500, 'transfer: did not complete'), s(100, 50, 500), s(10, 150, 500)]);
    const vs = rows.find((r) => r.figure === 'lab CPU, 10 ms vs 100 ms sampling')!;
    expect(vs.ratio?.n).toBe(1);
    expect(vs.ratio?.median).toBeCloseTo(3, 9);
  });
});

describe('bareTimerCpu', () => {
  it('runs a child Node that waits the time asked and reports its own CPU, far below its wall time', async () => {
    const r = await bareTimerCpu(400);
    expect(r.wallMs).toBeGreaterThanOrEqual(395);
    expect(r.wallMs).toBeLessThan(5000);
    // a timer that only wakes up spends a few % of a core at most, never its wall time
    expect(r.cpuMs).toBeLessThan(r.wallMs * 0.5);
  });
});

describe('failoverRows', () => {
  it('shows the spread at each interval, with the stdev ratio on the 10 ms row', () => {
    const runs: FailoverSample[] = [
      { intervalMs: 100, failoverMs: 100, recoveryMs: 200, verdicts: [] },
      { intervalMs: 10, failoverMs: 50, recoveryMs: 110, verdicts: [] },
      { intervalMs: 100, failoverMs: 300, recoveryMs: 400, verdicts: [] },
      { intervalMs: 10, failoverMs: 70, verdicts: [] },
    ];
    const rows = failoverRows(runs);
    expect(rows.map((r) => r.figure)).toEqual(['failover time, 100 ms sampling', 'failover time, 10 ms sampling', 'recovery time, 100 ms sampling', 'recovery time, 10 ms sampling']);
    expect(rows[0]!.measured).toMatchObject({ min: 100, max: 300, median: 200 });
    expect(rows[1]!.ratio?.median).toBeCloseTo(Math.SQRT2 * 10 / (Math.SQRT2 * 100), 9);
    expect(rows[3]!.note).toContain('1 of 2 passes gave no recovery time');
    expect(rows[3]!.ratio).toBeUndefined();
  });
});

describe('scaleRows', () => {
  it('compares each path count with the script, and labs at once with the same labs one after the other', () => {
    const rows = scaleRows(
      { 2: { lab: [{ upMs: 800, downMs: 400 }], script: [{ upMs: 1600, downMs: 500, problems: [] }] } },
      { 1: { together: [{ upMs: 1000, downMs: 500 }], oneByOne: [] }, 2: { together: [{ upMs: 1500, downMs: 900 }], oneByOne: [{ upMs: 2000, downMs: 1000 }] } },
    );
    expect(rows.find((r) => r.figure === '2 paths bring-up')!.ratio?.median).toBe(0.5);
    expect(rows.find((r) => r.figure === '1 two-vlan lab, teardown')!.measured?.median).toBe(500);
    const par = rows.find((r) => r.figure === '2 labs at once, bring-up (all up)')!;
    expect(par.baseline?.median).toBe(2000);
    expect(par.ratio?.median).toBe(0.75);
    expect(rows.find((r) => r.figure === '2 labs at once, teardown')!.ratio?.median).toBe(0.9);
  });
});

describe('runtimeRows', () => {
  const t = (upMs: number, downMs: number) => ({ upMs, downMs, steps: [] });
  const sc = (upMs: number, downMs: number) => ({ upMs, downMs, problems: [], commands: 12 });
  it('puts netns next to the docker lab (target <= 1) and says whether the 100 ms goal was met; a VM not measured says why', () => {
    const rows = runtimeRows('runtimes', { docker: [t(700, 900), t(800, 1000)], netns: [t(500, 200), t(600, 300)], script: [sc(1400, 1500), sc(1500, 1400)], vmBoot: [], vmError: 'qemu-system-x86_64 not found' });
    const vs = rows.find((r) => r.figure === 'two-vlan bring-up, netns vs docker runtime')!;
    expect(vs.ratio?.median).toBeCloseTo((500 / 700 + 600 / 800) / 2, 5);
    expect(vs.target).toEqual({ op: '<=', value: 1 });
    expect(vs.note).toBe("issue 12's goal for netns is under 100 ms: median 550 ms, not met");
    expect(rows.find((r) => r.figure.startsWith('VM boot'))!.note).toBe('not measured: qemu-system-x86_64 not found');
    const met = runtimeRows('runtimes', { docker: [t(700, 900)], netns: [t(90, 50)], script: [sc(1400, 1500)], vmBoot: [5100, 5300], accelerator: 'tcg' });
    expect(met.find((r) => r.figure === 'two-vlan bring-up, netns vs docker runtime')!.note).toMatch(/median 90 ms, met$/);
    expect(met.find((r) => r.figure === 'VM boot (TCG), spawn to exit after /init')!.measured?.median).toBe(5200);
  });
});
