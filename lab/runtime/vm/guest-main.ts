/**
 * The lab process inside a VM guest: `node --import tsx guest-main.ts REQUEST.json`. It reads
 * the Plan the host resolved (any override or sweep variant already applied), runs it with
 * runLab on the netns runtime, as `--runtime netns` would on the host, then adds the guest's
 * facts (runtime vm, kernel, accelerator: guest-env.ts) and its own `ss -tinM` snapshots of the
 * lab's namespaces (sampleSockets) to the record and writes the reports
 * again with them, so result.json, junit.xml and report.html all say where they ran. It leaves
 * `outcome.json` (exit code, or the error's type and words, for the host to raise the same
 * error) and `kernel.log` (the guest's dmesg) beside the reports. Progress goes to stderr,
 * which the host follows live.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, exitCodeFor, LabError, TopologyError, UsageError } from '../../model/errors';
import type { Plan } from '../../model/plan';
import { writeReports } from '../../report';
import { guestEnvironment } from './guest-env';

/** What the host asks the guest to run. */
export interface GuestLabRequest {
  plan: Plan;
  /** Where the reports go (the guest's $MLAB_OUT). */
  outDir: string;
  intervalMs?: number;
  baseline?: 'tcp';
}

/** What the guest's lab ended with (outcome.json). */
export interface GuestLabOutcome {
  exitCode: number;
  /** Set when the run threw: the error's class, message and, for an EnvironmentError, its parts. */
  error?: { type: string; message: string; missing?: string; hint?: string; detail?: string };
  files?: string[];
  wallMs: number;
}

/** A socket snapshot the guest took itself (RunRecord.snapshots' shape). */
type Snapshot = { tMs: number; host: string; label: string; text: string };

/**
 * `ss -tinM` in each of the lab's namespaces every `everyMs` while it runs, kept when it shows
 * an established socket: the record's own snapshot is taken 1.3 s into the pass, before a
 * sender slowed down by emulation may have connected. Times are from the lab process's start.
 */
export function sampleSockets(t0: number, everyMs = 2000, max = 12): { stop: () => Snapshot[] } {
  const out: Snapshot[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const once = async () => {
    const names = (() => {
      try {
        return readdirSync('/run/netns').filter((n) => /^mlab-[0-9a-f]{6}-[a-z]/.test(n));
      } catch {
        return [];
      }
    })();
    for (const ns of names) {
      if (stopped || out.length >= max) break;
      const text = await new Promise<string>((res) => execFile('ip', ['netns', 'exec', ns, 'ss', '-tinM'], { timeout: 5000 }, (_e, stdout) => res(String(stdout ?? ''))));
      if (/\bESTAB\b/.test(text) && / rtt:/.test(text)) out.push({ tMs: Date.now() - t0, host: ns.split('-').slice(2).join('-'), label: 'vm guest: ss -tinM every 2 s (t from the lab process start)', text });
    }
    if (!stopped) timer = setTimeout(() => void once(), everyMs);
  };
  timer = setTimeout(() => void once(), everyMs);
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      return out;
    },
  };
}

function errorOf(e: unknown): GuestLabOutcome['error'] {
  const err = e as Error;
  const type = e instanceof EnvironmentError ? 'EnvironmentError' : e instanceof TopologyError ? 'TopologyError' : e instanceof UsageError ? 'UsageError' : e instanceof LabError ? 'LabError' : (err?.name ?? 'Error');
  return { type, message: err?.message ?? String(e), ...(e instanceof EnvironmentError ? { missing: e.missing, hint: e.hint, detail: e.detail } : {}) };
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const request = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as GuestLabRequest;
  const outcomeFile = join(request.outDir, 'outcome.json');
  const log = (m: string) => process.stderr.write(`${m}\n`);
  let outcome: GuestLabOutcome;
  try {
    const { runLab } = await import('../../api/run-lab');
    const { installSignalHandlers } = await import('../lifecycle');
    installSignalHandlers();
    log(`• guest: kernel ${guestEnvironment().vmKernel ?? '?'}, lab process up in ${Date.now() - t0} ms`);
    const sockets = sampleSockets(t0);
    const out = await runLab(request.plan, { runtime: 'netns', outDir: request.outDir, intervalMs: request.intervalMs, baseline: request.baseline, onStep: (s) => log(`• ${s}`) }).finally(() => sockets.stop());
    out.record.environment = { ...out.record.environment, ...guestEnvironment() };
    out.record.snapshots = [...out.record.snapshots, ...sockets.stop()];
    const files = await writeReports(out.outDir, out.record, out.checks);
    outcome = { exitCode: out.exitCode, files, wallMs: Date.now() - t0 };
  } catch (e) {
    log(`guest lab failed: ${(e as Error)?.message ?? String(e)}`);
    outcome = { exitCode: exitCodeFor(e), error: errorOf(e), wallMs: Date.now() - t0 };
  }
  const dmesg = spawnSync('dmesg', [], { encoding: 'utf8', timeout: 10_000 });
  writeFileSync(join(request.outDir, 'kernel.log'), dmesg.stdout || dmesg.stderr || '');
  writeFileSync(outcomeFile, JSON.stringify(outcome, null, 2) + '\n');
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`guest-main: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(4);
  },
);
