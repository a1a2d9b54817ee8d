/**
 * The main job as a library call: bring a lab up, run its traffic and timeline, record,
 * check, report, tear down (always, unless kept). Returns the record, the check results
 * and the exit code the CLI should use.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Plan } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { writeReports } from '../report';
import type { RunningLab } from '../runtime/types';
import { requireRunPrivileges } from '../runtime/probe';
import { connectDocker, watchEngine, type EngineWatch } from '../runtime/docker-client';
import { TEARDOWN_RETRY_MS } from '../runtime/lifecycle';
import { LABELS } from '../runtime/types';
import { LabError, TopologyError, UsageError } from '../model/errors';
import { startLab } from '../run/start-lab';
import type { PassOptions } from '../run/traffic-run';
import { measureLab } from './measure';

export interface RunOptions {
  /** Report folder; default reports/<topology>/<timestamp>/. */
  outDir?: string;
  /** Leave the lab up (the caller gets it back and must stop it). */
  keep?: boolean;
  /** Sampling interval, ms (default 100). */
  intervalMs?: number;
  /** Also run the same traffic over plain TCP and state MPTCP's gain. */
  baseline?: 'tcp';
  /** Capture the traffic's packets (pcap per path, headers only, size-bounded ring) into the report folder. */
  capture?: boolean;
  /**
   * Where the hosts run: Docker containers (default), network namespaces on this machine, or
   * network namespaces inside a QEMU guest booted with a chosen kernel (lab/runtime/vm/vm-lab.ts).
   */
  runtime?: 'docker' | 'netns' | 'vm';
  /** With runtime vm: the guest kernel (`debian` or a bzImage path) and its modules. */
  vm?: { kernel?: string; modulesDir?: string; onGuestLine?: (line: string) => void };
  onStep?: (step: string) => void;
  onProgress?: PassOptions['onProgress'];
}

export interface RunOutcome {
  record: RunRecord;
  checks: CheckResult[];
  /** 0 every check passed, 1 a check failed or could not be measured. */
  exitCode: 0 | 1;
  outDir: string;
  /** The report files written. */
  files: string[];
  /** Only with keep. */
  lab?: RunningLab;
}

/** `2026-11-27T08-16-07`: a folder name that sorts by time. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
}

/**
 * Runs a whole lab from a Plan and writes its reports. Refuses up front what it can know up
 * front (root and the Docker socket: exit 3; an output folder it cannot create or write:
 * exit 2). On a failure the lab is always removed (even with keep), the error names the
 * first cause (a Docker engine that went away), and what could not be removed is named with
 * the command that removes it.
 */
export async function runLab(plan: Plan, opts: RunOptions = {}): Promise<RunOutcome> {
  const started = new Date();
  const began = performance.now();
  const intervalMs = opts.intervalMs ?? 100;
  const outDir = resolve(opts.outDir ?? join('reports', plan.name, timestamp(started)));
  await requireRunPrivileges();
  await prepareOutDir(outDir, opts.outDir !== undefined ? '--out' : 'the report folder');
  if (opts.runtime === 'vm') return runInVm(plan, outDir, opts);
  const lab = await startLab(plan, { onStep: opts.onStep, ...(opts.runtime === 'netns' ? { runtime: 'netns' as const } : {}) });
  // A Docker lab's first cause may be its engine going away; a netns lab has no engine to watch.
  const engine = lab.runtime === 'netns' ? noEngineWatch() : watchEngine(await connectDocker(), { runLabel: `${LABELS.runId}=${lab.runId}` });
  let outcome: RunOutcome | undefined;
  let failure: unknown;
  try {
    outcome = await measure();
  } catch (e) {
    failure = e;
  }
  // A container that died may have been killed by a stopping engine: give the engine 2 s to be seen gone.
  const lost = failure !== undefined ? await engine.checkNow(engine.died.length > 0 ? 2_000 : 0) : engine.lost;
  // A container that died before the failure (docker kill, OOM) is its first cause; a lost engine explains even that.
  // Read before the teardown, whose removals are deaths too.
  const died = failure !== undefined && !lost ? engine.died[0] : undefined;
  engine.stop();
  const secs = (ms: number) => `${((ms - began) / 1000).toFixed(1)} s`;
  let cleanup: string | undefined;
  if (!opts.keep || failure !== undefined) {
    opts.onStep?.(lost ? `removing the lab (the Docker engine stopped answering at t=${secs(lost.atMs)}: retrying for up to ${TEARDOWN_RETRY_MS / 1000} s)` : 'removing the lab');
    try {
      await lab.stop();
    } catch (e) {
      cleanup = `could not remove everything of lab ${lab.runId}: ${(e as Error).message.replace(/^removing lab \S+ left problems:\s*/, '')}\n  remove what is left: npm run lab -- clean --run ${lab.runId}`;
    }
  }
  if (failure !== undefined || lost || cleanup) {
    const lines: string[] = [];
    if (lost) lines.push(`the Docker engine went away at t=${secs(lost.atMs)}: ${lost.reason}`);
    else if (died) lines.push(`container ${died.name} died at t=${secs(died.atMs)}${died.exitCode !== undefined ? ` (exit ${died.exitCode}${died.exitCode === '137' ? ': killed' : ''})` : ''}`);
    if (failure !== undefined) lines.push(`${lost || died ? 'then: ' : ''}${(failure as Error).message ?? String(failure)}`);
    if (cleanup) lines.push(cleanup);
    // An error that is not a lab failure (a bug, an environment problem) keeps its own type unless something worse happened.
    if (!lost && !died && !cleanup) throw failure;
    throw new LabError(lines.join('\n'), { cause: failure });
  }
  return outcome!;

  async function measure(): Promise<RunOutcome> {
    const { record, checks } = await measureLab(lab, { intervalMs, baseline: opts.baseline, onStep: opts.onStep, onProgress: opts.onProgress, ...(opts.capture ? { captureDir: outDir } : {}) });
    opts.onStep?.('checks and reports');
    await mkdir(outDir, { recursive: true });
    const files = await writeReports(outDir, record, checks);
    const exitCode = checks.every((c) => c.status === 'pass' || c.status === 'skipped') ? 0 : 1;
    return { record, checks, exitCode, outDir, files, ...(opts.keep ? { lab } : {}) };
  }
}

