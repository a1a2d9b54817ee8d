/**
 * The per-subflow reader that costs almost nothing: one sock_diag netlink socket opened in the
 * lab host's network namespace from the Docker host (`nsenter --target PID --net python3
 * subflow-diag.py PORT DUMP_MS`, the host's python3 and nothing beyond its standard library),
 * which asks for each known subflow by its exact id (a hash lookup, about 0.05 ms per read of
 * two subflows here) and dumps the established table only when a subflow may have come or gone.
 * `ss` asks for a dump on every read: a walk of the kernel's whole established hash, 3-4 ms
 * of kernel time, plus a process start (about 5.7 ms per read in all, measured 2026-12-02).
 *
 * Same SubflowStat as the ss reader (subflow-stats.ts), so the series, the stall explanation
 * and the report do not know which one read them; the record says which (sampling.subflows.reader).
 * Where python3 is missing or its first read fails, `subflowReader` falls back to ss and says why.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findOnPath } from '../runtime/vm/host-tools';
import { startSession, subflowStatsReader, type SubflowStat, type SubflowStatsReader } from './subflow-stats';

export const DIAG_HELPER = join(__dirname, 'subflow-diag.py');

/**
 * A dump at least this often, ms, beside those the join and removal counters ask for
 * (pass-subflows.ts): a safety net, not the way a join is found. At 1000 ms a 14 s two-vlan
 * pass dumped 16 times: about 30 ms (1.8 ms a dump) of the reader's 120 ms of CPU (2026-12-02).
 */
export const DUMP_EVERY_MS = 5000;

/** The reader's kind, for the record. */
export type SubflowReaderKind = 'sock_diag' | 'ss';

/** The python3 to run the helper with: Debian's own first (a pyenv shim is a shell script and costs 100 ms per start), else the first on PATH. */
export function findPython(dirs: readonly string[] = (process.env.PATH ?? '').split(delimiter)): string | undefined {
  return findOnPath('python3', ['/usr/bin', ...dirs]);
}

/** The helper's argv for the namespace of `pid`: isolated (-I) and without site packages (-S), so it starts in about 30 ms. */
export function subflowDiagArgv(pid: number, port: number, opts: { python: string; nsenter?: string; dumpEveryMs?: number; helper?: string }): string[] {
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`subflow diag: bad pid ${pid}`);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`subflow diag: bad port ${port}`);
  return [opts.nsenter ?? 'nsenter', '--target', String(pid), '--net', opts.python, '-I', '-S', opts.helper ?? DIAG_HELPER, String(port), String(opts.dumpEveryMs ?? DUMP_EVERY_MS)];
}

interface Reply {
  ok: boolean;
  error?: string;
  dumped?: boolean;
  stats?: Array<Omit<SubflowStat, 'rttMs' | 'rttVarMs' | 'cwnd' | 'rtoMs' | 'deliveryRateBps'> & Record<'rttMs' | 'rttVarMs' | 'cwnd' | 'rtoMs' | 'deliveryRateBps', number | null>>;
}

/** One helper reply line → SubflowStats (null figures become NaN, as the ss parser leaves absent ones); throws on an error reply. */
export function parseDiagReply(line: string): { stats: SubflowStat[]; dumped: boolean } {
  const r = JSON.parse(line) as Reply;
  if (!r.ok) throw new Error(`subflow diag: ${r.error ?? 'failed'}`);
  const nan = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);
  const stats = (r.stats ?? []).map(
    (s): SubflowStat => ({
      ...s,
      rttMs: nan(s.rttMs),
      rttVarMs: nan(s.rttVarMs),
      cwnd: nan(s.cwnd),
      rtoMs: nan(s.rtoMs),
      deliveryRateBps: nan(s.deliveryRateBps),
    }),
  );
  return { stats, dumped: r.dumped === true };
}

export interface DiagReader extends SubflowStatsReader {
  /** Reads; `fresh` asks for a dump (a subflow may have joined or gone: the caller saw a join counter move). */
  read(fresh?: boolean): Promise<SubflowStat[]>;
  /** Reads that dumped the table (the rest were exact lookups). */
  readonly dumps: number;
}

