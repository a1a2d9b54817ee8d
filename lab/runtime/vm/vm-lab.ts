/**
 * The VM runtime end to end: a Plan run by the netns runtime inside a QEMU guest booted with
 * a chosen kernel (so netem exists whatever the host's kernel lacks), its reports brought
 * back into the host's report folder. Before anything boots for the lab: the guest is
 * prepared (kernel, initramfs, accelerator: KVM when a probe guest boots, else TCG), its
 * unshaped capacity (probed once, cached) is compared with what the plan asks for (more than
 * 80% of it: exit 3 with both numbers), and the lab image's root filesystem is exported on
 * the host (the guest has no Docker). The guest runs guest-main.ts on the Plan as JSON,
 * sees the host's root read-only under a RAM overlay and has no network device; its progress
 * (stderr) is followed live. The host's report folder ends up with the guest's result.json,
 * junit.xml, report.html, its kernel.log, and the VM's own console.log, stdout.txt,
 * stderr.txt and vm.json. The exit code is the guest lab's; an error in the guest is raised
 * again on the host with its type (exit 2, 3 or 4) and words.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvironmentError, LabError, UsageError } from '../../model/errors';
import type { Plan } from '../../model/plan';
import type { CheckResult, RunRecord } from '../../model/record';
import { Teardown } from '../lifecycle';
import { ensureRootfs } from '../netns/rootfs';
import { checkCapacity, probeCapacity, type GuestCapacity } from './capacity';
import { GUEST_OUT } from './guest-init';
import { VM_ENV } from './guest-env';
import type { GuestLabOutcome, GuestLabRequest } from './guest-main';
import { guestEntryArgv } from './guest-bundle';
import { prepareGuest, runInGuest, type GuestResult, type PreparedGuest } from './run-in-guest';

/** The repository root (the guest sees the host's, read-only). */
export const REPO_ROOT = resolve(__dirname, '../../..');
/** The guest's lab entry. */
export const GUEST_MAIN = join(REPO_ROOT, 'lab/runtime/vm/guest-main.ts');
/** Where the request lies in the guest (written into the run's folder on the host). */
const REQUEST_NAME = 'vm-request.json';

/** Options of a VM lab run. */
export interface VmLabOptions {
  /** The host's report folder (created and checked by the caller, e.g. runLab). */
  outDir: string;
  /** `debian` (default) or a bzImage path. */
  kernel?: string;
  /** With a bzImage: its modules. */
  modulesDir?: string;
  intervalMs?: number;
  baseline?: 'tcp';
  /** Guest RAM (default 2048 MiB: the lab process, two agents and the overlay's writes). */
  memoryMiB?: number;
  cpus?: number;
  /** The whole guest run (default: 180 s plus four times the plan's expected traffic time). */
  timeoutMs?: number;
  onStep?: (step: string) => void;
  /** A line the guest's lab printed on stderr (its progress), as it arrives. */
  onGuestLine?: (line: string) => void;
}

/** A VM lab run's result. */
export interface VmLabOutcome {
  exitCode: number;
  record: RunRecord;
  checks: CheckResult[];
  outDir: string;
  /** The report files, as the host sees them. */
  files: string[];
  guest: GuestResult;
  capacity: GuestCapacity;
  prepared: PreparedGuest;
}

/**
 * What a plan asks of the guest: the sum over its paths of the fastest direction's rate (the
 * most the lab can push at once); undefined when some path is unshaped (then it asks for
 * whatever the guest has, and the capacity is the limit, said in a note).
 */
export function requiredBps(plan: Plan): number | undefined {
  let sum = 0;
  for (const path of plan.paths) {
    const rates = Object.values(path.egress).map((e) => e.rateBps);
    if (rates.length === 0 || rates.some((r) => r === undefined)) return undefined;
    sum += Math.max(...(rates as number[]));
  }
  return sum;
}

/** A generous bound on the guest's whole run: boot, the lab process's start under emulation, bring-up, traffic, teardown. */
export function defaultTimeoutMs(plan: Plan, capacityBps: number): number {
  const bytes = plan.traffic.sizeBytes ?? 0;
  const rate = Math.min(requiredBps(plan) ?? capacityBps, capacityBps) || 1e6;
  const trafficMs = plan.traffic.durationMs ?? (bytes * 8 * 1000) / rate;
  return Math.round(240_000 + 4 * trafficMs + plan.timeline.reduce((m, e) => Math.max(m, (e as { atMs?: number }).atMs ?? 0), 0));
}

/** Follows a file another process appends to, line by line. */
function follow(file: string, onLine: (line: string) => void): () => void {
  let offset = 0;
  let rest = '';
  const read = () => {
    try {
      const size = statSync(file).size;
      if (size <= offset) return;
      const buf = Buffer.alloc(size - offset);
      const fd = openSync(file, 'r');
      try {
        readSync(fd, buf, 0, buf.length, offset);
      } finally {
        closeSync(fd);
      }
      offset = size;
      const text = rest + buf.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) onLine(l);
    } catch {
      /* not there yet */
    }
  };
  const timer = setInterval(read, 500);
  return () => {
    clearInterval(timer);
    read();
    if (rest.trim()) onLine(rest);
  };
}

