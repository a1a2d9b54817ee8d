/**
 * Runs one command in a fresh guest and brings back what it did: exit code, stdout, stderr and
 * the files it wrote to $MLAB_OUT, all through the run's output directory shared over 9p, with
 * the serial console kept as console.log beside them. The guest powers off when the command
 * ends; a timeout kills QEMU's process group and is a LabError naming the console's last lines.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LabError, UsageError } from '../../model/errors';
import { probeAccelerator } from './accel-probe';
import { consoleTail } from './console-log';
import { CONTROL_DIR } from './guest-init';
import { findQemu, findStaticBusybox, qemuVersion } from './host-tools';
import { buildInitramfs, type Initramfs } from './initramfs';
import { resolveKernel, type GuestKernel } from './kernel';
import { qemuArgv, type Accelerator } from './qemu-args';
import { runQemu } from './qemu-process';

/** Options of runInGuest. */
export interface RunInGuestOptions {
  /** The run's folder (created; must not hold an earlier guest's control files): console.log, stdout.txt, stderr.txt, files/. */
  outDir: string;
  /** `debian` (default), a bzImage path, or an already resolved kernel. */
  kernel?: string | GuestKernel;
  /** With a bzImage path: its modules (an INSTALL_MOD_PATH root or lib/modules/KVER). */
  modulesDir?: string;
  /** Whole run, boot included (default 120 s). */
  timeoutMs?: number;
  /** `auto` (default): the cached boot probe's choice. */
  accelerator?: Accelerator | 'auto';
  cpus?: number;
  memoryMiB?: number;
  /** Working directory in the guest (the host's paths are the guest's, read-only under a RAM overlay). */
  cwd?: string;
  /** Extra environment of the command (the guest starts it with a clean one: PATH, HOME, LANG, MLAB_OUT). */
  env?: Readonly<Record<string, string>>;
  cacheDir?: string;
  signal?: AbortSignal;
}

/** What a guest run brought back. */
export interface GuestResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The run's folder; result files are in `filesDir`. */
  outDir: string;
  filesDir: string;
  consoleLog: string;
  kernelVersion: string;
  accelerator: Accelerator;
  /** Host ms from QEMU's spawn until the guest's stage 2 started (firmware, kernel, modules, 9p, overlay). */
  bootMs: number;
  /** The guest kernel's own uptime at that moment. */
  guestUptimeMs?: number;
  /** Host ms from spawn to QEMU's exit. */
  wallMs: number;
  /** Lab modules the kernel lacks (neither built in nor found). */
  missingModules: string[];
}

/** A prepared guest: what runInGuest resolves before booting (reusable across runs). */
export interface PreparedGuest {
  qemu: string;
  qemuVersion: string;
  kernel: GuestKernel;
  initramfs: Initramfs;
  accelerator: Accelerator;
  kvmRefused?: string;
}

/** Resolves QEMU, busybox, the kernel, the initramfs (cached) and the accelerator (probed once, cached). */
export async function prepareGuest(opts: Pick<RunInGuestOptions, 'kernel' | 'modulesDir' | 'accelerator' | 'cacheDir'> = {}): Promise<PreparedGuest> {
  const qemu = findQemu();
  const busybox = findStaticBusybox();
  const kernel = typeof opts.kernel === 'object' ? opts.kernel : resolveKernel(opts.kernel ?? 'debian', opts.modulesDir);
  const initramfs = await buildInitramfs(kernel, { busybox, cacheDir: opts.cacheDir });
  const version = qemuVersion(qemu);
  if (opts.accelerator && opts.accelerator !== 'auto') return { qemu, qemuVersion: version, kernel, initramfs, accelerator: opts.accelerator };
  const probe = await probeAccelerator({ qemu, qemuVersion: version, kernel, initramfs: initramfs.path, cacheDir: opts.cacheDir });
  return { qemu, qemuVersion: version, kernel, initramfs, accelerator: probe.accelerator, kvmRefused: probe.kvmRefused };
}

