/** What every bench section shares: the context, timing, and one lab / one script bring-up and teardown. */
import type Docker from 'dockerode';
import type { Plan } from '../model/plan';
import { startLab, tmpfsFor } from '../run/start-lab';
import { newRunId } from '../runtime/lab-spec';
import { subnetsInUse } from '../runtime/subnets-in-use';
import { allocateSubnets } from '../runtime/subnet-pool';
import type { Repeats } from './args';
import type { LoadMark } from './env';
import { dockerRunCommands, guardObjects, runSequentially, scriptCommands, verifyScriptLab, type ScriptInput } from './script';
import type { BenchRow } from './table';

export interface BenchContext {
  docker: Docker;
  image: string;
  netem: boolean;
  quick: boolean;
  repeats: Repeats;
  log: (line: string) => void;
  loads: LoadMark[];
}

/** What a section hands back: its table rows and its raw measurements (for bench.json). */
export interface SectionResult {
  rows: BenchRow[];
  raw: Record<string, unknown>;
  /** Section wall time, ms. */
  ms?: number;
  error?: string;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** `count` /24s no Docker network and no host route uses (the lab's pool, a random offset). */
async function freeSubnets(docker: Docker, count: number): Promise<string[]> {
  return allocateSubnets(count, await subnetsInUse(docker), Math.floor(Math.random() * 1024));
}

export interface LabTiming {
  upMs: number;
  downMs: number;
  /** ms from the call to each bring-up step (the lab's own progress lines). */
  steps: Array<{ step: string; atMs: number }>;
}

/** Brings a lab up with startLab (probe and image check included, as a suite would) and down with stop(); Docker unless `runtime` says netns. */
export async function labUpDown(plan: Plan, opts: { runtime?: 'docker' | 'netns' } = {}): Promise<LabTiming> {
  const steps: LabTiming['steps'] = [];
  const t0 = performance.now();
  const lab = await startLab(plan, { runtime: opts.runtime, onStep: (step) => steps.push({ step, atMs: Math.round(performance.now() - t0) }) });
  const upMs = performance.now() - t0;
  const t1 = performance.now();
  await lab.stop();
  return { upMs, downMs: performance.now() - t1, steps };
}

export interface ScriptTiming {
  upMs: number;
  downMs: number;
  /** Differences between what the script made and what the lab makes (empty: the same). */
  problems: string[];
  commands: number;
}

/**
 * The plain sequential script: bring-up timed, its result verified (not timed), teardown timed.
 * A subnet taken by another lab between our look and our create is retried with fresh ones
 * (the lab does the same), the failed attempt not counted.
 */
export async function scriptUpDown(ctx: BenchContext, plan: Plan, opts: { verify?: boolean } = {}): Promise<ScriptTiming> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scriptOnce(ctx, plan, opts);
    } catch (e) {
      if (attempt >= 3 || !/overlap|already in use|Pool/i.test((e as Error).message)) throw e;
      ctx.log(`  script: ${(e as Error).message.split('\n')[0]}; again with other subnets`);
    }
  }
}

async function scriptOnce(ctx: BenchContext, plan: Plan, opts: { verify?: boolean }): Promise<ScriptTiming> {
  const input: ScriptInput = {
    runId: `b${newRunId()}`,
    image: ctx.image,
    subnets: {},
    tmpfsBytes: tmpfsFor(plan),
    ownerPid: process.pid,
    netem: ctx.netem,
  };
  const subnets = await freeSubnets(ctx.docker, plan.paths.length);
  plan.paths.forEach((p, i) => (input.subnets[p.name] = p.subnet === 'auto' ? subnets[i]! : p.subnet));
  const cmds = scriptCommands(plan, input);
  const guard = await guardObjects(`bench script ${input.runId}`, cmds.containers, cmds.networks);
  try {
    const up = await timed(() => runSequentially(cmds.up));
    const problems = opts.verify === false ? [] : await verifyScriptLab(ctx.docker, plan, input, cmds);
    const down = await timed(() => runSequentially(cmds.down));
    await guard.disarm();
    return { upMs: up.ms, downMs: down.ms, problems, commands: cmds.up.length + cmds.down.length };
  } catch (e) {
    await guard.removeNow();
    throw e;
  }
}

/** `docker run -d` of the image once per host, then `docker rm -f` of each: plain containers, nothing else. */
export async function dockerRunUpDown(ctx: BenchContext, plan: Plan): Promise<{ upMs: number; downMs: number }> {
  const cmds = dockerRunCommands(plan, { runId: `b${newRunId()}`, image: ctx.image, ownerPid: process.pid });
  const guard = await guardObjects('bench docker run', cmds.containers, []);
  try {
    const up = await timed(() => runSequentially(cmds.up));
    const down = await timed(() => runSequentially(cmds.down));
    await guard.disarm();
    return { upMs: up.ms, downMs: down.ms };
  } catch (e) {
    await guard.removeNow();
    throw e;
  }
}
