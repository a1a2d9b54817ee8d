/**
 * Progress of an image build as a reader sees it: the build's own milestone lines (phases,
 * `Step 2/6 : RUN ...`), and between them a heartbeat, so a first run that spends half a
 * minute inside mmdebstrap, debootstrap or apt-get never goes quiet for more than a few seconds.
 */

/** A progress line, with a 0..1 fraction when one is known. */
export type Progress = (msg: string, fraction?: number) => void;

/** Time and a repeating timer; injected by tests, `performance.now()` and an unref'd setInterval otherwise. */
export interface ProgressClock {
  now(): number;
  every(ms: number, fn: () => void): () => void;
}

export const realClock: ProgressClock = {
  now: () => performance.now(),
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

/** Every heartbeat and phase line starts with this, so milestone filters keep them. */
export const IMAGE_PREFIX = 'lab image: ';

const MILESTONE = /^(lab image: |Step \d+\/\d+ :|pulling |cannot pull |(mmdebstrap|debootstrap) done|debootstrap: I: (Resolving|Checking component|Installing core|Unpacking required|Configuring required|Unpacking the base|Configuring the base|Base system)|mmdebstrap: I: (running apt-get update|downloading packages|extracting archives|installing essential|installing remaining|success)|waiting for |built )/;

/** True for the progress lines worth a log line of their own (build steps, phases, heartbeats), false for apt's chatter. */
export function isProgressMilestone(msg: string): boolean {
  return MILESTONE.test(msg);
}

export interface HeartbeatOptions {
  /** A heartbeat follows this long without a milestone line (default 4 s). */
  quietMs?: number;
  /** How often the quiet spell is checked (default 0.5 s): the longest gap is quietMs + tickMs. */
  tickMs?: number;
  clock?: ProgressClock;
}

export interface Heartbeat {
  /** Forward a build line (milestone or not) to the wrapped sink. */
  say: Progress;
  stop(): void;
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Wraps `sink`: every line passes through unchanged; when no milestone has gone out for
 * `quietMs`, a line `lab image: 23 s, at "Step 2/6 : RUN apt-get update…" (last: Unpacking nodejs …)`
 * does, counting from when the heartbeat started.
 */
export function startHeartbeat(sink: Progress, opts: HeartbeatOptions = {}): Heartbeat {
  const clock = opts.clock ?? realClock;
  const quietMs = opts.quietMs ?? 4_000;
  const t0 = clock.now();
  let lastShown = t0;
  let phase = 'starting';
  let detail = '';
  let fraction: number | undefined;
  const say: Progress = (msg, f) => {
    if (f !== undefined) fraction = f;
    if (isProgressMilestone(msg)) {
      lastShown = clock.now();
      if (!msg.startsWith(IMAGE_PREFIX)) phase = msg;
      detail = '';
    } else {
      detail = msg;
    }
    sink(msg, f);
  };
  const cancel = clock.every(opts.tickMs ?? 500, () => {
    const now = clock.now();
    if (now - lastShown < quietMs) return;
    lastShown = now;
    const last = detail ? ` (last: ${clip(detail.trim(), 70)})` : '';
    sink(`${IMAGE_PREFIX}${Math.round((now - t0) / 1000)} s, at "${clip(phase, 60)}"${last}`, fraction);
  });
  return { say, stop: cancel };
}
