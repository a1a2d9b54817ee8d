/**
 * The in-container agent: `configure`, `gen`, `transfer-server`, `transfer-client`.
 * Copied into the image and run by Debian's Node.js 18 (often under `mptcpize run`), so it
 * uses Node builtins only, no Node-20-only API, and imports nothing from the project.
 * Every command prints JSON lines (`{"type":...}`) on stdout; failures end with
 * `{"type":"error","message":...}` and a non-zero exit (2 bad usage, 1 anything else).
 */
import * as net from 'node:net';
import * as fs from 'node:fs';
import { createCipheriv, createHash, type Cipher } from 'node:crypto';
import { spawnSync } from 'node:child_process';

/** A usage problem: bad arguments or a malformed configure document (exit 2). */
export class AgentUsageError extends Error {}

type Json = Record<string, unknown>;
/** Writes one line, or several in one write (batched progress: one wake-up of the reader). */
type Emit = (line: Json | readonly Json[]) => void;

const emitStdout: Emit = (line) => {
  // stdout is synchronous for pipes and files on Linux, so a line is out before any exit.
  const lines = Array.isArray(line) ? line : [line];
  if (lines.length) process.stdout.write(lines.map((l) => JSON.stringify(l) + '\n').join(''));
};

// ---------------------------------------------------------------- the deterministic stream

const ZEROS = Buffer.alloc(4 * 1024 * 1024);

/** How often progress lines are written, at most: below it they are batched (runTransferSide). */
export const PROGRESS_FLUSH_MS = 100;

/** The seed's bytes: AES-256-CTR keystream over zeros, key sha256(seed), IV zero. */
export class SeedStream {
  private readonly cipher: Cipher;
  constructor(seed: string) {
    const key = createHash('sha256').update(seed, 'utf8').digest();
    this.cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  }
  /** The next n bytes; CTR keeps the stream continuous whatever the sizes asked for. */
  next(n: number): Buffer {
    return this.cipher.update(n <= ZEROS.length ? ZEROS.subarray(0, n) : Buffer.alloc(n));
  }
}

/** SHA-256 of the first `size` bytes of the seed's stream, read in `chunk`-byte pieces. */
export function streamSha256(seed: string, size: number, chunk = 256 * 1024): string {
  const s = new SeedStream(seed);
  const h = createHash('sha256');
  for (let done = 0; done < size; ) {
    const n = Math.min(chunk, size - done);
    h.update(s.next(n));
    done += n;
  }
  return h.digest('hex');
}

// ---------------------------------------------------------------- arguments

export type Direction = 'download' | 'upload';

export interface TransferArgs {
  port: number;
  direction: Direction;
  size?: number;
  durationMs?: number;
  seed: string;
  intervalMs: number;
  /** Bounds the wait for the connection, then (separately) the transfer: past it the connection is reset. */
  timeoutMs?: number;
  /** Accepted, no longer needed: every receiver verifies every byte and reports mismatchAt. */
  verify: boolean;
}

export type AgentCommand =
  | { cmd: 'configure' }
  | { cmd: 'gen'; size: number; seed: string; out: string }
  | ({ cmd: 'transfer-server'; bind: string } & TransferArgs)
  | ({ cmd: 'transfer-client'; connect: string } & TransferArgs);

const FLAGS = new Set(['verify']);
const KNOWN: Record<string, string[]> = {
  configure: [],
  gen: ['size', 'seed', 'out'],
  'transfer-server': ['port', 'direction', 'size', 'duration-ms', 'seed', 'interval-ms', 'bind', 'timeout-ms', 'verify'],
  'transfer-client': ['connect', 'port', 'direction', 'size', 'duration-ms', 'seed', 'interval-ms', 'timeout-ms', 'verify'],
};

function intArg(opts: Map<string, string>, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = opts.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new AgentUsageError(`--${name} expects an integer from ${min} to ${max}, got "${v}"`);
  }
  return Number(v);
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new AgentUsageError(`--${name} is required`);
  return value;
}

