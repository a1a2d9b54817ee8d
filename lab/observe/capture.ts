/**
 * Packet captures of a lab's own paths: one `tcpdump` per path on the Docker host, on the
 * host side of the receiver's veth (and the sender's, when asked), headers only, bounded by a
 * ring of files, written into the report folder. Only the lab's internal bridge networks are
 * captured; nothing is sent anywhere.
 *
 * Nothing outlives the lab process: each tcpdump runs under a tiny `sh` that stops it
 * (SIGTERM: it flushes its files and prints its counts, as on SIGINT) when its stdin closes, which happens on stop(), on the
 * Teardown (SIGINT/SIGTERM of the lab, lab/runtime/lifecycle.ts), and when the process dies
 * outright (the pipe closes with it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningLab } from '../runtime/types';
import { Teardown } from '../runtime/lifecycle';
import { parseProcStatTicks, TICK_MS } from './proc-cpu';

export type CaptureSide = 'receiver' | 'sender';

export interface CaptureOptions {
  /** Bytes kept of each packet (default 128: Ethernet + IPv4 + TCP with 40 bytes of options, MPTCP's included). */
  snaplen?: number;
  /** Size of one ring file, MB (tcpdump -C, units of 1,000,000 bytes; default 20). */
  fileMb?: number;
  /** Files in the ring (tcpdump -W, default 5): the newest fileMb × files MB are kept, older packets are overwritten. */
  files?: number;
  /** Whose host veth to capture on (default: the receiver's only; both ends show what a path dropped). */
  sides?: readonly CaptureSide[];
  /** Only these paths (default: every path the traffic's sender and receiver share). */
  paths?: readonly string[];
  /** Kernel buffer per capture, KiB (tcpdump -B, default 8192): a 1 Gbit/s path drops packets with the 2 MiB default. */
  bufferKiB?: number;
  /** How long to wait for each tcpdump to say it is listening (default 10 s). */
  startTimeoutMs?: number;
  /** The tcpdump binary on the Docker host (default: found on PATH). */
  tcpdump?: string;
  /**
   * How long stop() waits before stopping tcpdump (default 1100 ms): libpcap hands packets over
   * in blocks, at the latest after its 1 s timeout, and tcpdump exits without reading the block
   * it holds, so the last second (the connection's close) would be lost.
   */
  drainMs?: number;
}

/** One capture as started. */
export interface CaptureTarget {
  path: string;
  side: CaptureSide;
  host: string;
  /** The host-side veth captured on. */
  veth: string;
  /** The ring's base file: tcpdump writes `<prefix>0`, `<prefix>1`, ... */
  prefix: string;
}

/** One capture as stopped: its ring files (oldest first) and tcpdump's own account. */
export interface CaptureResult extends CaptureTarget {
  files: string[];
  bytes: number;
  /** tcpdump's `packets captured`, `received by filter`, `dropped by kernel` (undefined when it printed none). */
  captured?: number;
  received?: number;
  droppedByKernel?: number;
  /** CPU tcpdump used over the capture, ms (from /proc/PID/stat just before it was stopped). */
  cpuMs?: number;
  /** tcpdump's exit status (0 on a clean SIGINT). */
  exitCode: number | null;
}

export interface CaptureHandle {
  readonly targets: readonly CaptureTarget[];
  /** Stops every capture (SIGTERM, which tcpdump handles as SIGINT: flush, counts; waits, verifies the files) and lists them. Idempotent. */
  stop(): Promise<CaptureResult[]>;
}

/** tcpdump's argv: headers only, a ring of files, no name resolution, no privilege drop (so it can write a root-owned folder). */
export function tcpdumpArgv(iface: string, prefix: string, opts: Pick<CaptureOptions, 'snaplen' | 'fileMb' | 'files' | 'bufferKiB'> = {}): string[] {
  const n = (v: number | undefined, d: number, what: string) => {
    const x = v ?? d;
    if (!Number.isInteger(x) || x <= 0) throw new Error(`capture: ${what} must be a positive whole number, got ${v}`);
    return String(x);
  };
  if (!/^[\w.@-]{1,15}$/.test(iface)) throw new Error(`capture: bad interface name ${JSON.stringify(iface)}`);
  return ['-i', iface, '-n', '-s', n(opts.snaplen, 128, 'snaplen'), '-B', n(opts.bufferKiB, 8192, 'bufferKiB'), '-C', n(opts.fileMb, 20, 'fileMb'), '-W', n(opts.files, 5, 'files'), '-Z', 'root', '-w', prefix];
}

