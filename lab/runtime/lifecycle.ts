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

  /** Runs every undo (in groups: containers, then networks), collecting failures instead of stopping at the first. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const failures: string[] = [];
      // Undo in reverse order, but steps of the same kind (all containers, all networks) in parallel.
      const groups: Array<typeof this.steps> = [];
      for (const step of [...this.steps].reverse()) {
        const kind = step.what.split(' ')[0];
        const last = groups[groups.length - 1];
        if (last && last[0]?.what.split(' ')[0] === kind) last.push(step);
        else groups.push([step]);
      }
      for (const group of groups) {
        await Promise.all(
          group.map((s) => s.undo().catch((e: unknown) => void failures.push(`${s.what}: ${(e as Error).message}`))),
        );
      }
      active.delete(this);
      return failures;
    })();
    return this.running;
  }
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
      process.exit(code);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
