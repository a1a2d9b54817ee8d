/** What the orchestrator needs from a traffic tool, whatever the tool. */
import type { Plan } from '../../model/plan';
import type { Series, TrafficOutcome } from '../../model/record';
import type { RunningLab } from '../../runtime/types';

export interface TrafficDriver {
  /** Server side ready: data generated, server listening. */
  prepare(): Promise<void>;
  /** Launches the client; t0 is the lab-clock time the traffic starts. */
  start(t0: number): Promise<void>;
  /** Payload bytes the receiving application holds now, if the tool tells us live (cheap: called every sample). */
  receivedBytes(): Promise<number | undefined>;
  /** Resolves when the traffic ended (completed or failed). */
  wait(): Promise<TrafficOutcome>;
  /** An application goodput series the tool reports itself after the fact (iperf3 intervals), if any. */
  reportedGoodput?(): Series | undefined;
  /** Kills whatever still runs. Idempotent. */
  stop(): Promise<void>;
}

export interface DriverContext {
  lab: RunningLab;
  plan: Plan;
  clock: () => number;
  /** Seed of the pseudo-random data (the run id). */
  seed: string;
  intervalMs: number;
  /** Overrides the plan's protocol (the --baseline tcp run). */
  protocol: 'mptcp' | 'tcp';
}

/**
 * The protocol one end's tool runs with: a host whose MPTCP is disabled runs the plain TCP
 * tool, as a machine without MPTCP would (under mptcpize its socket(IPPROTO_MPTCP) fails with
 * ENOPROTOOPT when net.mptcp.enabled=0). The other end still asks for MPTCP and falls back.
 */
export function endProtocol(ctx: DriverContext, host: string): 'mptcp' | 'tcp' {
  const enabled = ctx.plan.hosts.find((h) => h.name === host)?.mptcp.enabled ?? true;
  return ctx.protocol === 'mptcp' && enabled ? 'mptcp' : 'tcp';
}

/** The server's address on the first path: where the client connects (the initial subflow). */
export function serverAddress(ctx: DriverContext): string {
  const first = ctx.plan.paths[0]!.name;
  return ctx.lab.hosts[ctx.plan.traffic.server]!.interfaces[first]!.address;
}

/** Waits until `check` is true, polling; the error says what was awaited and for how long. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, pollMs = 20): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
