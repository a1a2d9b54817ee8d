/**
 * A periodic sampler on a drift-free schedule: tick k is due at start + k × interval on the
 * injected clock. A sample that overruns skips the ticks it missed (no bunching, so the
 * spacing stays honest), never two samples are in flight, and each sample is stamped right
 * after it resolves (when its values were read, not when it was scheduled).
 */

export interface Sample<T> {
  tMs: number;
  value: T;
}

export interface SamplerOptions<T> {
  intervalMs: number;
  /** The lab clock, in ms. */
  clock: () => number;
  sample: () => Promise<T>;
  /** Called for a sample that throws; that tick is skipped and sampling goes on. */
  onError?: (err: unknown) => void;
  /** Take one more sample when stopped, so the series reaches the stop time (default true). */
  finalSample?: boolean;
}

export interface Sampler<T> {
  /** Stops the schedule, waits for a sample in flight, takes the final one, returns all. */
  stop(): Promise<Array<Sample<T>>>;
  /** Ticks skipped because a sample overran its interval (or the event loop was late), and samples that threw. */
  readonly skippedTicks: number;
  readonly failedSamples: number;
}

/** Starts sampling now (tick 0 at once). */
export function startSampler<T>(opts: SamplerOptions<T>): Sampler<T> {
  const { intervalMs, clock } = opts;
  if (!(intervalMs > 0)) throw new Error(`sampler interval must be > 0 ms, got ${intervalMs}`);
  const samples: Array<Sample<T>> = [];
  const start = clock();
  let tick = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let skippedTicks = 0;
  let failedSamples = 0;

  const takeOne = async () => {
    try {
      const value = await opts.sample();
      samples.push({ tMs: clock(), value });
    } catch (e) {
      failedSamples++;
      opts.onError?.(e);
    }
  };

  const run = () => {
    timer = undefined;
    if (stopped) return;
    inFlight = takeOne().then(() => {
      if (stopped) return;
      const elapsed = clock() - start;
      // The next tick still ahead of us: skip every tick the sample overran.
      const next = Math.max(tick + 1, Math.floor(elapsed / intervalMs) + 1);
      skippedTicks += next - tick - 1;
      tick = next;
      timer = setTimeout(run, Math.max(0, start + tick * intervalMs - clock()));
    });
  };
  run();

  return {
    get skippedTicks() {
      return skippedTicks;
    },
    get failedSamples() {
      return failedSamples;
    },
    async stop() {
      if (stopped) return samples;
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await inFlight;
      if (opts.finalSample !== false) await takeOne();
      return samples;
    },
  };
}