/** Parses the agent's command line (without `node agent.js`); throws AgentUsageError. */
export function parseAgentArgs(argv: readonly string[]): AgentCommand {
  const [cmd, ...rest] = argv;
  const known = cmd === undefined ? undefined : KNOWN[cmd];
  if (cmd === undefined || known === undefined) {
    throw new AgentUsageError(`unknown command "${cmd ?? ''}"; expected one of ${Object.keys(KNOWN).join(', ')}`);
  }
  const opts = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? '';
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name === undefined || !known.includes(name)) throw new AgentUsageError(`${cmd}: unknown argument "${a}"`);
    if (opts.has(name)) throw new AgentUsageError(`${cmd}: --${name} given twice`);
    if (FLAGS.has(name)) {
      opts.set(name, 'true');
      continue;
    }
    const value = rest[++i];
    if (value === undefined) throw new AgentUsageError(`${cmd}: --${name} needs a value`);
    opts.set(name, value);
  }
  if (cmd === 'configure') return { cmd };
  if (cmd === 'gen') {
    return { cmd, size: required(intArg(opts, 'size', 0), 'size'), seed: required(opts.get('seed'), 'seed'), out: required(opts.get('out'), 'out') };
  }
  const direction = required(opts.get('direction'), 'direction');
  if (direction !== 'download' && direction !== 'upload') {
    throw new AgentUsageError(`--direction expects download or upload, got "${direction}"`);
  }
  const size = intArg(opts, 'size', 0);
  const durationMs = intArg(opts, 'duration-ms', 1);
  if ((size === undefined) === (durationMs === undefined)) throw new AgentUsageError(`${cmd}: give exactly one of --size and --duration-ms`);
  const common: TransferArgs = {
    port: required(intArg(opts, 'port', cmd === 'transfer-server' ? 0 : 1, 65535), 'port'),
    direction,
    size,
    durationMs,
    seed: required(opts.get('seed'), 'seed'),
    intervalMs: intArg(opts, 'interval-ms', 10) ?? 100,
    timeoutMs: intArg(opts, 'timeout-ms', 1),
    verify: opts.has('verify'),
  };
  if (cmd === 'transfer-server') return { cmd, bind: opts.get('bind') ?? '0.0.0.0', ...common };
  return { cmd: 'transfer-client', connect: required(opts.get('connect'), 'connect'), ...common };
}

// ---------------------------------------------------------------- configure (pure parts)

export type ConfigureStep = { sysctl: string; value: string } | { run: string[]; allowFail?: boolean };

export interface ConfigureInput {
  steps: ConfigureStep[];
  readback: { sysctls: string[]; devices: string[] };
}

export interface AgentInterface {
  address: string;
  ifname: string;
  prefixLength: number;
  /** ifindex of the peer (the host-side veth), from /sys/class/net/IF/iflink. */
  iflink: number | null;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Validates the configure document read from stdin; throws AgentUsageError naming the bad part. */
export function parseConfigureInput(text: string): ConfigureInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AgentUsageError(`configure: stdin is not JSON (${(e as Error).message})`);
  }
  const d = (doc ?? {}) as { steps?: unknown; readback?: { sysctls?: unknown; devices?: unknown } };
  if (!Array.isArray(d.steps)) throw new AgentUsageError('configure: "steps" must be an array');
  const steps = d.steps.map((s: unknown, i): ConfigureStep => {
    const o = (s ?? {}) as Json;
    if (typeof o.sysctl === 'string' && typeof o.value === 'string') {
      sysctlPath(o.sysctl); // a bad name fails the whole document before any step runs
      return { sysctl: o.sysctl, value: o.value };
    }
    if (isStringArray(o.run) && o.run.length > 0) return { run: o.run, allowFail: o.allowFail === true };
    throw new AgentUsageError(`configure: steps[${i}] must be {"sysctl","value"} (strings) or {"run": [argv...]}`);
  });
  const sysctls = d.readback?.sysctls ?? [];
  const devices = d.readback?.devices ?? [];
  if (!isStringArray(sysctls) || !isStringArray(devices)) {
    throw new AgentUsageError('configure: "readback.sysctls" and "readback.devices" must be arrays of strings');
  }
  sysctls.forEach(sysctlPath);
  return { steps, readback: { sysctls, devices } };
}

/** `ip -j -4 addr show` → one entry per IPv4 address (iflink left null: read from /sys). */
export function parseIpAddrJson(text: string): AgentInterface[] {
  const links = JSON.parse(text) as Array<{ ifname?: string; addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }> }>;
  const out: AgentInterface[] = [];
  for (const link of links) {
    for (const a of link.addr_info ?? []) {
      if (a.family === 'inet' && a.local && link.ifname) {
        out.push({ address: a.local, ifname: link.ifname, prefixLength: a.prefixlen ?? 32, iflink: null });
      }
    }
  }
  return out;
}

