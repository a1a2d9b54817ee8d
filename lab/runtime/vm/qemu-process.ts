/**
 * One QEMU process: started in its own process group (and, with setpriv, killed if this
 * process dies), waited for until it exits or a timeout passes, then its whole group killed
 * whatever happened. Reports when the guest's `started` file appeared (the boot time).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LabError } from '../../model/errors';
import { findOnPath } from './host-tools';

/** How a QEMU run ended. */
export interface QemuExit {
  /** QEMU's exit status (0 after the guest's poweroff), or null when killed. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** ms from spawn until `startedFile` existed, if it did. */
  startedMs?: number;
  wallMs: number;
  /** QEMU's own stderr (its last 8 KiB at most): why it aborted, if it did. */
  stderr: string;
}

/** Options of runQemu. */
export interface RunQemuOptions {
  timeoutMs: number;
  /** Polled every 25 ms; its appearance is the boot time. */
  startedFile?: string;
  /** Aborts the run early (the group is killed as on a timeout, but timedOut stays false). */
  signal?: AbortSignal;
}

/** Kills a process group, ignoring one already gone. */
export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** The argv that starts QEMU: behind setpriv's parent-death signal when setpriv exists. */
export function qemuCommand(qemu: string, args: readonly string[], setpriv = findOnPath('setpriv')): string[] {
  return setpriv ? [setpriv, '--pdeathsig', 'KILL', qemu, ...args] : [qemu, ...args];
}

/** Runs QEMU to its end (or the timeout); never leaves its process group behind. */
export async function runQemu(qemu: string, args: readonly string[], opts: RunQemuOptions): Promise<QemuExit> {
  const argv = qemuCommand(qemu, args);
  const t0 = Date.now();
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8192);
  });
  let timedOut = false;
  let startedMs: number | undefined;
  const poll = opts.startedFile
    ? setInterval(() => {
        if (startedMs === undefined && existsSync(opts.startedFile!)) startedMs = Date.now() - t0;
      }, 25)
    : undefined;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => killGroup(child.pid);
  try {
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', (e) => reject(new LabError(`could not start ${argv[0]}: ${e.message}`, { cause: e })));
      child.on('exit', (code, signal) => resolve({ code, signal }));
      timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, opts.timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    if (startedMs === undefined && opts.startedFile && existsSync(opts.startedFile)) startedMs = Date.now() - t0;
    if (exit.code !== 0 && exit.code !== null && stderr.trim() && !timedOut) {
      // QEMU itself refused (a bad option, a missing file): its own words are the diagnosis.
      throw new LabError(`qemu exited ${exit.code}: ${stderr.trim().split('\n').slice(-3).join('; ')}`);
    }
    return { ...exit, timedOut, startedMs, wallMs: Date.now() - t0, stderr: stderr.trim() };
  } finally {
    if (timer) clearTimeout(timer);
    if (poll) clearInterval(poll);
    opts.signal?.removeEventListener('abort', onAbort);
    killGroup(child.pid);
  }
}
