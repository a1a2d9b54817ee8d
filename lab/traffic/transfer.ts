/**
 * The project's own integrity-checked transfer: argv for the agent's transfer-server and
 * transfer-client, and the comparison of their two `done` lines. The receiver compares every
 * byte it gets with the seed's stream (lab/agent's TransferStream) and reports the first that
 * differs (`mismatchAt`); each end's `sha256` is the SHA-256 of what it sent, or verified it
 * received ("N bytes of seed S's stream", naming the mismatch if any), so the two agree
 * exactly when the receiver got every byte the sender sent, unaltered and in order.
 */
import { AGENT_PATH } from '../runtime/lab-spec';
import type { Series } from '../model/record';
import type { DoneLine, ProgressLine } from './agent-lines';
import { wrapProtocol, type TrafficProtocol } from './mptcpize';

export { parseAgentLine } from './agent-lines';
export type { AgentLine, DoneLine, ProgressLine } from './agent-lines';


export interface TransferOptions {
  protocol: TrafficProtocol;
  direction: 'download' | 'upload';
  port: number;
  seed: string;
  /** Exactly one of sizeBytes and durationMs. */
  sizeBytes?: number;
  durationMs?: number;
  /** Progress line period; the agent's default is 100 ms. */
  intervalMs?: number;
  /** The agent cuts the transfer (reported incomplete) after this long. */
  timeoutMs?: number;
  /** Accepted for older callers: every receiver now checks every byte (a memcmp, no hashing). */
  verify?: boolean;
}

function transferArgs(o: TransferOptions): string[] {
  if ((o.sizeBytes === undefined) === (o.durationMs === undefined)) {
    throw new RangeError('a transfer needs exactly one of sizeBytes and durationMs');
  }
  const int = (name: string, v: number, min: number): string => {
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
    return String(v);
  };
  const out = ['--direction', o.direction, '--seed', o.seed];
  if (o.sizeBytes !== undefined) out.push('--size', int('sizeBytes', o.sizeBytes, 0));
  if (o.durationMs !== undefined) out.push('--duration-ms', int('durationMs', o.durationMs, 1));
  if (o.intervalMs !== undefined) out.push('--interval-ms', int('intervalMs', o.intervalMs, 10));
  if (o.timeoutMs !== undefined) out.push('--timeout-ms', int('timeoutMs', o.timeoutMs, 1));
  if (o.verify) out.push('--verify');
  return out;
}

function portArg(port: number, min: number): string {
  if (!Number.isInteger(port) || port < min || port > 65535) throw new RangeError(`port must be ${min}..65535, got ${port}`);
  return String(port);
}

/** argv for the listening end (`bind` defaults to 0.0.0.0 in the agent). */
export function buildTransferServerArgv(o: TransferOptions & { bind?: string }): string[] {
  const argv = ['node', AGENT_PATH, 'transfer-server', '--port', portArg(o.port, 0), ...transferArgs(o)];
  if (o.bind !== undefined) argv.push('--bind', o.bind);
  return wrapProtocol(argv, o.protocol);
}

/** argv for the connecting end (it opens the extra subflows under MPTCP). */
export function buildTransferClientArgv(o: TransferOptions & { address: string }): string[] {
  const argv = ['node', AGENT_PATH, 'transfer-client', '--connect', o.address, '--port', portArg(o.port, 1), ...transferArgs(o)];
  return wrapProtocol(argv, o.protocol);
}

export interface TransferComparison {
  /** Both ends finished cleanly, agree on the byte count, and it is the planned one. */
  completed: boolean;
  /** Sender's hash (expected) against the receiver's (actual); null when either end left no done line. */
  integrity: { expected: string; actual: string; ok: boolean } | null;
  bytesReceived: number;
  /** Why it is not completed (or why integrity failed). */
  error?: string;
}

/** Compares the sender's and receiver's done lines (either may be missing: a killed process). */
export function compareTransferEnds(sender: DoneLine | undefined, receiver: DoneLine | undefined, expectedBytes?: number): TransferComparison {
  const bytesReceived = receiver?.bytes ?? 0;
  const integrity =
    sender && receiver ? { expected: sender.sha256, actual: receiver.sha256, ok: sender.sha256 === receiver.sha256 && sender.bytes === receiver.bytes } : null;
  const problems: string[] = [];
  if (!sender) problems.push('the sender left no done line');
  else if (!sender.complete) problems.push(`sender: ${sender.error ?? 'incomplete'}`);
  if (!receiver) problems.push('the receiver left no done line');
  else if (!receiver.complete) problems.push(`receiver: ${receiver.error ?? 'incomplete'}`);
  if (sender && receiver && sender.bytes !== receiver.bytes) problems.push(`sent ${sender.bytes} bytes, received ${receiver.bytes}`);
  if (expectedBytes !== undefined && receiver && receiver.bytes !== expectedBytes) problems.push(`received ${receiver.bytes} of ${expectedBytes} planned bytes`);
  if (integrity && !integrity.ok && sender?.bytes === receiver?.bytes) {
    const at = receiver?.mismatchAt;
    problems.push(typeof at === 'number' ? `byte ${at} differs from the seed's stream: the data was altered in transit` : 'SHA-256 differs: the data was altered in transit');
  }
  return problems.length === 0 ? { completed: true, integrity, bytesReceived } : { completed: false, integrity, bytesReceived, error: problems.join('; ') };
}

/** Receiver progress lines → goodput series (bit/s since the previous line), shifted by offsetMs onto the lab clock. */
export function goodputFromProgress(lines: readonly ProgressLine[], offsetMs = 0): Series {
  const series: Series = { t: [], v: [], unit: 'bit/s' };
  // The connection itself is the first point: 0 bytes at tMs 0.
  let prev = { tMs: 0, bytes: 0 };
  for (const p of [...lines].sort((a, b) => a.tMs - b.tMs)) {
    if (p.tMs <= prev.tMs) continue;
    series.t.push(p.tMs + offsetMs);
    series.v.push(((p.bytes - prev.bytes) * 8 * 1000) / (p.tMs - prev.tMs));
    prev = p;
  }
  return series;
}