const IFNAME_PREFIX = '@ifname:';
const IFNAME_REF = /^@ifname:(\d{1,3}(?:\.\d{1,3}){3})$/;

/** Replaces every argv element exactly `@ifname:<ipv4>` by the interface holding that address. */
export function resolveIfnameRefs(argv: readonly string[], interfaces: readonly AgentInterface[]): string[] {
  return argv.map((a) => {
    if (!a.startsWith(IFNAME_PREFIX)) return a;
    const m = IFNAME_REF.exec(a);
    if (!m) throw new AgentUsageError(`"${a}" is not a valid reference: expected @ifname:<IPv4 address>`);
    const hit = interfaces.find((i) => i.address === m[1]);
    if (!hit) {
      throw new Error(`no interface holds address ${m[1]} (known: ${interfaces.map((i) => `${i.address}=${i.ifname}`).join(', ') || 'none'})`);
    }
    return hit.ifname;
  });
}

/** Maps a sysctl name to its /proc/sys path, accepting only net.mptcp.* and net.ipv4.* names. */
export function sysctlPath(name: string): string {
  // Digits are allowed under net.ipv4 so per-interface names (conf.eth1.rp_filter) work.
  if (!/^net\.mptcp\.[a-z_]+$/.test(name) && !/^net\.ipv4(\.[a-z0-9_]+)+$/.test(name)) {
    throw new AgentUsageError(`sysctl "${name}" is not allowed: expected net.mptcp.<name> or net.ipv4.<name>`);
  }
  return '/proc/sys/' + name.split('.').join('/');
}

/** Parses `ip mptcp limits show` (text on iproute2 6.1, which ignores -j; JSON on newer ones). */
export function parseLimits(text: string): { subflows: number | null; add_addr_accepted: number | null } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const j = JSON.parse(trimmed) as Json;
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    return { subflows: num(j.subflows), add_addr_accepted: num(j.add_addr_accepted) };
  }
  const pick = (key: string) => {
    const m = new RegExp(`(?:^|\\s)${key}\\s+(\\d+)`).exec(trimmed);
    return m ? Number(m[1]) : null;
  };
  return { subflows: pick('subflows'), add_addr_accepted: pick('add_addr_accepted') };
}

// ---------------------------------------------------------------- configure (effects)

class StepFailure extends Error {
  constructor(message: string, readonly detail: Json) {
    super(message);
  }
}

