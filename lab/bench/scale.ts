/**
 * Section `scale`: bring-up and teardown as a lab grows from 2 to 8 paths (generated plans,
 * a server and a client), each next to the plain script making the same objects; and 1 to
 * 4 two-vlan labs brought up (and torn down) at once, next to the same number of labs
 * brought up one after the other, measured next to it.
 */
import { loadTopologyFile } from '../loader';
import { startLab } from '../run/start-lab';
import type { RunningLab } from '../runtime/types';
import { labUpDown, scriptUpDown, timed, type BenchContext, type LabTiming, type ScriptTiming, type SectionResult } from './common';
import { nPathPlan } from './plans';
import { ratioStats, stats } from './stats';
import type { BenchRow } from './table';

export const PATH_COUNTS = [2, 4, 8] as const;
export const PARALLEL_LABS = [1, 2, 3, 4] as const;

/**
 * Brings `count` two-vlan labs up, all at once or one after the other, then removes them the
 * same way. Every lab that came up is removed even when another failed.
 */
async function manyUpDown(count: number, together: boolean): Promise<{ upMs: number; downMs: number }> {
  const plan = loadTopologyFile('two-vlan');
  const labs: RunningLab[] = [];
  let failure: unknown;
  const t0 = performance.now();
  if (together) {
    const settled = await Promise.allSettled(Array.from({ length: count }, () => startLab(plan)));
    for (const s of settled) {
      if (s.status === 'fulfilled') labs.push(s.value);
      else failure ??= s.reason;
    }
  } else {
    for (let i = 0; i < count && failure === undefined; i++) {
      try {
        labs.push(await startLab(plan));
      } catch (e) {
        failure = e;
      }
    }
  }
  const upMs = performance.now() - t0;
  const down = await timed(async () => {
    if (together) await Promise.all(labs.map((l) => l.stop()));
    else for (const l of labs) await l.stop();
  });
  if (failure !== undefined) throw failure;
  return { upMs, downMs: down.ms };
}

export async function benchScale(ctx: BenchContext): Promise<SectionResult> {
  const plans = Object.fromEntries(PATH_COUNTS.map((n) => [n, nPathPlan(n)]));
  const paths: Record<number, { lab: LabTiming[]; script: ScriptTiming[] }> = Object.fromEntries(PATH_COUNTS.map((n) => [n, { lab: [], script: [] }]));
  ctx.log('  paths: warm-up');
  await labUpDown(plans[2]!);
  await scriptUpDown(ctx, plans[2]!, { verify: false });
  for (let r = 0; r < ctx.repeats.scalePaths; r++) {
    for (const n of PATH_COUNTS) {
      const lab = await labUpDown(plans[n]!);
      const script = await scriptUpDown(ctx, plans[n]!);
      paths[n]!.lab.push(lab);
      paths[n]!.script.push(script);
      ctx.log(`  #${r + 1} ${n} paths: lab up ${lab.upMs.toFixed(0)} down ${lab.downMs.toFixed(0)} | script up ${script.upMs.toFixed(0)} down ${script.downMs.toFixed(0)}${script.problems.length ? ` (script differs: ${script.problems.join('; ')})` : ''}`);
    }
  }
  const parallel: ManyLabs = Object.fromEntries(PARALLEL_LABS.map((k) => [k, { together: [], oneByOne: [] }]));
  for (let r = 0; r < ctx.repeats.scaleParallel; r++) {
    for (const k of PARALLEL_LABS) {
      const together = await manyUpDown(k, true);
      parallel[k]!.together.push(together);
      let line = `  #${r + 1} ${k} labs at once: up ${together.upMs.toFixed(0)} down ${together.downMs.toFixed(0)}`;
      if (k > 1) {
        const oneByOne = await manyUpDown(k, false);
        parallel[k]!.oneByOne.push(oneByOne);
        line += ` | one after the other: up ${oneByOne.upMs.toFixed(0)} down ${oneByOne.downMs.toFixed(0)}`;
      }
      ctx.log(line);
    }
  }
  return { rows: scaleRows(paths, parallel), raw: { paths, parallel } };
}

type Timing = { upMs: number; downMs: number };
/** By number of labs: brought up at once, and (the baseline) one after the other. */
export type ManyLabs = Record<number, { together: Timing[]; oneByOne: Timing[] }>;

/** The scale rows (pure). */
export function scaleRows(paths: Record<number, { lab: Timing[]; script: Array<Timing & { problems: string[] }> }>, parallel: ManyLabs): BenchRow[] {
  const section = 'scale';
  const rows: BenchRow[] = [];
  for (const n of Object.keys(paths).map(Number)) {
    const p = paths[n]!;
    const up = p.lab.map((x) => x.upMs);
    const sUp = p.script.map((x) => x.upMs);
    const down = p.lab.map((x) => x.downMs);
    const sDown = p.script.map((x) => x.downMs);
    const problems = [...new Set(p.script.flatMap((x) => x.problems))];
    rows.push({
      section,
      figure: `${n} paths bring-up`,
      unit: 'ms',
      measured: stats(up),
      baselineName: 'script',
      baseline: stats(sUp),
      ratio: ratioStats(up, sUp),
      target: { op: '<=', value: 1 },
      ...(problems.length ? { note: `the script's lab differed: ${problems.join('; ')}` } : {}),
    });
    rows.push({
      section,
      figure: `${n} paths teardown`,
      unit: 'ms',
      measured: stats(down),
      baselineName: 'script',
      baseline: stats(sDown),
      ratio: ratioStats(down, sDown),
      target: { op: '<=', value: 1 },
      ...(n === Math.max(...Object.keys(paths).map(Number))
        ? { note: 'removal is the engine\'s own work (dockerd releases each container\'s sandbox endpoint by endpoint after it dies, then each network); the lab asks for all of it at once, so it must not take longer than the script' }
        : {}),
    });
  }
  for (const k of Object.keys(parallel).map(Number)) {
    const { together, oneByOne } = parallel[k]!;
    const up = together.map((x) => x.upMs);
    const down = together.map((x) => x.downMs);
    if (k === 1) {
      rows.push(
        { section, figure: '1 two-vlan lab, bring-up', unit: 'ms', measured: stats(up) },
        { section, figure: '1 two-vlan lab, teardown', unit: 'ms', measured: stats(down) },
      );
      continue;
    }
    const seqUp = oneByOne.map((x) => x.upMs);
    const seqDown = oneByOne.map((x) => x.downMs);
    rows.push(
      {
        section,
        figure: `${k} labs at once, bring-up (all up)`,
        unit: 'ms',
        measured: stats(up),
        baselineName: 'one after the other',
        baseline: stats(seqUp),
        ratio: ratioStats(up, seqUp),
        ...(k === 2 ? { note: 'baseline: the same labs brought up (and removed) one after the other, next to it; ratio < 1: together is faster' } : {}),
      },
      { section, figure: `${k} labs at once, teardown`, unit: 'ms', measured: stats(down), baselineName: 'one after the other', baseline: stats(seqDown), ratio: ratioStats(down, seqDown) },
    );
  }
  return rows;
}