/** tcpdump's closing lines on stderr: `12 packets captured`, `14 packets received by filter`, `0 packets dropped by kernel`. */
export function parseTcpdumpStats(stderr: string): { captured?: number; received?: number; droppedByKernel?: number } {
  const get = (re: RegExp) => {
    const m = re.exec(stderr);
    return m ? Number(m[1]) : undefined;
  };
  const out: { captured?: number; received?: number; droppedByKernel?: number } = {};
  const captured = get(/(\d+) packets? captured/);
  const received = get(/(\d+) packets? received by filter/);
  const dropped = get(/(\d+) packets? dropped by kernel/);
  if (captured !== undefined) out.captured = captured;
  if (received !== undefined) out.received = received;
  if (dropped !== undefined) out.droppedByKernel = dropped;
  return out;
}

/**
 * The wrapper: tcpdump in the background (its pid on stdout), and a watcher that SIGTERMs it
 * once the wrapper's stdin closes; the wrapper exits with tcpdump's status, whichever ends it.
 * (An asynchronous list's stdin is /dev/null, so the watcher reads a copy of it, fd 3.)
 * Values arrive as positional arguments only.
 */
export const CAPTURE_SCRIPT =
  't=$1; shift; exec 3<&0; "$t" "$@" </dev/null & p=$!; echo "pid $p"; (read -r _ <&3; kill -TERM $p 2>/dev/null) & w=$!; exec 3<&-; wait $p; s=$?; kill $w 2>/dev/null; exit $s';

const PCAP_MAGIC = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1]);

async function hasPcapHeader(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(24);
    const { bytesRead } = await fh.read(buf, 0, 24, 0);
    return bytesRead === 24 && PCAP_MAGIC.has(buf.readUInt32LE(0));
  } finally {
    await fh.close();
  }
}

/** The ring's files of `prefix` (`<prefix>0`, `<prefix>1`…), oldest first. */
export async function ringFiles(prefix: string): Promise<string[]> {
  const dir = join(prefix, '..');
  const base = prefix.slice(dir.length + 1);
  const names = (await readdir(dir)).filter((n) => n.startsWith(base) && /^\d+$/.test(n.slice(base.length)));
  const withTime = await Promise.all(names.map(async (n) => ({ file: join(dir, n), mtime: (await stat(join(dir, n))).mtimeMs })));
  return withTime.sort((a, b) => a.mtime - b.mtime || a.file.localeCompare(b.file)).map((f) => f.file);
}

async function cpuMsOf(pid: number): Promise<number | undefined> {
  try {
    const ticks = parseProcStatTicks(await readFile(`/proc/${pid}/stat`, 'utf8'));
    return ticks === undefined ? undefined : ticks * TICK_MS;
  } catch {
    return undefined;
  }
}

interface Running {
  target: CaptureTarget;
  child: ChildProcess;
  stderr: string;
  pid?: number;
  exited: Promise<number | null>;
}

