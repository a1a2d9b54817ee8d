/**
 * Running commands: on the Docker host (runHostCommand), in a container to completion
 * (dockerExec), or as a long-lived stream read line by line (dockerStream). Commands are
 * argv arrays end to end; no shell string is ever built from a value.
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { LabError } from '../model/errors';
import type { ExecOptions, ExecResult, StreamHandle } from './types';

/** The lab's clock: milliseconds since the lab's t = 0. */
export type Clock = () => number;

/** Host commands need a cwd now and then (debootstrap, tar); containers never do. */
export interface HostExecOptions extends ExecOptions {
  cwd?: string;
  /** The environment opts.env is laid over (default: the lab process's own). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  /** How messages name the command (default: the argv as typed, "on the host"). */
  what?: string;
  /** Instead of opts.stdin: start at once and write stdin when this resolves (killed if it rejects). */
  laterStdin?: Promise<string>;
}

/** `a b 'c d'`: argv as a reader would type it, for messages only (never executed). */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Runs argv on the Docker host; resolves with the exit code (non-zero is not an error), rejects on timeout or when it cannot start. */
export function runHostCommand(argv: readonly string[], opts: HostExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new LabError('runHostCommand: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: { ...(opts.baseEnv ?? process.env), ...opts.env }, stdio: 'pipe' });
    const what = opts.what ?? `\`${formatCommand(argv)}\` on the host`;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new LabError(`cannot run ${what}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new LabError(`${what} did not finish within ${opts.timeoutMs} ms; killed it`));
        return;
      }
      const exitCode = code ?? 128 + (signal ? signalNumber(signal) : 0);
      resolve({ exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    // A command that exits before reading its stdin must not crash the lab with EPIPE.
    child.stdin.on('error', () => undefined);
    if (opts.laterStdin) {
      opts.laterStdin.then(
        (text) => child.stdin.end(text),
        () => child.kill('SIGKILL'),
      );
    } else if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0;
}

interface StartedExec {
  exec: Docker.Exec;
  stream: NodeJS.ReadWriteStream;
  stdout: PassThrough;
  stderr: PassThrough;
}

async function startExec(docker: Docker, containerId: string, argv: readonly string[], opts: ExecOptions): Promise<StartedExec> {
  const withStdin = opts.stdin !== undefined;
  const exec = await docker.getContainer(containerId).exec({
    Cmd: [...argv],
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: withStdin,
    Tty: false,
    Env: opts.env ? Object.entries(opts.env).map(([k, v]) => `${k}=${v}`) : undefined,
  });
  // Only a hijacked connection can carry stdin; without stdin a plain response stream is enough.
  const stream = (await exec.start({ hijack: withStdin, stdin: withStdin })) as NodeJS.ReadWriteStream;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);
  // demuxStream never ends its outputs; ending them here lets readers wait for the last byte.
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    stdout.end();
    stderr.end();
  };
  stream.on('end', close);
  stream.on('close', close);
  if (opts.stdin !== undefined) stream.end(opts.stdin);
  return { exec, stream, stdout, stderr };
}

/** The exit code, once Docker has recorded it (it can lag the end of the output by a few ms). */
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((r) => setTimeout(r, 20));
  }
  return -1;
}

/** Kills a runaway exec from the host: exec has no kill API, but inspect gives its host PID (local engine only). */
async function killExecOnHost(exec: Docker.Exec): Promise<void> {
  const host = process.env.DOCKER_HOST;
  if (host && !host.startsWith('unix://')) return;
  try {
    const { Pid, Running } = await exec.inspect();
    if (Running && Pid > 0) process.kill(Pid, 'SIGKILL');
  } catch {
    // Already gone: nothing to kill.
  }
}

/** Resolves once stdout and stderr have delivered their last byte; rejects if the connection fails. */
function ended({ stream, stdout, stderr }: StartedExec): Promise<void> {
  const end = (s: NodeJS.ReadableStream): Promise<void> => new Promise((resolve) => s.on('end', () => resolve()));
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    Promise.all([end(stdout), end(stderr)]).then(() => resolve(), reject);
  });
}

/** Runs argv in a container to completion via a Docker exec; stdout and stderr separated, exit code from exec inspect. */
export async function dockerExec(
  docker: Docker,
  containerId: string,
  argv: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  const what = `\`${formatCommand(argv)}\` in container ${containerId.slice(0, 12)}`;
  let started: StartedExec;
  try {
    started = await startExec(docker, containerId, argv, opts);
  } catch (e) {
    throw new LabError(`cannot start ${what}: ${(e as Error).message}`, { cause: e });
  }
  const { exec, stream, stdout, stderr } = started;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    if (opts.timeoutMs) timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });
  try {
    const outcome = await Promise.race([ended(started), timeout]);
    if (outcome === 'timeout') {
      await killExecOnHost(exec);
      (stream as unknown as { destroy(): void }).destroy();
      throw new LabError(`${what} did not finish within ${opts.timeoutMs} ms`);
    }
  } catch (e) {
    if (e instanceof LabError) throw e;
    throw new LabError(`${what} failed: ${(e as Error).message}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
  return { exitCode: await exitCodeOf(exec), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Splits a byte stream into lines, calling back with each complete line. */
function onLines(stream: NodeJS.ReadableStream, each: (line: string) => void): () => void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) each(p.replace(/\r$/, ''));
  });
  return () => {
    if (rest) each(rest);
    rest = '';
  };
}

// `$$` is the shell that then execs argv: the first stdout line is the command's own PID.
// argv travels as positional parameters, so no value is ever parsed by the shell.
const PID_FIRST = ['sh', '-c', 'echo $$; exec "$@"', 'sh'];
const STOP_GRACE_MS = 3_000;
/** Stream output kept for `done` is capped: monitors can run for a long time. */
const MAX_KEPT_CHARS = 8 * 1024 * 1024;

/** Starts a long-lived argv in a container; stdout arrives line by line stamped with the lab clock; stop() kills it in the container. */
export async function dockerStream(
  docker: Docker,
  containerId: string,
  argv: readonly string[],
  opts: ExecOptions = {},
  clock: Clock = () => performance.now(),
): Promise<StreamHandle> {
  const what = `\`${formatCommand(argv)}\` in container ${containerId.slice(0, 12)}`;
  let started: StartedExec;
  try {
    started = await startExec(docker, containerId, [...PID_FIRST, ...argv], opts);
  } catch (e) {
    throw new LabError(`cannot start ${what}: ${(e as Error).message}`, { cause: e });
  }
  const { exec, stdout, stderr } = started;
  const listeners: Array<(line: string, tMs: number) => void> = [];
  const early: Array<[string, number]> = [];
  let kept = '';
  let pid: string | undefined;
  let gotPid: () => void = () => {};
  const pidSeen = new Promise<void>((r) => (gotPid = r));
  const flush = onLines(stdout, (line) => {
    const t = clock();
    if (pid === undefined) {
      pid = line.trim();
      gotPid();
      return;
    }
    kept = (kept + line + '\n').slice(-MAX_KEPT_CHARS);
    if (listeners.length === 0) early.push([line, t]);
    for (const l of listeners) l(line, t);
  });
  const err: Buffer[] = [];
  stderr.on('data', (b: Buffer) => err.push(b));

  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const done: Promise<ExecResult> = ended(started)
    .then(async () => {
      clearTimeout(timer);
      flush();
      gotPid();
      if (timedOut) throw new LabError(`${what} did not finish within ${opts.timeoutMs} ms; stopped it`);
      return { exitCode: await exitCodeOf(exec), stdout: kept, stderr: Buffer.concat(err).toString() };
    })
    .catch((e: unknown) => {
      gotPid();
      throw e instanceof LabError ? e : new LabError(`${what} failed: ${(e as Error).message}`, { cause: e });
    });
  // Callers often only stop(); an unobserved rejection must not crash the process.
  done.catch(() => {});
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true),
  );

  const signal = async (sig: string): Promise<void> => {
    if (!pid || !/^\d+$/.test(pid)) return;
    await dockerExec(docker, containerId, ['kill', `-${sig}`, pid], { timeoutMs: 10_000 }).catch(() => undefined);
  };
  const stop = async (): Promise<ExecResult> => {
    await pidSeen;
    if (!settled) await signal('TERM');
    const quick = await Promise.race([done.then(() => true, () => true), sleep(STOP_GRACE_MS).then(() => false)]);
    if (!quick) await signal('KILL');
    return done;
  };
  if (opts.timeoutMs) {
    timer = setTimeout(() => {
      timedOut = true;
      void stop().catch(() => undefined);
    }, opts.timeoutMs);
  }
  await pidSeen;
  return {
    onLine(listener) {
      listeners.push(listener);
      for (const [line, t] of early.splice(0)) listener(line, t);
    },
    done,
    stop,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
