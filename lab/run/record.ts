/** Assembles a RunRecord from one traffic pass: the one place run-lab, the bench and the suites share. */
import type { Plan } from '../model/plan';
import type { RunRecord } from '../model/record';
import type { RunningLab } from '../runtime/types';
import type { PassResult } from './traffic-run';

export interface RecordContext {
  startedAt: Date;
  intervalMs: number;
  environment: RunRecord['environment'];
  baseline?: RunRecord['baseline'];
}

/** The shaping mechanism of every path direction, as the record's environment states it. */
export function shapingSummary(lab: Pick<RunningLab, 'shaping'>): string {
  return lab.shaping.map((s) => `${s.path}/${s.host}:${s.mechanism}`).join(' ');
}

/** A RunRecord: the plan and context around what the pass measured. */
export function recordFromPass(lab: Pick<RunningLab, 'runId'>, plan: Plan, pass: PassResult, ctx: RecordContext): RunRecord {
  return {
    runId: lab.runId,
    topology: plan.name,
    startedAt: ctx.startedAt.toISOString(),
    plan,
    environment: ctx.environment,
    intervalMs: ctx.intervalMs,
    ...pass,
    ...(ctx.baseline ? { baseline: ctx.baseline } : {}),
    notes: [...plan.notes, ...pass.notes],
  };
}