/** Writes the command for the guest: one file per word (env pairs first, read by `env`; envc counts them), and the cwd. The guest resolves the program on its PATH itself, so busybox's applets never stand in for the host's tools. */
export function writeControl(controlDir: string, argv: readonly string[], env: Readonly<Record<string, string>> = {}, cwd?: string): void {
  if (argv.length === 0) throw new UsageError('runInGuest: empty argv');
  if (argv[0]!.includes('=')) throw new UsageError(`runInGuest: the program ${JSON.stringify(argv[0])} contains '=' (env would read it as a variable)`);
  const words = [...Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new UsageError(`runInGuest: bad environment name ${JSON.stringify(k)}`);
    return `${k}=${v}`;
  }), ...argv];
  mkdirSync(join(controlDir, 'argv'), { recursive: true });
  words.forEach((w, i) => {
    if (w.includes('\0')) throw new UsageError('runInGuest: an argument contains a NUL byte');
    writeFileSync(join(controlDir, 'argv', String(i)), w);
  });
  writeFileSync(join(controlDir, 'envc'), String(words.length - argv.length));
  if (cwd !== undefined) writeFileSync(join(controlDir, 'cwd'), cwd);
}

function readIf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Boots a guest, runs `argv` in it, powers it off; a prepared guest skips the resolution steps. */
export async function runInGuest(argv: readonly string[], opts: RunInGuestOptions, prepared?: PreparedGuest): Promise<GuestResult> {
  const guest = prepared ?? (await prepareGuest(opts));
  const outDir = resolve(opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const control = join(outDir, CONTROL_DIR);
  if (existsSync(control)) throw new UsageError(`runInGuest: ${outDir} already holds a guest's control folder (${CONTROL_DIR}); use a fresh folder`);
  const consoleLog = join(outDir, 'console.log');
  const timeoutMs = opts.timeoutMs ?? 120_000;
  try {
    writeControl(control, argv, opts.env, opts.cwd);
    const args = qemuArgv({
      kernel: guest.kernel.image,
      initramfs: guest.initramfs.path,
      accelerator: guest.accelerator,
      cpus: opts.cpus ?? 2,
      memoryMiB: opts.memoryMiB ?? 1024,
      consoleLog,
      outDir,
    });
    const exit = await runQemu(guest.qemu, args, { timeoutMs, startedFile: join(control, 'started'), signal: opts.signal });
    const what = `${argv.join(' ').slice(0, 120)} in a ${guest.accelerator.toUpperCase()} guest (kernel ${guest.kernel.version})`;
    if (exit.timedOut) throw new LabError(`timed out after ${timeoutMs} ms running ${what}; QEMU's process group was killed. Console (${consoleLog}):\n${consoleTail(consoleLog)}`);
    if (opts.signal?.aborted) throw new LabError(`aborted while running ${what}`);
    const code = readIf(join(control, 'exit-code'));
    if (code === undefined) {
      const stage = exit.startedMs === undefined ? 'before its command started (boot failed)' : 'without recording the command\'s exit code';
      throw new LabError(`the guest ended ${stage}: QEMU exited ${exit.code ?? exit.signal} after ${exit.wallMs} ms running ${what}. Console (${consoleLog}):\n${consoleTail(consoleLog)}`);
    }
    const uptime = readIf(join(control, 'started'));
    const uptimeS = uptime ? Number(uptime.split(/\s+/)[0]) : NaN;
    const result: GuestResult = {
      exitCode: Number(code.trim()),
      stdout: readIf(join(outDir, 'stdout.txt')) ?? '',
      stderr: readIf(join(outDir, 'stderr.txt')) ?? '',
      outDir,
      filesDir: join(outDir, 'files'),
      consoleLog,
      kernelVersion: guest.kernel.version,
      accelerator: guest.accelerator,
      bootMs: exit.startedMs ?? exit.wallMs,
      guestUptimeMs: Number.isFinite(uptimeS) ? Math.round(uptimeS * 1000) : undefined,
      wallMs: exit.wallMs,
      missingModules: guest.initramfs.modules.missing,
    };
    writeFileSync(join(outDir, 'vm.json'), JSON.stringify({ argv, ...result, stdout: undefined, stderr: undefined, kvmRefused: guest.kvmRefused, qemuVersion: guest.qemuVersion }, null, 2) + '\n');
    return result;
  } finally {
    rmSync(control, { recursive: true, force: true });
  }
}

/** Names in a run's files/ folder (what the command left in $MLAB_OUT). */
export function resultFiles(result: Pick<GuestResult, 'filesDir'>): string[] {
  return existsSync(result.filesDir) ? readdirSync(result.filesDir).sort() : [];
}
