/**
 * The run command's one transfer bar, and the step lines around it.
 *
 * Why this is more than `bar.start` on the first sample: the sampler keeps running after the
 * driver says the traffic ended, so the step line `traffic ended ...` usually arrives before
 * the sample that shows the last bytes. Stopping the bar on that step and starting a new one
 * on the next sample printed a second bar from 0% (`0% | 2.50 GB`, then `100%`). Here a
 * bar is started once, at the value it has reached, never restarted, and a step that comes
 * while a sized transfer is short of 100% is held back briefly (`graceMs`) so the bar can end
 * on its final count before the step's line is printed.
 */

/** What this needs of cli-progress's SingleBar. */
export interface BarLike {
  start(total: number, value: number, payload: Record<string, string>): void;
  update(value: number, payload: Record<string, string>): void;
  stop(): void;
}

export interface TransferProgress {
  tMs: number;
  bytes: number;
  bps: number;
}

export interface TransferBarOptions {
  bar: BarLike;
  /** Writes a finished line (a step) to the console. */
  write: (line: string) => void;
  /** Planned bytes (0: a timed transfer; the bar then counts `durationMs`). */
  totalBytes: number;
  durationMs?: number;
  format: (p: TransferProgress) => Record<string, string>;
  /** How long a step waits for the bar to reach 100% (default 500 ms). */
  graceMs?: number;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (t: unknown) => void };
}

export class TransferBar {
  private state: 'idle' | 'running' | 'done' = 'idle';
  private held: string[] = [];
  private timer: unknown;
  private readonly total: number;
  private readonly timers: NonNullable<TransferBarOptions['timers']>;

  constructor(private readonly opts: TransferBarOptions) {
    this.total = opts.totalBytes || opts.durationMs || 1;
    this.timers = opts.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t as NodeJS.Timeout) };
  }

  /** A sample from the running transfer. Ignored before any byte has arrived and after the bar ended. */
  progress(p: TransferProgress): void {
    if (this.state === 'done') return;
    const value = Math.min(this.opts.totalBytes ? p.bytes : p.tMs, this.total);
    const payload = this.opts.format(p);
    if (this.state === 'idle') {
      // Samples taken while the traffic is being prepared carry nothing yet.
      if (p.bytes <= 0) return;
      this.opts.bar.start(this.total, value, payload);
      this.state = 'running';
    } else {
      this.opts.bar.update(value, payload);
    }
    if (this.opts.totalBytes && value >= this.total) this.finish();
  }

  /** A step line; printed at once, or after the bar ends when a sized transfer is still short of its total. */
  step(line: string): void {
    if (this.state !== 'running') {
      this.opts.write(line);
      return;
    }
    if (!this.opts.totalBytes) {
      this.finish();
      this.opts.write(line);
      return;
    }
    this.held.push(line);
    this.timer ??= this.timers.set(() => this.finish(), this.opts.graceMs ?? 500);
  }

  /** Ends the bar (if one is showing) and prints any step held back for it. */
  finish(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (this.state === 'running') this.opts.bar.stop();
    if (this.state !== 'idle' || this.held.length) this.state = 'done';
    for (const line of this.held.splice(0)) this.opts.write(line);
  }
}
