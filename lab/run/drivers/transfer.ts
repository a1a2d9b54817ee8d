/** The project's own integrity-checked transfer (the agent), under mptcpize unless the plan says TCP. */
import { LabError } from '../../model/errors';
import type { TrafficOutcome } from '../../model/record';
import type { StreamHandle } from '../../runtime/types';
import { buildTransferClientArgv, buildTransferServerArgv, compareTransferEnds, goodputFromProgress, parseAgentLine, type DoneLine, type ProgressLine, type TransferOptions } from '../../traffic/transfer';
import { endProtocol, serverAddress, type DriverContext, type TrafficDriver } from './driver';

/** Generous upper bound for the agent's own timeout: 3x the ideal time at 100 Mbit/s, at least 60 s. */
function timeoutFor(ctx: DriverContext): number {
  const t = ctx.plan.traffic;
  const ideal = t.durationMs ?? ((t.sizeBytes ?? 0) * 8) / 100e6 * 1000;
  return Math.max(60_000, Math.round(ideal * 3));
}

/** Drives `agent transfer-server` / `transfer-client`; goodput comes from the receiver's progress lines. */
export function transferDriver(ctx: DriverContext): TrafficDriver {
  const t = ctx.plan.traffic;
  const common: TransferOptions = {
    protocol: ctx.protocol,
    direction: t.direction,
    port: t.port,
    seed: ctx.seed,
    ...(t.sizeBytes !== undefined ? { sizeBytes: t.sizeBytes } : { durationMs: t.durationMs ?? 1000 }),
    intervalMs: Math.max(10, ctx.intervalMs),
    timeoutMs: timeoutFor(ctx),
  };
  const done: Record<string, DoneLine> = {};
  let received = 0;
  // The receiver's own progress lines, timed by the agent: lines arrive through docker exec in
  // bursts under load, so their arrival times would make a saw-tooth goodput series.
  const progress: ProgressLine[] = [];
  let connectedAt: number | undefined;
  let server: StreamHandle | undefined;
  let client: StreamHandle | undefined;
  let t0 = 0;
  const receiverIsClient = t.direction === 'download';
  const watch = (h: StreamHandle, isReceiver: boolean) =>
    h.onLine((line, tMs) => {
      const parsed = parseAgentLine(line);
      if (parsed?.type === 'done') done[parsed.role] = parsed;
      else if (parsed?.type === 'connected' && isReceiver) connectedAt ??= tMs;
      else if (parsed?.type === 'progress' && isReceiver) {
        received = parsed.bytes;
        progress.push(parsed);
      }
    });

  return {
    async prepare() {
      server = await ctx.lab.stream(t.server, buildTransferServerArgv({ ...common, protocol: endProtocol(ctx, t.server) }));
      const listening = new Promise<void>((resolve, reject) => {
        server!.onLine((line) => {
          const p = parseAgentLine(line);
          if (p?.type === 'listening') resolve();
          if (p?.type === 'error') reject(new LabError(`transfer server on ${t.server}: ${p.message}`));
        });
        void server!.done.then((r) => reject(new LabError(`transfer server on ${t.server} exited (${r.exitCode}) before listening: ${r.stderr.trim()}`)), reject);
        setTimeout(() => reject(new LabError(`transfer server on ${t.server} did not listen within 10 s`)), 10_000).unref();
      });
      watch(server, !receiverIsClient);
      await listening;
    },
    async start(start) {
      t0 = start;
      client = await ctx.lab.stream(t.client, buildTransferClientArgv({ ...common, protocol: endProtocol(ctx, t.client), address: serverAddress(ctx) }));
      watch(client, receiverIsClient);
    },
    async receivedBytes() {
      return received;
    },
    async wait(): Promise<TrafficOutcome> {
      const [c, s] = await Promise.all([client!.done.catch((e: Error) => e), server!.done.catch((e: Error) => e)]);
      const endedMs = ctx.clock() - t0;
      const cmp = compareTransferEnds(done.sender, done.receiver, t.sizeBytes);
      const errors = [c, s].filter((r) => r instanceof Error || r.exitCode !== 0).map((r) => (r instanceof Error ? r.message : r.stderr.trim()));
      const ms = done.receiver?.ms ?? endedMs;
      return {
        tool: 'transfer',
        protocol: ctx.protocol,
        sender: t.sender,
        receiver: t.receiver,
        ...(t.sizeBytes !== undefined ? { bytesExpected: t.sizeBytes } : {}),
        bytesReceived: cmp.bytesReceived,
        startedMs: 0,
        endedMs: Math.round(endedMs),
        completed: cmp.completed,
        integrity: cmp.integrity,
        resumes: 0,
        goodputBps: ms > 0 ? (cmp.bytesReceived * 8000) / ms : 0,
        ...(cmp.error || errors.length ? { error: [cmp.error, ...errors].filter(Boolean).join('; ') } : {}),
      };
    },
    reportedGoodput() {
      if (progress.length < 2 || connectedAt === undefined) return undefined;
      return goodputFromProgress(progress, Math.round(connectedAt - t0));
    },
    async stop() {
      await Promise.all([client?.stop().catch(() => undefined), server?.stop().catch(() => undefined)]);
    },
  };
}
