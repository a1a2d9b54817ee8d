/**
 * Per-subflow TCP state of the connection under test: bytes acked, RTT, cwnd, RTO,
 * retransmits, backoff and state of every subflow, from `ss -tiMn` run in the host's network
 * namespace *from the Docker host* (`nsenter --target PID --net ss ...`, the host's own
 * iproute2), so no `docker exec` per sample. The parser is pure; the reader takes an
 * injectable runner, and subflowSeriesFrom() turns a run's readings into RunRecord.subflowSeries.
 *
 * `ss -tiMn` prints each socket as a header line (`tcp ESTAB 0 0 A:P B:Q`; without the state
 * column when a `state` filter is given) and a tab-indented detail line of `key:value` words
 * (`rtt:3.329/0.644 rto:204 cwnd:627 bytes_acked:1155042515 retrans:0/10 backoff:2 ...`).
 * An MPTCP subflow's detail carries `tcp-ulp-mptcp flags:.. token:<remote>(id:r)/<local>(id:l)`.
 */
import { execFile, spawn } from 'node:child_process';
import type { SubflowSeries } from '../model/record';

/** One TCP socket (an MPTCP subflow, or a plain TCP connection) as ss showed it. */
export interface SubflowStat {
  /** `10.180.3.2:8080` (IPv4-mapped IPv6 `[::ffff:a.b.c.d]` is written as IPv4). */
  local: string;
  remote: string;
  /** ss's state word (`ESTAB`, `FIN-WAIT-1`...); the filter's state when ss printed no state column. */
  state: string;
  /** Smoothed RTT and its variation, ms (`rtt:a/b`); NaN when absent. */
  rttMs: number;
  rttVarMs: number;
  /** Retransmission timeout, ms (`rto:`); NaN when absent. */
  rtoMs: number;
  /** Congestion window, segments; NaN when absent. */
  cwnd: number;
  /** Slow-start threshold, segments; undefined while still in the initial slow start. */
  ssthresh?: number;
  /** Segments retransmitted over the socket's life (tcpi_total_retrans, the b of `retrans:a/b`). */
  retrans: number;
  /** Retransmitted segments not yet recovered (tcpi_retransmits, the a of `retrans:a/b`). */
  retransNow: number;
  /** RTO backoff exponent (icsk_backoff; ss prints `backoff:` only when non-zero). */
  backoff: number;
  /** Bytes the peer acknowledged (tcpi_bytes_acked), sent (incl. retransmits), retransmitted, received. */
  bytesAcked: number;
  bytesSent: number;
  bytesRetrans: number;
  bytesReceived: number;
  /** Segments sent but not yet acknowledged, and counted lost. */
  unacked: number;
  lost: number;
  /** `delivery_rate`, bit/s; NaN when absent. */
  deliveryRateBps: number;
  /** Congestion control (`cubic`, `bbr`, `reno`) when printed. */
  cc?: string;
  /** The socket's address family: an IPv4 peer of a dual-stack listener is inet6 (`[::ffff:a.b.c.d]`). */
  family: 'inet' | 'inet6';
  /** MPTCP: this host's token of the connection, and the subflow's local/remote address ids. Absent on plain TCP. */
  mptcp?: { token: string; localId: number; remoteId: number; backup: boolean; flags: string };
}

const num = (s: string | undefined): number => (s === undefined || s === '' ? NaN : Number(s));

/** `[::ffff:10.1.2.3]:80` → `10.1.2.3:80`; other addresses as printed. */
export function normalizeEndpoint(ep: string): string {
  const m = /^\[::ffff:(\d+\.\d+\.\d+\.\d+)\]:(\d+|\*)$/i.exec(ep);
  return m ? `${m[1]}:${m[2]}` : ep;
}

/** The address part of `a.b.c.d:port` or `[v6]:port`. */
export function endpointAddress(ep: string): string {
  const i = ep.lastIndexOf(':');
  const a = i > 0 ? ep.slice(0, i) : ep;
  return a.startsWith('[') && a.endsWith(']') ? a.slice(1, -1) : a;
}

// Netid is printed only when more than one socket type is listed (`-tM`), State only without a
// `state` filter: `tcp ESTAB 0 0 A B`, `tcp 0 0 A B`, `ESTAB 0 0 A B` and `0 0 A B` all occur.
const HEAD = /^(?:(tcp|mptcp)\s+)?(?:([A-Z][A-Z0-9-]*)\s+)?(\d+)\s+(\d+)\s+(\S+)\s+(\S+)/;

interface Raw {
  netid: string;
  state?: string;
  local: string;
  remote: string;
  detail: string;
}

