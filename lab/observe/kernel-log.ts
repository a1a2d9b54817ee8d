/**
 * The kernel log, filtered to MPTCP: `dmesg` text (`[  123.456789] msg`) or /dev/kmsg
 * records (`6,1234,123456789,-;msg`). A WARNING/BUG report spans many lines and names
 * mptcp only in its call trace, so such a report is taken whole: its first line is kept,
 * marked as an error, when any line up to `---[ end trace` mentions mptcp.
 */
import { execFile } from 'node:child_process';

export interface KernelLogLine {
  /** Seconds since boot on the kernel's log clock. */
  tS: number;
  line: string;
  /** A known bad sign: a failed DSS checksum, MP_FAIL, or a WARNING/BUG involving mptcp. */
  error: boolean;
}

const MPTCP = /mptcp/i;
const BAD = /mptcp_verif_dss_csum|csum is wrong|MP_FAIL|\bBUG:|\bWARNING:/;
const REPORT_START = /\b(?:WARNING:|BUG:|kernel BUG at|Oops|general protection fault|UBSAN:)/;
const REPORT_END = /---\[ end trace/;
/** A report with no end marker stops here, so a lone WARNING cannot swallow the rest of the log. */
const REPORT_MAX_LINES = 80;

function splitRecord(raw: string): { tS: number; msg: string } | undefined {
  const dmesg = /^(?:[a-z]+\s*:[a-z]+\s*:\s*)?\[\s*(\d+\.\d+)\]\s?(.*)$/.exec(raw);
  if (dmesg) return { tS: Number(dmesg[1]), msg: dmesg[2]! };
  const kmsg = /^\d+,\d+,(\d+),[^;]*;(.*)$/.exec(raw);
  if (kmsg) return { tS: Number(kmsg[1]) / 1e6, msg: kmsg[2]! };
  return undefined;
}

/** MPTCP-related lines logged after `sinceMonotonicS` (all when omitted); untimed lines are skipped. */
export function parseKernelLog(text: string, sinceMonotonicS?: number): KernelLogLine[] {
  const out: KernelLogLine[] = [];
  let report: { head: { tS: number; msg: string }; mptcpLine?: string; lines: number } | undefined;
  const closeReport = () => {
    if (report?.mptcpLine !== undefined) {
      const { head, mptcpLine } = report;
      const line = MPTCP.test(head.msg) ? head.msg : `${head.msg} [trace: ${mptcpLine.trim()}]`;
      out.push({ tS: head.tS, line, error: true });
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
    if (MPTCP.test(rec.msg) || /MP_FAIL/.test(rec.msg)) out.push({ tS: rec.tS, line: rec.msg, error: BAD.test(rec.msg) });
  }
  closeReport();
  return sinceMonotonicS === undefined ? out : out.filter((l) => l.tS > sinceMonotonicS);
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

/** MPTCP lines of the host's kernel log (via `dmesg`) logged after `monotonicS`. */
export async function readKernelLogSince(monotonicS: number, read: () => Promise<string> = runDmesg): Promise<KernelLogLine[]> {
  return parseKernelLog(await read(), monotonicS);
}
