/**
 * One traffic pass on a lab that is up (lab/run's runTrafficPass), with hooks at the moment
 * the traffic starts and ends (for CPU accounting), and its RunRecord for the checks.
 */
import { evaluateChecks } from '../checks';
import type { Plan } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { recordFromPass } from '../run/record';
import { runTrafficPass, type PassResult } from '../run/traffic-run';
import type { RunningLab } from '../runtime/types';

export interface PassHooks {
  /** Called synchronously as the traffic starts / when it has ended (before collection). */
  onTrafficStart?: () => void;
  onTrafficEnd?: () => void;
}

export interface BenchPass {
  pass: PassResult;
  record: RunRecord;
  checks: CheckResult[];
  wallMs: number;
}

/** Runs the plan's traffic once on `lab` (whose hosts and paths the plan must share) and evaluates the plan's checks. */
export async function benchPass(lab: RunningLab, plan: Plan, intervalMs: number, seed: string, hooks: PassHooks = {}): Promise<BenchPass> {
  const clock = () => performance.now();
  const startedAt = new Date();
  const t0 = clock();
  const pass = await runTrafficPass(lab, plan, {
    protocol: plan.traffic.protocol,
    intervalMs,
    seed,
    clock,
    timeline: plan.timeline,
    onStep: (step) => {
      if (step === 'traffic running') hooks.onTrafficStart?.();
      else if (step.startsWith('traffic ended')) hooks.onTrafficEnd?.();
    },
  });
  const wallMs = clock() - t0;
  const record = recordFromPass(lab, plan, pass, { startedAt, intervalMs, environment: { bench: true } });
  return { pass, record, checks: evaluateChecks(record), wallMs };
}

/** A value of a check's details (`failover time`), over all results of that kind. */
export function detailValues(checks: readonly CheckResult[], kind: CheckResult['kind'], detail: string): number[] {
  return checks.filter((c) => c.kind === kind).flatMap((c) => (c.details ?? []).filter((d) => d.name === detail).map((d) => d.value));
}

/** Why a pass is not a measurement of MPTCP traffic (failed, incomplete, no MP_CAPABLE handshake), or undefined. */
export function passProblem(p: BenchPass): string | undefined {
  const t = p.pass.traffic;
  if (t.error) return `${t.tool}: ${t.error}`;
  if (!t.completed) return `${t.tool}: did not complete`;
  if (t.protocol === 'mptcp' && (!p.pass.mptcp.clientCapable || !p.pass.mptcp.serverCapable)) return `${t.tool}: not MPTCP (${p.pass.mptcp.reason})`;
  return undefined;
}

/**
 * A warning that does not void the figure: the lab's verdict saw a fallback counter move
 * (an MP_FASTCLOSE at the end of an iperf3 run counts as one) though the handshake was MPTCP.
 */
export function passWarning(p: BenchPass): string | undefined {
  return p.pass.mptcp.fellBack && !passProblem(p) ? `${p.pass.traffic.tool}: ${p.pass.mptcp.reason}` : undefined;
}