/** The helper's framing: one JSON line per reply. */
function diagFrame(buf: string): { reply: { stats: SubflowStat[]; dumped: boolean } | Error; rest: string } | undefined {
  const eol = buf.indexOf('\n');
  if (eol < 0) return undefined;
  let reply: { stats: SubflowStat[]; dumped: boolean } | Error;
  try {
    reply = parseDiagReply(buf.slice(0, eol));
  } catch (e) {
    reply = e as Error;
  }
  return { reply, rest: buf.slice(eol + 1) };
}

/** The sock_diag reader of the subflows on `port` in the namespace of `pid`. */
export function subflowDiagReader(pid: number, port: number, opts: { python: string; nsenter?: string; dumpEveryMs?: number; helper?: string }): DiagReader {
  const argv = subflowDiagArgv(pid, port, opts);
  const session = startSession(argv, diagFrame, 'subflow diag helper');
  let dumps = 0;
  return {
    argv,
    get pid() {
      return session.pid;
    },
    get dumps() {
      return dumps;
    },
    async read(fresh = false) {
      const r = await session.request(fresh ? 'd' : 'q');
      if (r.dumped) dumps++;
      return r.stats;
    },
    close: () => session.close(),
  };
}

export interface SubflowReader extends DiagReader {
  /** Which reader the reads came from: sock_diag, or ss after a fallback (then `fallback` says why). */
  readonly kind: SubflowReaderKind;
  readonly fallback?: string;
}

/**
 * The sender's subflow reader for a pass: sock_diag through python3 when there is one, else
 * (or when the helper's first read fails) the ss session, with the reason kept for the record.
 * CPU of the reader is its process's (pid): after a fallback, the ss session's.
 */
export function subflowReader(pid: number, port: number, opts: { python?: string | null; dumpEveryMs?: number; helper?: string; env?: NodeJS.ProcessEnv } = {}): SubflowReader {
  // MPTCP_LAB_SUBFLOW_READER=ss asks for ss (to compare the two readers, or to rule the helper out).
  const askedSs = (opts.env ?? process.env).MPTCP_LAB_SUBFLOW_READER === 'ss';
  const python = opts.python === null || askedSs ? undefined : (opts.python ?? findPython());
  let fallback: string | undefined = askedSs
    ? 'MPTCP_LAB_SUBFLOW_READER=ss: ss reads the subflows'
    : python
      ? undefined
      : 'no python3 on this host for the sock_diag helper: ss reads the subflows (about 5 ms of CPU per read)';
  if (python && !existsSync(opts.helper ?? DIAG_HELPER)) fallback = `the sock_diag helper ${opts.helper ?? DIAG_HELPER} is missing: ss reads the subflows`;
  let diag: DiagReader | undefined = fallback ? undefined : subflowDiagReader(pid, port, { python: python!, dumpEveryMs: opts.dumpEveryMs, helper: opts.helper });
  let ss: SubflowStatsReader | undefined = fallback ? subflowStatsReader(pid, port) : undefined;
  let anyRead = false;
  return {
    get kind() {
      return diag ? 'sock_diag' : 'ss';
    },
    get fallback() {
      return fallback;
    },
    get argv() {
      return (diag ?? ss)!.argv;
    },
    get pid() {
      return (diag ?? ss)!.pid;
    },
    get dumps() {
      return diag?.dumps ?? 0;
    },
    async read(fresh = false) {
      if (diag) {
        try {
          const s = await diag.read(fresh);
          anyRead = true;
          return s;
        } catch (e) {
          // A helper that never answered (python too old, nsenter refused) gives way to ss; one that worked and then failed is a failed read.
          if (anyRead) throw e;
          fallback = `the sock_diag helper failed its first read (${(e as Error).message}): ss reads the subflows`;
          await diag.close();
          diag = undefined;
          ss = subflowStatsReader(pid, port);
        }
      }
      return ss!.read();
    },
    async close() {
      await diag?.close();
      await ss?.close();
    },
  };
}