function rawSockets(text: string): Raw[] {
  const out: Raw[] = [];
  for (const line of text.split('\n')) {
    const head = HEAD.exec(line);
    if (head) out.push({ netid: head[1] ?? 'tcp', state: head[2], local: head[5]!, remote: head[6]!, detail: '' });
    else if (/^\s/.test(line) && out.length > 0) out[out.length - 1]!.detail += ` ${line.trim()}`;
  }
  return out;
}

function fields(detail: string): { kv: Record<string, string>; words: string[] } {
  const kv: Record<string, string> = {};
  const words = detail.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const colon = w.indexOf(':');
    if (colon > 0) kv[w.slice(0, colon)] = w.slice(colon + 1);
    // `send 123bps`, `pacing_rate 456bps`, `delivery_rate 789bps`: a name and its value as two words.
    else if (/^(send|pacing_rate|delivery_rate)$/.test(w) && words[i + 1]) kv[w] = words[++i]!;
  }
  return { kv, words };
}

const CC = new Set(['cubic', 'bbr', 'reno', 'bic', 'dctcp', 'htcp', 'vegas', 'westwood', 'illinois', 'hybla', 'scalable', 'highspeed', 'lp', 'veno', 'yeah', 'nv', 'cdg']);

/**
 * The TCP sockets in `ss -tiMn` output (MPTCP subflows and plain TCP), with their counters.
 * `defaultState` names the state when ss printed no state column (output of a `state X` filter).
 * Without a Netid column (ss was asked for `-t` only) every socket is TCP.
 */
export function parseSubflowStats(text: string, defaultState = 'ESTAB'): SubflowStat[] {
  return rawSockets(text)
    .filter((s) => s.netid === 'tcp')
    .map((s) => {
      const { kv, words } = fields(s.detail);
      const [rtt, rttVar] = (kv.rtt ?? '').split('/');
      const [retransNow, retransTotal] = (kv.retrans ?? '').split('/');
      const rate = /^([\d.]+)bps$/.exec(kv.delivery_rate ?? '');
      const stat: SubflowStat = {
        local: normalizeEndpoint(s.local),
        remote: normalizeEndpoint(s.remote),
        state: s.state ?? defaultState,
        family: s.local.startsWith('[') ? 'inet6' : 'inet',
        rttMs: num(rtt),
        rttVarMs: num(rttVar),
        rtoMs: num(kv.rto),
        cwnd: num(kv.cwnd),
        ...(kv.ssthresh !== undefined ? { ssthresh: num(kv.ssthresh) } : {}),
        // `retrans:a/b`: a is unrecovered now, b the total; absent when both are 0.
        retrans: retransTotal !== undefined ? num(retransTotal) : 0,
        retransNow: retransNow !== undefined && retransNow !== '' ? num(retransNow) : 0,
        backoff: num(kv.backoff ?? '0'),
        bytesAcked: num(kv.bytes_acked ?? '0'),
        bytesSent: num(kv.bytes_sent ?? '0'),
        bytesRetrans: num(kv.bytes_retrans ?? '0'),
        bytesReceived: num(kv.bytes_received ?? '0'),
        unacked: num(kv.unacked ?? '0'),
        lost: num(kv.lost ?? '0'),
        deliveryRateBps: rate ? Number(rate[1]) : NaN,
      };
      const cc = words.find((w) => CC.has(w));
      if (cc) stat.cc = cc;
      if (words.includes('tcp-ulp-mptcp')) {
        const tok = /^([0-9a-f]+)\(id:(\d+)\)\/([0-9a-f]+)\(id:(\d+)\)$/.exec(kv.token ?? '');
        const flags = kv.flags ?? '';
        stat.mptcp = {
          token: tok?.[3] ?? '',
          localId: Number(tok?.[4] ?? -1),
          remoteId: Number(tok?.[2] ?? -1),
          // Uppercase flags are the peer's, lowercase this host's: B/b = backup.
          backup: /[Bb]/.test(flags),
          flags,
        };
      }
      return stat;
    });
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs argv (no shell) and resolves with its output; never rejects for a non-zero exit. */
export type Runner = (argv: readonly string[]) => Promise<RunResult>;

/** The default runner: execFile, argv as given, 5 s timeout. */
export const execRunner: Runner = (argv) =>
  new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: 5000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (err && typeof code === 'string') return reject(err); // ENOENT: nsenter or ss missing
      resolve({ stdout, stderr, exitCode: err ? ((err as { code?: number }).code ?? 1) : 0 });
    });
  });

export interface SubflowStatsOptions {
  /**
   * One command per read, argv → output (tests inject one; so can a caller who wants a fresh
   * process per read). Default: one persistent `nsenter … sh` for the reader's life, which runs
   * ss once per read (no Node spawn per sample): close() ends it.
   */
  run?: Runner;
  /** Which address families to dump. `auto` (default): both until the subflows are seen, then theirs only (each family is a walk of the kernel's whole established hash). */
  family?: 'auto' | 'inet' | 'inet6' | 'both';
  /** Binaries on the Docker host (default: found on PATH). */
  nsenter?: string;
  ss?: string;
}

