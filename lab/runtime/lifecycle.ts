/**
 * Guaranteed cleanup: every object a lab creates is recorded in a Teardown the moment it
 * exists; every live Teardown is registered here, so SIGINT/SIGTERM (or an exception) can
 * remove everything. A second Ctrl-C forces the exit; `npm run lab -- clean` then removes
 * the leftovers by label.
 */

/** Records what a lab created and removes it, newest first, exactly once. */
export class Teardown {
  private readonly steps: Array<{ what: string; undo: () => Promise<void> }> = [];
  private running: Promise<string[]> | undefined;

  constructor(readonly label: string) {
    active.add(this);
  }

  /** Records how to undo something just created; if teardown already began, undoes it now. */
  async add(what: string, undo: () => Promise<void>): Promise<void> {
    if (this.running) {
      await undo().catch(() => undefined);
      throw new Error(`${this.label}: stopped while creating ${what}`);
    }
    this.steps.push({ what, undo });
  }

  /**
   * Runs every undo (in groups: containers, then networks), collecting failures instead of
   * stopping at the first. Undos that failed because the engine was unreachable (its socket
   * gone or refused: a restarting dockerd) are tried again every 500 ms for up to
   * `retryForMs`; an object already gone (404) counts as removed.
   */
  run(opts: { retryForMs?: number } = {}): Promise<string[]> {
    this.running ??= (async () => {
      const deadline = Date.now() + (opts.retryForMs ?? TEARDOWN_RETRY_MS);
      let pending = [...this.steps].reverse();
      let failures: Array<{ step: (typeof pending)[number]; error: unknown }> = [];
      for (;;) {
        failures = await runGrouped(pending);
        const retry = failures.filter((f) => isEngineUnreachable(f.error));
        if (retry.length === 0 || Date.now() + 500 > deadline) break;
        await new Promise((r) => setTimeout(r, 500));
        // Everything that failed is tried again, in the same order (a network needs its containers gone first).
        pending = failures.map((f) => f.step);
      }
      active.delete(this);
      return failures.map((f) => `${f.step.what}: ${(f.error as Error).message}`);
    })();
    return this.running;
  }
}

/** How long a teardown keeps trying while the engine does not answer (default of Teardown.run). */
export const TEARDOWN_RETRY_MS = 20_000;

type Step = { what: string; undo: () => Promise<void> };

/** Undoes steps in the given order, steps of the same kind (all containers, all networks) in parallel. */
async function runGrouped(steps: Step[]): Promise<Array<{ step: Step; error: unknown }>> {
  const failures: Array<{ step: Step; error: unknown }> = [];
  const groups: Step[][] = [];
  for (const step of steps) {
    const kind = step.what.split(' ')[0];
    const last = groups[groups.length - 1];
    if (last && last[0]?.what.split(' ')[0] === kind) last.push(step);
    else groups.push([step]);
  }
  for (const group of groups) {
    await Promise.all(
      group.map((s) =>
        s.undo().catch((e: unknown) => {
          if ((e as { statusCode?: number }).statusCode !== 404) failures.push({ step: s, error: e });
        }),
      ),
    );
  }
  return failures;
}

/** Errors that mean the engine itself is unreachable (not a failed request): its socket is gone, refused or cut. */
export function isEngineUnreachable(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return ['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(e?.code ?? '') || /socket hang up|connect (ENOENT|ECONNREFUSED)/.test(e?.message ?? '');
}

const active = new Set<Teardown>();

/** Tears down every live lab of this process (on a signal or at exit). */
export async function teardownAll(): Promise<string[]> {
  const results = await Promise.all([...active].map((t) => t.run()));
  return results.flat();
}

let installed = false;

/** Installs SIGINT/SIGTERM handlers (CLI only): first signal cleans up then exits, second forces. */
export function installSignalHandlers(log: (msg: string) => void = (m) => process.stderr.write(m + '\n')): void {
  if (installed) return;
  installed = true;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (signalled) {
      log(`\n${signal} again: exiting now. Leftovers, if any: npm run lab -- clean`);
      process.exit(code);
    }
    signalled = true;
    log(`\n${signal}: removing the lab's containers and networks (press Ctrl-C again to force)...`);
    void teardownAll().then((failures) => {
      for (const f of failures) log(`cleanup: ${f}`);
      if (failures.length > 0) log('remove what is left: npm run lab -- clean');
      process.exit(code);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