function run(argv: readonly string[], timeoutMs = 30_000): { exitCode: number; stdout: string; stderr: string } {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { exitCode: -1, stdout: '', stderr: r.error.message };
  return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function listInterfaces(): AgentInterface[] {
  const r = run(['ip', '-j', '-4', 'addr', 'show']);
  if (r.exitCode !== 0) throw new Error(`ip -j -4 addr show failed (${r.exitCode}): ${r.stderr.trim()}`);
  return parseIpAddrJson(r.stdout).map((i) => {
    let iflink: number | null = null;
    try {
      if (!i.ifname.includes('/')) iflink = Number(fs.readFileSync(`/sys/class/net/${i.ifname}/iflink`, 'utf8').trim());
    } catch {
      // A missing /sys entry leaves iflink unknown; the lab then cannot map this one to a veth.
    }
    return { ...i, iflink };
  });
}

function runConfigure(input: ConfigureInput, emit: Emit): void {
  let interfaces = listInterfaces();
  // Resolve every reference first: an unknown address fails before anything is changed.
  const argvs = input.steps.map((step) => ('run' in step ? resolveIfnameRefs(step.run, interfaces) : []));
  const steps: Json[] = [];
  input.steps.forEach((step, index) => {
    const t0 = performance.now();
    if ('sysctl' in step) {
      try {
        fs.writeFileSync(sysctlPath(step.sysctl), step.value);
      } catch (e) {
        throw new StepFailure(`step ${index} (sysctl ${step.sysctl}=${step.value}) failed: ${(e as Error).message}`, { step: index, sysctl: step.sysctl });
      }
      steps.push({ sysctl: step.sysctl, value: step.value, ms: Math.round(performance.now() - t0) });
      return;
    }
    const argv = argvs[index] ?? [];
    const r = run(argv);
    const ms = Math.round(performance.now() - t0);
    if (r.exitCode !== 0 && !step.allowFail) {
      throw new StepFailure(`step ${index} (${argv.join(' ')}) exited ${r.exitCode}: ${r.stderr.trim()}`, {
        step: index,
        argv,
        exitCode: r.exitCode,
        stderr: r.stderr,
        completedSteps: steps,
      });
    }
    steps.push(r.exitCode === 0 ? { argv, ms } : { argv, ms, exitCode: r.exitCode, stderr: r.stderr, failed: true });
  });
  interfaces = listInterfaces();
  const readbackErrors: string[] = [];
  const readJson = (argv: string[], parse: (text: string) => unknown = (t) => JSON.parse(t || 'null')): unknown => {
    const r = run(argv);
    try {
      if (r.exitCode !== 0) throw new Error(`exited ${r.exitCode}: ${r.stderr.trim()}`);
      return parse(r.stdout);
    } catch (e) {
      readbackErrors.push(`${argv.join(' ')}: ${(e as Error).message}`);
      return null;
    }
  };
  const sysctls: Record<string, string | null> = {};
  for (const name of input.readback.sysctls) {
    try {
      sysctls[name] = fs.readFileSync(sysctlPath(name), 'utf8').trim();
    } catch (e) {
      sysctls[name] = null;
      readbackErrors.push(`sysctl ${name}: ${(e as Error).message}`);
    }
  }
  const qdiscs: Record<string, unknown> = {};
  for (const dev of resolveIfnameRefs(input.readback.devices, interfaces)) qdiscs[dev] = readJson(['tc', '-j', 'qdisc', 'show', 'dev', dev]);
  emit({
    type: 'configured',
    interfaces,
    sysctls,
    endpoints: readJson(['ip', '-j', 'mptcp', 'endpoint', 'show']),
    limits: readJson(['ip', 'mptcp', 'limits', 'show'], parseLimits),
    qdiscs,
    steps,
    readbackErrors,
  });
}

// ---------------------------------------------------------------- gen

function writeAt(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void =>
      fs.write(fd, buf, off, buf.length - off, position + off, (err, n) => {
        if (err) reject(err);
        else if (off + n < buf.length) step(off + n);
        else resolve();
      });
    step(0);
  });
}

async function runGen(size: number, seed: string, out: string, emit: Emit): Promise<void> {
  const t0 = performance.now();
  const stream = new SeedStream(seed);
  const hash = createHash('sha256');
  const fd = fs.openSync(out, 'w');
  try {
    // Writes run on libuv's thread pool while this thread makes the next 4 MiB (AES + SHA):
    // on tmpfs the page allocation costs as much as the crypto, so overlapping halves the time.
    const inflight: Promise<void>[] = [];
    for (let done = 0; done < size; ) {
      const buf = stream.next(Math.min(ZEROS.length, size - done));
      hash.update(buf);
      const write = writeAt(fd, buf, done);
      write.catch(() => undefined); // awaited below; this only keeps a later failure from being "unhandled"
      inflight.push(write);
      done += buf.length;
      if (inflight.length >= 3) await inflight.shift();
    }
    await Promise.all(inflight);
  } finally {
    fs.closeSync(fd);
  }
  const ms = performance.now() - t0;
  emit({ type: 'generated', bytes: size, sha256: hash.digest('hex'), ms: Math.round(ms), mbPerS: Math.round(size / 1e3 / Math.max(ms, 1)) });
}

// ---------------------------------------------------------------- transfer