export interface SubflowStatsReader {
  /** The command the last read ran (for the record and for errors). */
  readonly argv: readonly string[];
  /** The established TCP sockets on the port in the host's namespace: the subflows of the connection(s) on it. */
  read(): Promise<SubflowStat[]>;
  /** Ends the persistent session, if any (idempotent). Call it in a finally. */
  close(): Promise<void>;
  /** The persistent session's PID while it runs (its CPU is the reader's cost); undefined without one. */
  readonly pid?: number;
}

type Family = 'inet' | 'inet6' | 'both';
const FAMILY_FLAG: Record<Family, string[]> = { inet: ['-4'], inet6: ['-6'], both: [] };

function checkTarget(pid: number, port: number): void {
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`subflow stats: bad pid ${pid}`);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`subflow stats: bad port ${port}`);
}

/** ss's arguments: TCP only (the subflows carry the MPTCP ULP info; no MPTCP-level dump needed), with info, numeric, no header. */
function ssArgs(port: number): string[] {
  return ['-tinH', 'state', 'established', `( sport = :${port} or dport = :${port} )`];
}

/** The argv that lists the established sockets on `port` in the network namespace of `pid`. */
export function subflowStatsArgv(pid: number, port: number, opts: Pick<SubflowStatsOptions, 'nsenter' | 'ss'> & { family?: Family } = {}): string[] {
  checkTarget(pid, port);
  return [opts.nsenter ?? 'nsenter', '--target', String(pid), '--net', opts.ss ?? 'ss', ...FAMILY_FLAG[opts.family ?? 'both'], ...ssArgs(port)];
}

/**
 * The persistent session's shell: for each line read (4, 6 or anything else) it runs ss with
 * that family and prints an end marker with ss's exit code. It ends when its stdin closes, so
 * a dead lab process leaves nothing behind. Values arrive as positional arguments, never as text.
 */
export const SESSION_SCRIPT =
  'ss=$1; shift; while read -r f; do case "$f" in 4) "$ss" -4 "$@" 2>&1;; 6) "$ss" -6 "$@" 2>&1;; *) "$ss" "$@" 2>&1;; esac; echo "@@END $?"; done';