/**
 * Makes sure `dir` can be created and written before anything starts: creates it (one level
 * at a time: Node's recursive mkdir spins forever where a filesystem refuses a folder whose
 * parent exists, as /proc does), writes and removes a probe file. Bad input otherwise (exit 2),
 * naming the folder and the reason.
 */
export async function prepareOutDir(dir: string, flag = '--out'): Promise<void> {
  const fail = (reason: string): never => {
    throw new OutDirError(flag, dir, reason);
  };
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    // Not `instanceof Error`: under Jest, fs errors come from another realm.
    const { st, err } = await stat(at).then((st) => ({ st, err: undefined }), (err: NodeJS.ErrnoException) => ({ st: undefined, err }));
    if (st) {
      if (!st.isDirectory()) fail(at === resolve(dir) ? 'it exists and is not a folder' : `${at} exists and is not a folder`);
      break;
    }
    // ENOTDIR: a component further up is a file; walking up finds it and says so.
    if (err?.code !== 'ENOENT' && err?.code !== 'ENOTDIR') fail(`cannot look at ${at}: ${err?.message}`);
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    await mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST') return;
      const why = e.code === 'ENOENT' ? `the filesystem of ${dirname(d)} does not allow creating folders (ENOENT)` : e.message;
      fail(`cannot create ${d}: ${why}`);
    });
  }
  const probe = join(dir, `.mptcp-lab-write-test-${process.pid}`);
  await writeFile(probe, 'probe\n').catch((e: NodeJS.ErrnoException) => fail(`cannot write in it: ${e.message}`));
  await rm(probe, { force: true }).catch((e: NodeJS.ErrnoException) => fail(`cannot remove a file in it: ${e.message}`));
}

/** An output folder that cannot be created or written: bad input (exit 2), one line naming it and why. */
export class OutDirError extends TopologyError {
  constructor(flag: string, dir: string, reason: string) {
    super([{ file: flag, path: '', message: `${dir}: ${reason}` }]);
    this.message = `${flag} ${dir}: ${reason}`;
    this.name = 'OutDirError';
  }
}

/** The engine watch of a lab with no engine: nothing is ever lost or dies. */
function noEngineWatch(): EngineWatch {
  return { lost: undefined, died: [], checkNow: async () => undefined, stop: () => undefined };
}

/** runtime vm: the same run inside a guest; its record and checks come back in its result.json. */
async function runInVm(plan: Plan, outDir: string, opts: RunOptions): Promise<RunOutcome> {
  if (opts.keep) throw new UsageError('--keep: a VM lab ends with its guest (the guest powers off); run it with --runtime netns to keep it');
  const { runLabInVm } = await import('../runtime/vm/vm-lab');
  const o = await runLabInVm(plan, { outDir, kernel: opts.vm?.kernel, modulesDir: opts.vm?.modulesDir, intervalMs: opts.intervalMs, baseline: opts.baseline, onStep: opts.onStep, onGuestLine: opts.vm?.onGuestLine });
  return { record: o.record, checks: o.checks, exitCode: o.exitCode === 0 ? 0 : 1, outDir: o.outDir, files: o.files };
}
