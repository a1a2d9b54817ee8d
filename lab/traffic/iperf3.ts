/**
 * iperf3 3.12 (Debian bookworm; no --mptcp, so mptcpize wraps it). argv for a one-off
 * server and a JSON-reporting client, and the parser of that JSON (fixtures captured from a
 * real 3.12 run in __fixtures__/). iperf3 cannot check integrity: its outcome has none.
 */
import { wrapProtocol, type TrafficProtocol } from './mptcpize';

/** argv for `iperf3 -s -1 -p PORT`: serves one test, then exits. */
export function buildIperfServerArgv(o: { port: number; protocol: TrafficProtocol; bind?: string }): string[] {
  return wrapProtocol(['iperf3', '-s', '-1', '-p', String(o.port), ...(o.bind === undefined ? [] : ['-B', o.bind])], o.protocol);
}

export interface IperfClientOptions {
  address: string;
  port: number;
  protocol: TrafficProtocol;
  /** download: the server sends (-R); upload: the client sends. */
  direction: 'download' | 'upload';
  /** Exactly one of sizeBytes and durationMs. */
  sizeBytes?: number;
  /** iperf3 3.12 reads -t as whole seconds (it truncates 1.5 to 1), so this is rounded up. */
  durationMs?: number;
  /** Report period; iperf3's minimum is 0.1 s. */
  intervalS?: number;
  connectTimeoutMs?: number;
}

/** argv for `iperf3 -c ADDR -p PORT (-n BYTES | -t SECONDS) -J [-R] -i 0.1`. */
export function buildIperfClientArgv(o: IperfClientOptions): string[] {
  if ((o.sizeBytes === undefined) === (o.durationMs === undefined)) throw new RangeError('iperf3 needs exactly one of sizeBytes and durationMs');
  const amount =
    o.sizeBytes !== undefined ? ['-n', String(Math.round(o.sizeBytes))] : ['-t', String(Math.max(1, Math.ceil((o.durationMs ?? 0) / 1000)))];
  const interval = Math.max(0.1, o.intervalS ?? 0.1);
  return wrapProtocol(
    [
      'iperf3', '-c', o.address, '-p', String(o.port), ...amount, '-J',
      ...(o.direction === 'download' ? ['-R'] : []),
      '-i', String(interval),
      ...(o.connectTimeoutMs === undefined ? [] : ['--connect-timeout', String(Math.round(o.connectTimeoutMs))]),
    ],
    o.protocol,
  );
}

export interface IperfInterval {
  startS: number;
  endS: number;
  bytes: number;
  bitsPerSecond: number;
}

export interface IperfResult {
  /** The client's intervals: bytes received with -R (download), bytes sent otherwise. */
  intervals: IperfInterval[];
  intervalsFrom: 'sender' | 'receiver' | 'unknown';
  /** Bytes the receiver got (end.sum_received). */
  totalBytes: number;
  bitsPerSecond: number;
  /** TCP retransmits counted by the sender (end.sum_sent). */
  retransmits?: number;
  /** iperf3's own error text, or why the output could not be read. */
  error?: string;
}

interface IperfSum {
  start?: number;
  end?: number;
  bytes?: number;
  bits_per_second?: number;
  retransmits?: number;
  sender?: boolean;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Parses `iperf3 -J` output; never throws (unreadable output becomes `error`). */
export function parseIperfJson(text: string): IperfResult {
  let doc: { intervals?: Array<{ sum?: IperfSum }>; end?: { sum_sent?: IperfSum; sum_received?: IperfSum }; error?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    const head = text.trim().slice(0, 200);
    return { intervals: [], intervalsFrom: 'unknown', totalBytes: 0, bitsPerSecond: 0, error: `iperf3 output is not JSON (${(e as Error).message}): ${head}` };
  }
  const sums = (doc.intervals ?? []).map((i) => i.sum).filter((s): s is IperfSum => s !== undefined);
  const first = sums[0];
  const result: IperfResult = {
    intervals: sums.map((s) => ({ startS: num(s.start), endS: num(s.end), bytes: num(s.bytes), bitsPerSecond: num(s.bits_per_second) })),
    intervalsFrom: first?.sender === true ? 'sender' : first?.sender === false ? 'receiver' : 'unknown',
    totalBytes: num(doc.end?.sum_received?.bytes),
    bitsPerSecond: num(doc.end?.sum_received?.bits_per_second),
  };
  if (typeof doc.end?.sum_sent?.retransmits === 'number') result.retransmits = doc.end.sum_sent.retransmits;
  if (typeof doc.error === 'string') result.error = doc.error;
  return result;
}