/** A long-lived child that answers one request per write: `frame` takes one reply off the front of what it printed. */
export interface Session<T> {
  readonly pid: number | undefined;
  request(line: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts `argv` as a session: each request writes a line to its stdin and waits for the reply
 * `frame` finds in its stdout (undefined: not complete yet; an Error rejects that request). It
 * ends when its stdin closes, so a dead lab process leaves nothing behind.
 */
export function startSession<T>(argv: readonly string[], frame: (buf: string) => { reply: T | Error; rest: string } | undefined, what: string): Session<T> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let buf = '';
  let stderr = '';
  let waiting: { resolve: (r: T) => void; reject: (e: Error) => void } | undefined;
  let ended: Error | undefined;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  child.stdout.on('data', (d: string) => {
    buf += d;
    if (!waiting) return;
    const f = frame(buf);
    if (!f) return;
    buf = f.rest;
    const w = waiting;
    waiting = undefined;
    if (f.reply instanceof Error) w.reject(f.reply);
    else w.resolve(f.reply);
  });
  const fail = (e: Error) => {
    ended ??= e;
    waiting?.reject(e);
    waiting = undefined;
  };
  child.once('error', (e) => fail(e));
  child.once('close', (code) => fail(new Error(`the ${what} (${argv.slice(0, 5).join(' ')} …) ended (exit ${code}): ${stderr.trim().split('\n').slice(-1)[0] || 'no output'}`)));
  child.stdin.on('error', () => undefined);
  return {
    pid: child.pid,
    request(line) {
      if (ended) return Promise.reject(ended);
      if (waiting) return Promise.reject(new Error(`${what}: a read is still running`));
      return new Promise<T>((resolve, reject) => {
        waiting = { resolve, reject };
        child.stdin.write(`${line}\n`);
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        const t = setTimeout(() => child.kill('SIGKILL'), 1000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** The ss session's framing: output up to `@@END <exit code>`; ss's stderr is merged into stdout by the script, so on failure that is the message. */
function ssFrame(buf: string): { reply: RunResult; rest: string } | undefined {
  const m = /@@END (\d+)\n/.exec(buf);
  if (!m) return undefined;
  const out = buf.slice(0, m.index);
  const exitCode = Number(m[1]);
  return { reply: { stdout: exitCode === 0 ? out : '', stderr: exitCode === 0 ? '' : out, exitCode }, rest: buf.slice(m.index + m[0].length) };
}

/**
 * Reads the subflows on `port` in the network namespace of `pid` (a lab host's init, as
 * LabHost.pid). Run it on the data *sender*: its side has cwnd, RTT, RTO, retransmits and
 * bytes acked (the receiver's subflows show little beyond bytes received). By default one
 * persistent `nsenter --target PID --net sh` runs ss once per read; with `run`, each read is
 * one command. Cost per read: see the report of issue 15 and the measuring test.
 */
export function subflowStatsReader(pid: number, port: number, opts: SubflowStatsOptions = {}): SubflowStatsReader {
  checkTarget(pid, port);
  const fixed = opts.family && opts.family !== 'auto' ? opts.family : undefined;
  let family: Family = fixed ?? 'both';
  let argv = subflowStatsArgv(pid, port, { ...opts, family });
  let session: Session<RunResult> | undefined;
  const sessionArgv = [opts.nsenter ?? 'nsenter', '--target', String(pid), '--net', 'sh', '-c', SESSION_SCRIPT, 'sh', opts.ss ?? 'ss', ...ssArgs(port)];
  return {
    get argv() {
      return argv;
    },
    get pid() {
      return session?.pid;
    },
    async read() {
      argv = subflowStatsArgv(pid, port, { ...opts, family });
      let r: RunResult;
      if (opts.run) r = await opts.run(argv);
      else {
        session ??= startSession(sessionArgv, ssFrame, 'subflow stats session');
        r = await session.request(family === 'inet' ? '4' : family === 'inet6' ? '6' : 'a');
      }
      if (r.exitCode !== 0) throw new Error(`${argv.slice(0, 5).join(' ')} … failed (exit ${r.exitCode}): ${r.stderr.trim() || 'no output'}`);
      const stats = parseSubflowStats(r.stdout, 'ESTAB');
      if (!fixed) {
        // Narrow to the family the subflows are in; widen again when a narrowed read finds none.
        const seen = new Set(stats.map((s) => s.family));
        family = seen.size === 1 ? [...seen][0]! : 'both';
      }
      return stats;
    },
    async close() {
      await session?.close();
    },
  };
}

/** Whether this host's ss lists MPTCP sockets (`-M`, iproute2 ≥ 5.10): run `ss -Mn` and look for a usage error. */
export async function ssSupportsMptcp(run: Runner = execRunner, ss = 'ss'): Promise<{ ok: boolean; reason: string }> {
  try {
    const r = await run([ss, '-MnH']);
    if (r.exitCode === 0) return { ok: true, reason: 'ss -M answers' };
    return { ok: false, reason: `ss -M failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''} — iproute2 >= 5.10 is needed` };
  } catch (e) {
    return { ok: false, reason: `ss could not run: ${(e as Error).message} (package iproute2)` };
  }
}

/** One read of one host: when (ms on the lab clock, from the traffic start) and what it gave. */
export interface SubflowReading {
  tMs: number;
  host: string;
  stats: readonly SubflowStat[];
}

/**
 * RunRecord.subflowSeries from a run's readings: one series per subflow (host + local +
 * remote), its path found from the local or remote address. A subflow absent from a reading
 * (not yet joined, or gone) has no sample at that time: each series has its own t[].
 */
export function subflowSeriesFrom(readings: readonly SubflowReading[], pathOfAddress: (address: string) => string | undefined): SubflowSeries[] {
  const byKey = new Map<string, SubflowSeries>();
  for (const r of readings) {
    for (const s of r.stats) {
      const key = `${r.host} ${s.local} ${s.remote}`;
      let series = byKey.get(key);
      if (!series) {
        const path = pathOfAddress(endpointAddress(s.local)) ?? pathOfAddress(endpointAddress(s.remote)) ?? '';
        series = { host: r.host, path, local: s.local, remote: s.remote, t: [], rttMs: [], cwnd: [], rtoMs: [], retrans: [], backoff: [], bytesAcked: [], unacked: [], state: [] };
        if (s.mptcp) {
          series.localId = s.mptcp.localId;
          series.token = s.mptcp.token;
        }
        byKey.set(key, series);
      }
      series.t.push(Math.round(r.tMs));
      // NaN is not JSON: an absent figure is recorded as null.
      series.rttMs.push(Number.isFinite(s.rttMs) ? s.rttMs : null);
      series.cwnd.push(Number.isFinite(s.cwnd) ? s.cwnd : null);
      series.rtoMs.push(Number.isFinite(s.rtoMs) ? s.rtoMs : null);
      series.retrans.push(s.retrans);
      series.backoff.push(s.backoff);
      series.bytesAcked.push(s.bytesAcked);
      series.unacked?.push(s.unacked);
      series.state.push(s.state);
    }
  }
  return [...byKey.values()];
}
