/**
 * A started lab as the public API hands it out: the runtime's RunningLab (hosts, exec, cut,
 * restore, impair, stop) plus `measure()`, which runs the traffic and returns `{ record, checks }`.
 * `await using lab = await startLab(plan)` removes everything it made when the block ends.
 */
import type { Plan } from '../model/plan';
import { startLab as startRunningLab, type StartOptions } from '../run/start-lab';
import type { RunningLab } from '../runtime/types';
import { measureLab, type Measurement, type MeasureOptions } from './measure';

export type { StartOptions };

/** A lab that is up and can be measured. */
export interface StartedLab extends RunningLab {
  /** Runs the plan's traffic and timeline (or those given), records them and evaluates the plan's checks. */
  measure(opts?: MeasureOptions): Promise<Measurement>;
}

/** Brings a lab up from a topology name, a file or a Plan (probe, image, runtime), ready to measure. */
export async function startLab(topology: string | Plan, opts: StartOptions = {}): Promise<StartedLab> {
  const lab = await startRunningLab(topology, opts);
  return Object.assign(lab, { measure: (m?: MeasureOptions) => measureLab(lab, m) });
}