/**
 * The transfer's bytes: the seed's stream (SeedStream) repeated with a prime period,
 * stream[x] = seedStream[x mod TRANSFER_PERIOD]. The period is made once and then served
 * without any per-byte work: the sender writes slices of it, the receiver compares what
 * arrives with the slice it expects (memcmp). So every byte is verified at about the cost
 * of a copy, where SHA-256 on both ends (about 0.5 s of CPU per GB each, with SHA-NI) and
 * AES on the sender held the agent to a third of iperf3's rate.
 *
 * The period is small (256 KiB and a bit, plus the 1 MiB repeated after it) so that it stays
 * in the CPU's cache: the sender's copies into the socket and the receiver's memcmp read it
 * from there. With a 17 MB period they read it from memory, and on a loaded machine the
 * agent moved a third to a half of what it moved with this one (same run, interleaved).
 *
 * What the comparison catches: any changed, missing, extra, duplicated or reordered byte,
 * unless the result is equal to the stream anyway, which takes data displaced by a whole
 * multiple of the period. The period is prime (2^18 + 3), so no power-of-two distance (a
 * 32-bit sequence wrap, a buffer or segment size) is one, and a segment (at most 64 KiB)
 * lost or delivered twice always shifts what follows. The first period is exactly what
 * `gen` writes for the same seed.
 */
export const TRANSFER_PERIOD = 262_147;
/** The sender's write size. */
export const CHUNK_BYTES = 1024 * 1024;
/** The receiver's read buffer: one, reused, so reads allocate nothing. */
export const READ_BYTES = 1024 * 1024;
/** Slices up to this long are contiguous in the pool (its head is repeated after the period). */
const SLICE_MAX = Math.max(CHUNK_BYTES, READ_BYTES);

/** The transfer stream of one seed; slices are views into one pool, never copies. */
export class TransferStream {
  private readonly pool: Buffer;
  constructor(seed: string) {
    const s = new SeedStream(seed);
    this.pool = Buffer.allocUnsafe(TRANSFER_PERIOD + SLICE_MAX);
    for (let at = 0; at < TRANSFER_PERIOD; ) {
      const piece = s.next(Math.min(ZEROS.length, TRANSFER_PERIOD - at));
      at += piece.copy(this.pool, at);
    }
    // The head again after the period (as many times as a slice can be longer than the period).
    for (let at = TRANSFER_PERIOD; at < this.pool.length; at += TRANSFER_PERIOD) this.pool.copy(this.pool, at, 0, Math.min(TRANSFER_PERIOD, this.pool.length - at));
  }
  /** Bytes [offset, offset + n) of the stream, n <= SLICE_MAX: a view, not a copy. */
  slice(offset: number, n: number): Buffer {
    if (n > SLICE_MAX) throw new RangeError(`slice of ${n} bytes: at most ${SLICE_MAX}`);
    const at = offset % TRANSFER_PERIOD;
    return this.pool.subarray(at, at + n);
  }
}

/**
 * The receiver's check: each piece that arrives is compared with the stream's bytes at that
 * offset. `mismatchAt` is the offset of the first byte that differs (null while none does);
 * after it the bytes are only counted.
 */
export class StreamVerifier {
  bytes = 0;
  mismatchAt: number | null = null;
  constructor(private readonly stream: TransferStream) {}
  update(chunk: Buffer): void {
    if (this.mismatchAt === null) {
      for (let off = 0; off < chunk.length; off += SLICE_MAX) {
        const got = chunk.subarray(off, off + SLICE_MAX);
        const want = this.stream.slice(this.bytes + off, got.length);
        if (!got.equals(want)) {
          this.mismatchAt = this.bytes + off + firstDifference(got, want);
          break;
        }
      }
    }
    this.bytes += chunk.length;
  }
}

