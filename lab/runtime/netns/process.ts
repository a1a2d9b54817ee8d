/**
 * Processes of a netns lab: the per-host holder (the namespace's long-lived init, inside a
 * private mount namespace chrooted into the lab image's root filesystem), commands run in
 * a host through nsenter, and the sweep that kills whatever still runs in a namespace.
 * argv end to end: the holder's setup is one constant script whose values arrive as
 * positional parameters, never parsed by the shell.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readlink, stat } from 'node:fs/promises';
import { LabError } from '../../model/errors';
import { formatCommand, runHostCommand } from '../exec';
import type { ExecOptions, ExecResult, StreamHandle } from '../types';

/** The environment a Docker exec gets from the lab image (Debian's default PATH), and nothing of the lab process's. */
export const HOST_ENV: Readonly<Record<string, string>> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };

/**
 * Runs as the holder, in the host's network namespace and a fresh mount and UTS namespace:
 * the image's root read-only (one exported copy is shared by every host and run), the
 * namespace's own /proc and /sys, the machine's /dev, RAM disks for /srv/lab (the http
 * tool's files), /tmp and /run, the host's name, IPv6 off (as the lab's paths are IPv4),
 * then it becomes `sleep infinity` inside the root. $1 root, $2 /srv/lab bytes, $3 hostname.
 */
export const HOLDER_SCRIPT = [
  'set -e',
  'r="$1"',
  'mount --bind "$r" "$r"',
  'mount -o remount,bind,ro "$r"',
  'mount -t proc proc "$r/proc"',
  'mount -t sysfs sysfs "$r/sys"',
  'mount --rbind /dev "$r/dev"',
  'mount -t tmpfs -o "size=$2" tmpfs "$r/srv/lab"',
  'mount -t tmpfs -o size=268435456 tmpfs "$r/tmp"',
  'mount -t tmpfs -o size=16777216 tmpfs "$r/run"',
  'hostname "$3"',
  'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6',
  'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6',
  'echo ready',
  'exec chroot "$r" /bin/sleep infinity',
].join('\n');

/**
 * The holder's argv. setpriv's parent-death signal (kept across the execs that follow)
 * kills the holder if the lab process dies without a teardown; nsenter joins the named
 * namespace, unshare makes the private mount and UTS namespaces; no step forks.
 */
export function holderArgv(netnsPath: string, rootfs: string, tmpfsBytes: number, hostname: string): string[] {
  return [
    'setpriv', '--pdeathsig', 'KILL',
    'nsenter', `--net=${netnsPath}`, '--',
    'unshare', '--mount', '--uts', '--propagation', 'private', '--',
    'sh', '-c', HOLDER_SCRIPT, 'mlab-holder', rootfs, String(Math.max(1, Math.floor(tmpfsBytes))), hostname,
  ];
}

/** argv that runs `argv` inside the host whose holder is `pid`: its network, mount and UTS namespaces, its root and working directory. */
export function nsenterArgv(pid: number, argv: readonly string[]): string[] {
  if (!Number.isInteger(pid) || pid <= 1) throw new LabError(`no holder process (pid ${pid})`);
  if (argv.length === 0) throw new LabError('empty argv');
  return ['setpriv', '--pdeathsig', 'KILL', 'nsenter', `--target=${pid}`, '--net', '--mount', '--uts', '--root', '--wd', '--', ...argv];
}

export interface Holder {
  pid: number;
  child: ChildProcess;
  /** Resolves when the holder exits. */
  exited: Promise<void>;
}

