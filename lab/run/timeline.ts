/**
 * Fires a plan's timeline against an injected clock and sleep, so it is unit-tested
 * without Docker and runs unchanged for real. Each event records when it took effect
 * (when its command returned), on the same clock as the samples.
 */
import type { PlanEvent } from '../model/plan';
import type { RecordedEvent } from '../model/record';
import { describeFault } from '../tc/faults';

export interface TimelineDeps {
  /** Lab clock, ms. */
  clock: () => number;
  /** Resolves after `ms` (or earlier when aborted). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Applies one event (cut, restore, impair). It may hand back a verification that runs on
   * while the timeline goes on: its outcome is attached to the recorded event before the
   * timeline resolves.
   */
  fire: (event: PlanEvent) => Promise<void | { verified?: Promise<NonNullable<RecordedEvent['verified']>> }>;
}

/** Runs events in time order from t0 until done or aborted (the traffic ended). */
export async function runTimeline(events: readonly PlanEvent[], t0: number, deps: TimelineDeps, signal: AbortSignal): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  const verifications: Array<Promise<void>> = [];
  for (const event of [...events].sort((a, b) => a.atMs - b.atMs)) {
    const wait = t0 + event.atMs - deps.clock();
    if (wait > 0) await deps.sleep(wait, signal);
    if (signal.aborted) break;
    const fired = await deps.fire(event);
    const rec: RecordedEvent = {
      kind: event.kind,
      path: event.path,
      ...(event.kind === 'cut' ? { mode: event.mode } : event.kind === 'fault' ? { mode: event.fault.mode } : {}),
      plannedMs: event.atMs,
      actualMs: Math.round((deps.clock() - t0) * 10) / 10,
      ...(event.kind === 'impair' ? { detail: JSON.stringify(event.set) + (event.from ? ` from ${event.from}` : '') } : {}),
      ...(event.kind === 'fault' ? { detail: describeFault(event.fault) } : {}),
    };
    recorded.push(rec);
    if (fired?.verified) {
      verifications.push(
        fired.verified.then(
          (v) => void (rec.verified = v),
          (e: Error) => void (rec.verified = { ok: false, evidence: `could not be verified: ${e.message}` }),
        ),
      );
    }
  }
  await Promise.all(verifications);
  return recorded;
}

/** A real sleep that an AbortSignal cuts short. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
