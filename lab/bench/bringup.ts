/**
 * Section `bringup` (issues 3 and 6.1): the lab's bring-up (startLab) and teardown
 * (lab.stop()) of two-vlan and of the 4-host 4-path bench-4x4, each next to the same objects
 * made by a plain sequential script of docker commands, and bench-4x4 next to a plain
 * `docker run` / `docker rm` of the same image per host. Interleaved: lab, script(, run), lab...
 */
import { loadTopologyFile } from '../loader';
import type { Plan } from '../model/plan';
import { dockerRunUpDown, labUpDown, scriptUpDown, type BenchContext, type LabTiming, type ScriptTiming, type SectionResult } from './common';
import { ratioStats, stats } from './stats';
import type { BenchRow } from './table';

interface PairSeries {
  lab: LabTiming[];
  script: ScriptTiming[];
  run: Array<{ upMs: number; downMs: number }>;
}

/** Rows for lab vs script (and vs docker run when measured). */
export function bringupRows(section: string, name: string, s: PairSeries, withTarget = true): BenchRow[] {
  const up = s.lab.map((l) => l.upMs);
  const down = s.lab.map((l) => l.downMs);
  const sUp = s.script.map((x) => x.upMs);
  const sDown = s.script.map((x) => x.downMs);
  const problems = [...new Set(s.script.flatMap((x) => x.problems))];
  const cmds = s.script[0]?.commands;
  const scriptName = `script${cmds ? ` (${cmds} cmds)` : ''}`;
  const target = withTarget ? { target: { op: '<=' as const, value: 1 } } : {};
  const rows: BenchRow[] = [
    {
      section,
      figure: `${name} bring-up`,
      unit: 'ms',
      measured: stats(up),
      baselineName: scriptName,
      baseline: stats(sUp),
      ratio: ratioStats(up, sUp),
      ...target,
      ...(problems.length ? { note: `the script's lab differed from the lab's: ${problems.join('; ')}` } : {}),
    },
    { section, figure: `${name} teardown`, unit: 'ms', measured: stats(down), baselineName: 'script', baseline: stats(sDown), ratio: ratioStats(down, sDown), ...target },
  ];
  if (s.run.length) {
    const rUp = s.run.map((x) => x.upMs);
    const rDown = s.run.map((x) => x.downMs);
    rows.push(
      {
        section,
        figure: `${name} bring-up vs plain containers`,
        unit: 'ms',
        measured: stats(up),
        baselineName: 'docker run ×hosts',
        baseline: stats(rUp),
        ratio: ratioStats(up, rUp),
        note: 'plain `docker run -d IMAGE` per host, no networks, settings or qdiscs: the price of the lab over bare containers',
      },
      { section, figure: `${name} teardown vs plain containers`, unit: 'ms', measured: stats(down), baselineName: 'docker rm ×hosts', baseline: stats(rDown), ratio: ratioStats(down, rDown) },
    );
  }
  return rows;
}

async function measure(ctx: BenchContext, plan: Plan, repeats: number, withRun: boolean): Promise<PairSeries> {
  const s: PairSeries = { lab: [], script: [], run: [] };
  // Warm-up, not counted: first-use costs (module paths, probe cache, Docker's own caches).
  ctx.log(`  ${plan.name}: warm-up`);
  await labUpDown(plan);
  await scriptUpDown(ctx, plan);
  for (let r = 0; r < repeats; r++) {
    const lab = await labUpDown(plan);
    s.lab.push(lab);
    const script = await scriptUpDown(ctx, plan);
    s.script.push(script);
    let line = `  ${plan.name} #${r + 1}: lab up ${lab.upMs.toFixed(0)} down ${lab.downMs.toFixed(0)} | script up ${script.upMs.toFixed(0)} down ${script.downMs.toFixed(0)}`;
    if (withRun) {
      const run = await dockerRunUpDown(ctx, plan);
      s.run.push(run);
      line += ` | docker run ${run.upMs.toFixed(0)} rm ${run.downMs.toFixed(0)}`;
    }
    ctx.log(line);
  }
  return s;
}

export async function benchBringup(ctx: BenchContext): Promise<SectionResult> {
  const twoVlan = loadTopologyFile('two-vlan');
  const fourByFour = loadTopologyFile('bench-4x4');
  const a = await measure(ctx, twoVlan, ctx.repeats.bringup, false);
  const b = await measure(ctx, fourByFour, ctx.repeats.bringup4x4, true);
  return {
    rows: [...bringupRows('bring-up', 'two-vlan', a), ...bringupRows('bring-up', 'bench-4x4', b)],
    raw: { 'two-vlan': a, 'bench-4x4': b },
  };
}