/** The digest both ends report: SHA-256 of what this end sent, or verified it received (see doneDigest). */
export function transferDigest(seed: string, bytes: number, mismatchAt: number | null = null): string {
  const what = { stream: 'mptcp-lab transfer v2', seed, period: TRANSFER_PERIOD, bytes, ...(mismatchAt === null ? {} : { mismatchAt }) };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

/** net's `onread` option: reads of up to READ_BYTES into one reused buffer, each checked by `verifier` at once. */
function userBufferReads(verifier: StreamVerifier): net.OnReadOpts {
  return {
    buffer: Buffer.allocUnsafe(READ_BYTES),
    callback: (n: number, buf: Uint8Array) => {
      verifier.update(Buffer.from(buf.buffer, buf.byteOffset, n));
      return true;
    },
  };
}

/**
 * Runs one side of a transfer on a connected socket; resolves with the done line.
 * A receiver whose socket was made with userBufferReads(verifier) is given that verifier
 * (`io.reads`); without one it reads 'data' events (Node's own 64 KiB buffers: slower, same check).
 *
 * The done line's `sha256` is transferDigest: the sender's says "these many bytes of the
 * seed's stream", the receiver's the same when it verified every byte it got, and another
 * (naming the first differing offset) when it did not. Equal digests: the same number of
 * bytes arrived as were sent, each the stream's.
 */
export function runTransferSide(
  sock: net.Socket,
  args: TransferArgs,
  role: 'sender' | 'receiver',
  emit: Emit,
  io: { stream?: TransferStream; reads?: StreamVerifier } = {},
): Promise<Json> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const elapsed = () => performance.now() - t0;
    const stream = io.stream ?? new TransferStream(args.seed);
    const verifier = io.reads ?? new StreamVerifier(stream);
    let sent = 0;
    const bytes = () => (role === 'sender' ? sent : verifier.bytes);
    let failure: string | undefined;
    let finished = false; // sender: all data handed to the socket and ended; receiver: EOF seen
    emit({ type: 'connected', role, localAddress: sock.localAddress, localPort: sock.localPort, remoteAddress: sock.remoteAddress, remotePort: sock.remotePort });
    // Progress is taken every intervalMs (each line carries its own time) but written in batches
    // about every PROGRESS_FLUSH_MS: the lab wakes once per write it reads, and at 10 ms sampling
    // two agents writing each line at once woke it 200 times a second (issue 17, measured by
    // `npm run bench -- --only cost`). The last batch goes out before the done line.
    const pending: Json[] = [];
    const flushEvery = Math.max(1, Math.round(PROGRESS_FLUSH_MS / args.intervalMs));
    const flush = (): void => {
      if (pending.length) emit(pending.splice(0));
    };
    const progress = setInterval(() => {
      pending.push({ type: 'progress', role, tMs: Math.round(elapsed()), bytes: bytes() });
      if (pending.length >= flushEvery) flush();
    }, args.intervalMs);
    // A reset, not a FIN: in duration mode the other end must not mistake the cut for an orderly end.
    const deadline =
      args.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            failure = failure ?? `timeout after ${args.timeoutMs} ms`;
            sock.resetAndDestroy();
          }, args.timeoutMs);
    sock.on('error', (e) => (failure = failure ?? e.message));
    sock.on('close', () => {
      clearInterval(progress);
      flush();
      if (deadline) clearTimeout(deadline);
      const n = bytes();
      let complete = finished && failure === undefined;
      if (role === 'receiver' && args.size !== undefined && n !== args.size) {
        complete = false;
        failure = failure ?? `received ${n} of ${args.size} bytes`;
      }
      const mismatchAt = role === 'receiver' ? verifier.mismatchAt : null;
      // This process's CPU over the transfer, for cost comparisons.
      const cpu = process.cpuUsage(cpu0);
      const done: Json = {
        type: 'done',
        role,
        bytes: n,
        sha256: transferDigest(args.seed, n, mismatchAt),
        ms: Math.round(elapsed()),
        complete,
        cpuMs: { user: Math.round(cpu.user / 1000), system: Math.round(cpu.system / 1000) },
      };
      if (role === 'receiver') done.mismatchAt = mismatchAt;
      if (!complete) done.error = failure ?? 'connection closed before the end of the stream';
      resolve(done);
    });
    if (role === 'receiver') {
      if (!io.reads) sock.on('data', (buf: Buffer) => verifier.update(buf));
      sock.on('end', () => (finished = true));
      return;
    }
    // The receiver sends nothing, but the readable side must flow or 'end'/'close' never fire.
    sock.resume();
    const pump = (): void => {
      while (!sock.destroyed) {
        const n = args.size === undefined ? CHUNK_BYTES : Math.min(CHUNK_BYTES, args.size - sent);
        if (n <= 0 || (args.durationMs !== undefined && elapsed() >= args.durationMs)) {
          finished = true;
          sock.end();
          return;
        }
        // A view of the pool: nothing is generated or copied per write.
        const buf = stream.slice(sent, n);
        sent += n;
        // Backpressure: stop at a full buffer, so memory stays at about one chunk.
        if (!sock.write(buf)) {
          sock.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const senderRole = (side: 'server' | 'client', d: Direction): 'sender' | 'receiver' =>
  (side === 'server') === (d === 'download') ? 'sender' : 'receiver';

/**
 * The accepted socket again, reading into one reused buffer (net's `onread`, which only
 * net.connect offers): a new Socket on the same handle, taken before it ever read (the
 * server pauses on connect). Node 18 and 20 both build sockets this way; if the handle is
 * not there, the accepted socket is used as it is, with 'data' events.
 */
function withUserBuffer(accepted: net.Socket, verifier: StreamVerifier): net.Socket {
  const handle = (accepted as unknown as { _handle?: unknown })._handle;
  if (!handle) {
    accepted.resume();
    return accepted;
  }
  return new net.Socket({ handle, onread: userBufferReads(verifier), readable: true, writable: true } as net.SocketConstructorOpts);
}

function runTransferServer(args: TransferArgs & { bind: string }, emit: Emit): Promise<Json> {
  return new Promise((resolve, reject) => {
    // --timeout-ms also bounds the wait for the client, so a lab that never connects leaves no server behind.
    const waiting = args.timeoutMs === undefined ? undefined : setTimeout(() => {
      server.close();
      reject(new Error(`no connection within ${args.timeoutMs} ms`));
    }, args.timeoutMs);
    let accepted = false;
    const role = senderRole('server', args.direction);
    // Made before listening, so the transfer's first write or read waits for nothing.
    const stream = new TransferStream(args.seed);
    const server = net.createServer({ pauseOnConnect: true }, (conn) => {
      // One connection only: a second one is refused by closing it.
      if (accepted) return void conn.destroy();
      accepted = true;
      if (waiting) clearTimeout(waiting);
      const verifier = new StreamVerifier(stream);
      const sock = role === 'receiver' ? withUserBuffer(conn, verifier) : conn.resume();
      // Keep LISTENING until the transfer ends: under MPTCP the listening socket is what answers
      // the MP_JOIN SYNs of the extra subflows; closed, it refuses them (RST, ECONNREFUSED).
      const done = () => server.close();
      runTransferSide(sock, args, role, emit, { stream, ...(sock === conn ? {} : { reads: verifier }) }).then(
        (r) => (done(), resolve(r)),
        (e: unknown) => (done(), reject(e)),
      );
    });
    server.on('error', reject);
    server.listen(args.port, args.bind, () => {
      const addr = server.address() as net.AddressInfo;
      emit({ type: 'listening', port: addr.port, address: addr.address });
    });
  });
}

function runTransferClient(args: TransferArgs & { connect: string }, emit: Emit): Promise<Json> {
  return new Promise((resolve, reject) => {
    const role = senderRole('client', args.direction);
    const stream = new TransferStream(args.seed);
    const verifier = new StreamVerifier(stream);
    const sock = net.connect({ host: args.connect, port: args.port, ...(role === 'receiver' ? { onread: userBufferReads(verifier) } : {}) });
    const onError = (e: Error) => reject(new Error(`connect to ${args.connect}:${args.port} failed: ${e.message}`));
    // Without this a blackholed SYN waits for the kernel's retries (about two minutes).
    const waiting = args.timeoutMs === undefined ? undefined : setTimeout(() => sock.destroy(new Error(`no answer within ${args.timeoutMs} ms`)), args.timeoutMs);
    sock.once('error', onError);
    sock.once('connect', () => {
      if (waiting) clearTimeout(waiting);
      sock.off('error', onError);
      runTransferSide(sock, args, role, emit, { stream, ...(role === 'receiver' ? { reads: verifier } : {}) }).then(resolve, reject);
    });
  });
}

// ---------------------------------------------------------------- main

/** Runs one agent command; resolves with the process exit code. */
export async function main(argv: readonly string[], emit: Emit = emitStdout): Promise<number> {
  try {
    const c = parseAgentArgs(argv);
    if (c.cmd === 'configure') runConfigure(parseConfigureInput(fs.readFileSync(0, 'utf8')), emit);
    else if (c.cmd === 'gen') await runGen(c.size, c.seed, c.out, emit);
    else {
      const done = await (c.cmd === 'transfer-server' ? runTransferServer(c, emit) : runTransferClient(c, emit));
      emit(done);
      return done.complete === true ? 0 : 1;
    }
    return 0;
  } catch (e) {
    const detail = e instanceof StepFailure ? e.detail : {};
    emit({ type: 'error', message: (e as Error).message, ...detail });
    return e instanceof AgentUsageError ? 2 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
