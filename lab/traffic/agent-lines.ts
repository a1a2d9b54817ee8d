/**
 * The JSON lines the in-container agent (lab/agent/agent.ts) prints, one object per line,
 * and their parser. The agent cannot import this (it is copied into the image alone), so
 * lab/agent's end-to-end test parses the agent's real output with `parseAgentLine`.
 */

export type AgentRole = 'sender' | 'receiver';

/** transfer-server: the socket is listening (port is the real one when 0 was asked for). */
export interface ListeningLine {
  type: 'listening';
  port: number;
  address?: string;
}

/** Both transfer ends, once the connection is up: its 4-tuple as this end sees it. */
export interface ConnectedLine {
  type: 'connected';
  role: AgentRole;
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
}

/** Every --interval-ms: cumulative bytes sent (sender) or received (receiver) since the connection. */
export interface ProgressLine {
  type: 'progress';
  role?: AgentRole;
  tMs: number;
  bytes: number;
}

/**
 * The last line of a transfer end. `complete: false` comes with `error` and exit code 1.
 * A receiver in duration mode cannot tell a killed sender from an orderly end (both close
 * the connection), so only both done lines together prove a transfer: compareTransferEnds.
 */
export interface DoneLine {
  type: 'done';
  role: AgentRole;
  bytes: number;
  /**
   * SHA-256 of what this end sent or verified (seed, stream period, byte count, and the first
   * wrong offset if any): the two ends agree exactly when every byte arrived unaltered and in order.
   */
  sha256: string;
  ms: number;
  complete: boolean;
  error?: string;
  /** Receiver: offset of the first byte that differs from the seed's stream, or null (always sent). */
  mismatchAt?: number | null;
  /** This end's own CPU time over the transfer, ms. */
  cpuMs?: { user: number; system: number };
}

/** gen: the file is written. */
export interface GeneratedLine {
  type: 'generated';
  bytes: number;
  sha256: string;
  ms: number;
  mbPerS: number;
}

export interface ConfiguredInterface {
  address: string;
  ifname: string;
  prefixLength: number;
  /** ifindex of the host-side veth (from /sys/class/net/IF/iflink); null if unreadable. */
  iflink: number | null;
}

/** configure: everything read back after the steps ran. */
export interface ConfiguredLine {
  type: 'configured';
  interfaces: ConfiguredInterface[];
  sysctls: Record<string, string | null>;
  /** `ip -j mptcp endpoint show`, as iproute2 prints it; null if it failed (see readbackErrors). */
  endpoints: unknown;
  limits: { subflows: number | null; add_addr_accepted: number | null } | null;
  /** `tc -j qdisc show dev IF` per readback device. */
  qdiscs: Record<string, unknown>;
  steps: Array<{ argv?: string[]; sysctl?: string; value?: string; ms: number; exitCode?: number; stderr?: string; failed?: boolean }>;
  readbackErrors: string[];
}

/** Any failure; configure adds the failing step (step, argv, exitCode, stderr, completedSteps). */
export interface ErrorLine {
  type: 'error';
  message: string;
  step?: number;
  argv?: string[];
  exitCode?: number;
  stderr?: string;
}

export type AgentLine = ListeningLine | ConnectedLine | ProgressLine | DoneLine | GeneratedLine | ConfiguredLine | ErrorLine;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** What each type must carry for the line to be trusted. */
const REQUIRED: Record<AgentLine['type'], (o: Record<string, unknown>) => boolean> = {
  listening: (o) => isNum(o.port),
  connected: (o) => o.role === 'sender' || o.role === 'receiver',
  progress: (o) => isNum(o.tMs) && isNum(o.bytes),
  done: (o) => (o.role === 'sender' || o.role === 'receiver') && isNum(o.bytes) && isStr(o.sha256) && isNum(o.ms) && typeof o.complete === 'boolean',
  generated: (o) => isNum(o.bytes) && isStr(o.sha256) && isNum(o.ms),
  configured: (o) => Array.isArray(o.interfaces) && typeof o.sysctls === 'object' && Array.isArray(o.steps),
  error: (o) => isStr(o.message),
};

/** Parses one stdout line of the agent; null for anything else (non-JSON, unknown type, missing fields). */
export function parseAgentLine(line: string): AgentLine | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const rec = o as Record<string, unknown>;
  const check = isStr(rec.type) && Object.hasOwn(REQUIRED, rec.type) ? REQUIRED[rec.type as AgentLine['type']] : undefined;
  return check && check(rec) ? (rec as unknown as AgentLine) : null;
}
