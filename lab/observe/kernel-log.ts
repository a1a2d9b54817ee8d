/**
 * The kernel log, filtered to MPTCP: `dmesg` text (`[  123.456789] msg`) or /dev/kmsg
 * records (`6,1234,123456789,-;msg`). A WARNING/BUG report spans many lines and names
 * mptcp only in its call trace, so such a report is taken whole: its first line is kept,
 * marked as an error, when any line up to `---[ end trace` mentions mptcp.
 *
 * With printk.time=0 the lines carry no timestamp. They are kept, not dropped (the seed's
 * `csum is wrong` must count whatever the kernel's settings), stamped with the time of the
 * read and marked `untimed`; lines already in the log at the mark are told apart by text.
 */
import { execFile } from 'node:child_process';

export interface KernelLogLine {
  /** Seconds since boot on the kernel's log clock. */
  tS: number;
  line: string;
  /** A known bad sign: a failed DSS checksum, MP_FAIL, or a WARNING/BUG involving mptcp. */
  error: boolean;
  /** The line had no timestamp: `tS` is when the log was read (or NaN when that was not given). */
  untimed?: boolean;
}

/** Where a run's kernel log starts: the kernel clock then, and the untimed MPTCP lines already logged (to leave out later). */
export interface KernelLogMark {
  monotonicS: number;
  untimedBefore: string[];
}

const MPTCP = /mptcp/i;
const BAD = /mptcp_verif_dss_csum|csum is wrong|MP_FAIL|\bBUG:|\bWARNING:/;
const REPORT_START = /\b(?:WARNING:|BUG:|kernel BUG at|Oops|general protection fault|UBSAN:)/;
const REPORT_END = /---\[ end trace/;
/** A report with no end marker stops here, so a lone WARNING cannot swallow the rest of the log. */
const REPORT_MAX_LINES = 80;

/** A /dev/kmsg dictionary continuation (` SUBSYSTEM=net`): metadata, not a message. */
const KMSG_CONTINUATION = /^ [A-Z][A-Z0-9_]*=/;

function splitRecord(raw: string): { tS?: number; msg: string } | undefined {
  const dmesg = /^(?:[a-z]+\s*:[a-z]+\s*:\s*)?\[\s*(\d+\.\d+)\]\s?(.*)$/.exec(raw);
  if (dmesg) return { tS: Number(dmesg[1]), msg: dmesg[2]! };
  const kmsg = /^\d+,\d+,(\d+),[^;]*;(.*)$/.exec(raw);
  if (kmsg) return { tS: Number(kmsg[1]) / 1e6, msg: kmsg[2]! };
  if (raw.trim() === '' || KMSG_CONTINUATION.test(raw)) return undefined;
  // printk.time=0: a message with no stamp, possibly behind a `facility:level: ` prefix (dmesg -x).
  return { msg: raw.replace(/^[a-z]+\s*:[a-z]+\s*:\s*/, '') };
}

/**
 * MPTCP-related lines logged after `sinceMonotonicS` (all when omitted). Untimed lines cannot
 * be placed before or after it, so they are all kept, stamped `readAtS` and marked `untimed`.
 */
export function parseKernelLog(text: string, sinceMonotonicS?: number, readAtS = NaN): KernelLogLine[] {
  const out: KernelLogLine[] = [];
  let report: { head: { tS?: number; msg: string }; mptcpLine?: string; lines: number } | undefined;
  const push = (tS: number | undefined, line: string, error: boolean) =>
    out.push(tS === undefined ? { tS: readAtS, line, error, untimed: true } : { tS, line, error });
  const closeReport = () => {
    if (report?.mptcpLine !== undefined) {
      const { head, mptcpLine } = report;
      const line = MPTCP.test(head.msg) ? head.msg : `${head.msg} [trace: ${mptcpLine.trim()}]`;
      push(head.tS, line, true);
    }
    report = undefined;
  };
  for (const raw of text.split('\n')) {
    const rec = splitRecord(raw);
    if (!rec) continue;
    if (REPORT_START.test(rec.msg) && !(report && /^\s/.test(rec.msg))) {
      closeReport();
      report = { head: rec, lines: 0, ...(MPTCP.test(rec.msg) ? { mptcpLine: rec.msg } : {}) };
      continue;
    }
    if (report) {
      report.lines++;
      if (report.mptcpLine === undefined && MPTCP.test(rec.msg)) report.mptcpLine = rec.msg;
      if (REPORT_END.test(rec.msg) || report.lines >= REPORT_MAX_LINES) closeReport();
      continue;
    }
    if (MPTCP.test(rec.msg) || /MP_FAIL/.test(rec.msg)) push(rec.tS, rec.msg, BAD.test(rec.msg));
  }
  closeReport();
  return sinceMonotonicS === undefined ? out : out.filter((l) => l.untimed || l.tS > sinceMonotonicS);
}

/**
 * Now on the kernel log's clock, in seconds. process.hrtime reads CLOCK_MONOTONIC, which
 * matched printk stamps to the microsecond on the build machine (/proc/uptime agrees but
 * only to 10 ms). Both drift from printk's clock by the NTP slew, ppm: negligible over a run.
 */
export async function monotonicNowS(): Promise<number> {
  return Number(process.hrtime.bigint()) / 1e9;
}

function runDmesg(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dmesg', [], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`dmesg failed (the lab needs root or kernel.dmesg_restrict=0): ${String(stderr).trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Marks the start of a run: the kernel clock now, and the untimed MPTCP lines already in the log. */
export async function markKernelLog(read: () => Promise<string> = runDmesg): Promise<KernelLogMark> {
  const monotonicS = await monotonicNowS();
  return { monotonicS, untimedBefore: parseKernelLog(await read()).filter((l) => l.untimed).map((l) => l.line) };
}

/**
 * MPTCP lines of the host's kernel log (via `dmesg`) logged after the mark. Untimed lines are
 * stamped with the time of this read; given a KernelLogMark, those already logged at the mark
 * are left out (by text, once per earlier occurrence); given only a time, all are kept: an
 * error we cannot place still counts rather than pass unseen.
 */
export async function readKernelLogSince(mark: number | KernelLogMark, read: () => Promise<string> = runDmesg): Promise<KernelLogLine[]> {
  const since = typeof mark === 'number' ? mark : mark.monotonicS;
  const text = await read();
  const lines = parseKernelLog(text, since, await monotonicNowS());
  if (typeof mark === 'number') return lines;
  const before = new Map<string, number>();
  for (const l of mark.untimedBefore) before.set(l, (before.get(l) ?? 0) + 1);
  return lines.filter((l) => {
    const seen = l.untimed ? before.get(l.line) ?? 0 : 0;
    if (seen > 0) before.set(l.line, seen - 1);
    return seen === 0;
  });
}