/** Starts one tcpdump on `iface` writing the ring `prefix`; resolves once it is listening. */
export async function startCapture(target: CaptureTarget, opts: CaptureOptions = {}): Promise<Running> {
  const child = spawn('sh', ['-c', CAPTURE_SCRIPT, 'sh', opts.tcpdump ?? 'tcpdump', ...tcpdumpArgv(target.veth, target.prefix, opts)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const run: Running = { target, child, stderr: '', exited: new Promise((r) => child.once('close', (code) => r(code))) };
  child.stdin!.on('error', () => undefined);
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const m = /pid (\d+)/.exec(d);
    if (m) run.pid = Number(m[1]);
  });
  child.stderr!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.stdin!.end();
      reject(new Error(`tcpdump on ${target.veth} (${target.path}) did not start listening within ${opts.startTimeoutMs ?? 10_000} ms: ${run.stderr.trim() || 'no output'}`));
    }, opts.startTimeoutMs ?? 10_000);
    child.stderr!.on('data', (d: string) => {
      run.stderr = (run.stderr + d).slice(-4000);
      if (/listening on /.test(run.stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // tcpdump failed (no such device, not permitted): the wrapper exits with it.
    void run.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump on ${target.veth} (${target.path}) exited (${code}) before listening: ${run.stderr.trim() || 'no output'}`));
    });
  });
  return run;
}

async function stopOne(r: Running): Promise<CaptureResult> {
  const cpuMs = r.pid !== undefined ? await cpuMsOf(r.pid) : undefined;
  r.child.stdin!.end();
  // A tcpdump that ignores SIGTERM for 10 s is killed itself (killing only the wrapper would leave it running).
  const kill = setTimeout(() => {
    try {
      if (r.pid !== undefined) process.kill(r.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  const exitCode = await r.exited;
  clearTimeout(kill);
  const files = await ringFiles(r.target.prefix).catch(() => []);
  let bytes = 0;
  for (const f of files) {
    const size = (await stat(f)).size;
    if (!(await hasPcapHeader(f))) throw new Error(`capture ${f} is not a pcap file (${size} bytes)`);
    bytes += size;
  }
  if (files.length === 0) throw new Error(`tcpdump on ${r.target.veth} (${r.target.path}) wrote no file (exit ${exitCode}): ${r.stderr.trim() || 'no output'}`);
  return { ...r.target, files, bytes, ...parseTcpdumpStats(r.stderr), ...(cpuMs !== undefined ? { cpuMs } : {}), exitCode };
}

/**
 * Starts one tcpdump per path (receiver's host veth; the sender's too with sides) writing
 * `<outDir>/capture-<path>-<side>.pcap<N>`. Every capture is in a Teardown from the moment it
 * exists, so a signal or a failed start stops them all; call stop() in a finally.
 */
export async function startCaptures(lab: Pick<RunningLab, 'runId' | 'plan' | 'hosts'>, outDir: string, opts: CaptureOptions = {}): Promise<CaptureHandle> {
  const { sender, receiver } = lab.plan.traffic;
  const shared = lab.plan.paths.filter((p) => p.hosts.includes(sender) && p.hosts.includes(receiver)).map((p) => p.name);
  const paths = opts.paths ?? shared;
  const sides = opts.sides ?? ['receiver'];
  const targets: CaptureTarget[] = [];
  for (const path of paths) {
    for (const side of sides) {
      const host = side === 'receiver' ? receiver : sender;
      const veth = lab.hosts[host]?.interfaces[path]?.hostVeth;
      if (!veth) throw new Error(`capture: ${host} has no interface on path ${path}`);
      targets.push({ path, side, host, veth, prefix: join(outDir, `capture-${path}-${side}.pcap`) });
    }
  }
  await mkdir(outDir, { recursive: true });
  const teardown = new Teardown(`captures of ${lab.runId}`);
  // Indexed as targets, whichever tcpdump starts first.
  const running: Running[] = [];
  let stopped: Promise<CaptureResult[]> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await new Promise((r) => setTimeout(r, opts.drainMs ?? 1100));
      const results = await Promise.allSettled(running.filter(Boolean).map(stopOne));
      await teardown.run(); // the undos below find them stopped already
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) throw new Error(failed.map((f) => (f.reason as Error).message).join('; '));
      return results.map((r) => (r as PromiseFulfilledResult<CaptureResult>).value);
    })());
  try {
    await Promise.all(
      targets.map(async (t, i) => {
        const r = await startCapture(t, opts);
        running[i] = r;
        await teardown.add(`capture ${t.path} ${t.side}`, async () => {
          r.child.stdin!.end();
          await r.exited;
        });
      }),
    );
  } catch (e) {
    await Promise.all(running.filter(Boolean).map((r) => (r.child.stdin!.end(), r.exited)));
    await teardown.run();
    throw e;
  }
  return { targets, stop };
}

/** Packets in pcap files matching a Wireshark display filter (`tcp.options.mptcp.subtype == 2`; Wireshark 4 has no bare `mptcp.subtype`), summed over the files, by tshark. */
export async function tsharkCount(files: readonly string[], displayFilter: string, tshark = 'tshark'): Promise<number> {
  let total = 0;
  for (const file of files) {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(tshark, ['-n', '-r', file, '-Y', displayFilter, '-T', 'fields', '-e', 'frame.number'], { maxBuffer: 256 * 1024 * 1024 }, (err, out, stderr) =>
        // A ring file whose tcpdump was killed may end mid-packet: tshark says so, exits 2, and has read the rest.
        err && !/cut short in the middle of a packet/.test(stderr) ? reject(new Error(`tshark -r ${file} -Y '${displayFilter}' failed: ${stderr.replace(/^Running as user .*\n?/m, '').trim() || err.message}`)) : resolve(out),
      ),
    );
    total += stdout.split('\n').filter((l) => l.trim() !== '').length;
  }
  return total;
}