/** MPTCP_LAB_TIMEOUT_SCALE (default 1): how much slower this machine is allowed to be (a VM guest under TCG sets 6). */
export function timeoutScale(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.MPTCP_LAB_TIMEOUT_SCALE);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** Starts a host's holder and waits until its mounts are in place (its `ready` line). */
export function startHolder(argv: readonly string[], what: string, timeoutMs = 10_000 * timeoutScale()): Promise<Holder> {
  const [file, ...args] = argv;
  const child = spawn(file!, args, { env: { ...HOST_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new LabError(`${what}: the holder was not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve({ pid: child.pid!, child, exited });
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new LabError(`${what}: cannot start the holder: ${e.message}`, { cause: e }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      reject(new LabError(`${what}: the holder exited (${signal ?? `exit ${code}`}) before it was ready: ${err.trim() || out.trim() || 'no output'}`));
    });
  });
}

/**
 * Runs argv (already wrapped by nsenterArgv) to completion: exit code, stdout, stderr; rejects on timeout.
 * `laterStdin` (instead of opts.stdin) starts the command at once and writes its stdin when it resolves:
 * bring-up starts the agent's Node while the paths are still being wired.
 */
export function runInHost(argv: readonly string[], what: string, opts: ExecOptions = {}, laterStdin?: Promise<string>): Promise<ExecResult> {
  return runHostCommand(argv, { ...opts, baseEnv: HOST_ENV, what, ...(laterStdin ? { laterStdin } : {}) });
}

const STOP_GRACE_MS = 3_000;
const MAX_KEPT_CHARS = 8 * 1024 * 1024;

/** Starts argv (wrapped by nsenterArgv) as a stream: stdout line by line with the lab clock; stop() signals the command itself (nsenter execs it, no fork). */
export function streamInHost(argv: readonly string[], what: string, opts: ExecOptions, clock: () => number): StreamHandle {
  const [file, ...args] = argv;
  const child = spawn(file!, args, { env: { ...HOST_ENV, ...opts.env }, stdio: 'pipe' });
  const listeners: Array<(line: string, tMs: number) => void> = [];
  const early: Array<[string, number]> = [];
  let kept = '';
  let rest = '';
  const err: Buffer[] = [];
  const each = (line: string) => {
    const t = clock();
    kept = (kept + line + '\n').slice(-MAX_KEPT_CHARS);
    if (listeners.length === 0) early.push([line, t]);
    for (const l of listeners) l(line, t);
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) each(p.replace(/\r$/, ''));
  });
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.on('error', () => undefined);
  child.stdin.end(opts.stdin ?? '');
  let timedOut = false;
  const done = new Promise<ExecResult>((resolve, reject) => {
    child.once('error', (e) => reject(new LabError(`cannot start ${what}: ${e.message}`, { cause: e })));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (rest) each(rest);
      rest = '';
      if (timedOut) reject(new LabError(`${what} did not finish within ${opts.timeoutMs} ms; stopped it`));
      else resolve({ exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 0), stdout: kept, stderr: Buffer.concat(err).toString() });
    });
  });
  done.catch(() => undefined);
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true),
  );
  const stop = async (): Promise<ExecResult> => {
    if (!settled) child.kill('SIGTERM');
    const quick = await Promise.race([done.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), STOP_GRACE_MS).unref())]);
    if (!quick) child.kill('SIGKILL');
    return done;
  };
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        void stop().catch(() => undefined);
      }, opts.timeoutMs)
    : undefined;
  return {
    onLine(listener) {
      listeners.push(listener);
      for (const [line, t] of early.splice(0)) listener(line, t);
    },
    done,
    stop,
  };
}

/** `net:[4026532601]` of a namespace file (/run/netns/NAME, /proc/PID/ns/net), or undefined when it is gone. */
export async function netnsInode(file: string): Promise<number | undefined> {
  return stat(file).then((s) => s.ino, () => undefined);
}

/** PIDs of the processes whose network namespace has this inode (one pass over /proc, no process spawned). */
export async function pidsInNetns(inode: number): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const pids: number[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const link = await readlink(`/proc/${e}/ns/net`).catch(() => '');
        if (link === `net:[${inode}]`) pids.push(Number(e));
      }),
  );
  return pids.sort((a, b) => a - b);
}

/** SIGKILLs every process in the namespace and waits (up to `timeoutMs`) until none is left; returns the PIDs still there. */
export async function killNetnsProcesses(inode: number, timeoutMs = 2_000): Promise<number[]> {
  const start = Date.now();
  let pids = await pidsInNetns(inode);
  while (pids.length > 0 && Date.now() - start < timeoutMs) {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await new Promise((r) => setTimeout(r, 10));
    pids = await pidsInNetns(inode);
  }
  return pids;
}

/** For messages: the command as typed. */
export function describeCommand(host: string, argv: readonly string[]): string {
  return `\`${formatCommand(argv)}\` in host ${host}`;
}