/** The error the guest's lab raised, raised again here with its type and exit code. */
export function errorFromGuest(e: NonNullable<GuestLabOutcome['error']>): Error {
  const where = ' (in the VM guest)';
  if (e.type === 'EnvironmentError') return new EnvironmentError(e.missing ?? 'something', e.hint ?? '', `${e.detail ?? ''}${where}`.trim());
  if (e.type === 'TopologyError' || e.type === 'UsageError') return new UsageError(`${e.message}${where}`);
  return new LabError(`${e.message}${where}`);
}

/** Runs `plan` in a guest (see the file's comment). */
export async function runLabInVm(plan: Plan, opts: VmLabOptions): Promise<VmLabOutcome> {
  const step = opts.onStep ?? (() => undefined);
  const outDir = resolve(opts.outDir);
  step(`VM: kernel ${opts.kernel ?? 'debian'}, initramfs and accelerator`);
  const prepared = await prepareGuest({ kernel: opts.kernel, modulesDir: opts.modulesDir });
  step(`VM: kernel ${prepared.kernel.version} under ${prepared.accelerator.toUpperCase()}${prepared.kvmRefused ? ` (KVM refused: ${prepared.kvmRefused})` : ''}`);
  const capacity = await probeCapacity(prepared);
  const need = requiredBps(plan);
  const mbit = (b: number) => `${(b / 1e6).toFixed(0)} Mbit/s`;
  if (need !== undefined) checkCapacity(need, capacity.bitsPerSecond);
  step(`VM: the guest carries ${mbit(capacity.bitsPerSecond)} unshaped (${capacity.cached ? 'cached' : 'measured now'}); the plan asks ${need !== undefined ? mbit(need) : 'unshaped paths: the guest is the limit'}`);
  // The guest has no Docker: its netns runtime takes the image's root from the host's export.
  const rootfs = await ensureRootfs({ onStep: step });
  const request: GuestLabRequest = { plan, outDir: `${GUEST_OUT}/files`, intervalMs: opts.intervalMs, baseline: opts.baseline };
  writeFileSync(join(outDir, REQUEST_NAME), JSON.stringify(request) + '\n');
  const env: Record<string, string> = {
    [VM_ENV.accelerator]: prepared.accelerator,
    [VM_ENV.hostKernel]: release(),
    [VM_ENV.qemu]: prepared.qemuVersion,
    [VM_ENV.kernelImage]: prepared.kernel.image,
    [VM_ENV.capacityBps]: String(capacity.bitsPerSecond),
    MPTCP_LAB_ROOTFS_CACHE: resolve(rootfs.dir, '..'),
    // Under emulation a namespace's holder can take well over the 10 s a real machine is given.
    MPTCP_LAB_TIMEOUT_SCALE: prepared.accelerator === 'tcg' ? '6' : '2',
    // The bundle lives in the VM cache: its packages resolve from the repo's node_modules.
    NODE_PATH: join(REPO_ROOT, 'node_modules'),
  };
  // Bundled on the host: tsx would compile every source file again under emulation.
  const entry = await guestEntryArgv(GUEST_MAIN, join(REPO_ROOT, 'lab'));
  const abort = new AbortController();
  // SIGINT/SIGTERM (installSignalHandlers) runs every Teardown: this one kills QEMU's group at once.
  const teardown = new Teardown(`vm guest of ${plan.name}`);
  await teardown.add('the QEMU guest', async () => abort.abort());
  const stop = follow(join(outDir, 'stderr.txt'), (l) => opts.onGuestLine?.(l));
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs(plan, capacity.bitsPerSecond);
  step(`VM: booting; the lab runs in the guest (at most ${Math.round(timeoutMs / 1000)} s)`);
  let guest: GuestResult;
  try {
    guest = await runInGuest([process.execPath, ...entry, `${GUEST_OUT}/${REQUEST_NAME}`], {
      outDir,
      timeoutMs,
      memoryMiB: opts.memoryMiB ?? 2048,
      cpus: opts.cpus,
      cwd: REPO_ROOT,
      env,
      signal: abort.signal,
    }, prepared);
  } finally {
    stop();
    await teardown.run();
  }
  step(`VM: guest booted in ${(guest.bootMs / 1000).toFixed(1)} s, ran ${(guest.wallMs / 1000).toFixed(1)} s in all; exit ${guest.exitCode}`);
  // The guest's files (reports, kernel.log, outcome.json) move up into the report folder.
  for (const f of existsSync(guest.filesDir) ? readdirSync(guest.filesDir) : []) renameSync(join(guest.filesDir, f), join(outDir, f));
  if (existsSync(guest.filesDir)) rmdirSync(guest.filesDir);
  const outcomeFile = join(outDir, 'outcome.json');
  const outcome = existsSync(outcomeFile) ? (JSON.parse(readFileSync(outcomeFile, 'utf8')) as GuestLabOutcome) : undefined;
  if (!outcome) {
    throw new LabError(`the guest's lab ended (exit ${guest.exitCode}) without an outcome; its stderr (${join(outDir, 'stderr.txt')}):\n${guest.stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
  if (outcome.error) throw errorFromGuest(outcome.error);
  const doc = JSON.parse(readFileSync(join(outDir, 'result.json'), 'utf8')) as RunRecord & { checks: CheckResult[]; summary?: unknown };
  const { checks, summary: _summary, ...record } = doc;
  const files = (outcome.files ?? []).map((f) => join(outDir, f.split('/').pop()!));
  return { exitCode: outcome.exitCode, record: record as RunRecord, checks, outDir, files, guest, capacity, prepared };
}

