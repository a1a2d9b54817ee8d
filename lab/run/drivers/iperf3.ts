/** iperf3 3.12 under mptcpize: its JSON (-J) arrives at the end, so goodput is its interval series. */
import type { Series, TrafficOutcome } from '../../model/record';
import type { StreamHandle } from '../../runtime/types';
import { buildIperfClientArgv, buildIperfServerArgv, parseIperfJson, type IperfResult } from '../../traffic/iperf3';
import { isListening } from './proc-net';
import { endProtocol, serverAddress, waitFor, type DriverContext, type TrafficDriver } from './driver';

/** Drives iperf3 -s -1 / iperf3 -c -J; no live goodput, the intervals become the series afterwards. */
export function iperf3Driver(ctx: DriverContext): TrafficDriver {
  const t = ctx.plan.traffic;
  const serverHost = ctx.lab.hosts[t.server]!;
  let server: StreamHandle | undefined;
  let client: StreamHandle | undefined;
  let result: IperfResult | undefined;
  let t0 = 0;
  let connectAt = 0;
  const lines: string[] = [];
  return {
    async prepare() {
      server = await ctx.lab.stream(t.server, buildIperfServerArgv({ port: t.port, protocol: endProtocol(ctx, t.server) }));
      await waitFor(`iperf3 listening on ${t.server}:${t.port}`, () => isListening(serverHost.pid, t.port), 10_000);
    },
    async start(start) {
      t0 = start;
      client = await ctx.lab.stream(
        t.client,
        buildIperfClientArgv({
          address: serverAddress(ctx),
          port: t.port,
          protocol: endProtocol(ctx, t.client),
          direction: t.direction,
          ...(t.sizeBytes !== undefined ? { sizeBytes: t.sizeBytes } : { durationMs: t.durationMs ?? 1000 }),
          intervalS: Math.max(0.1, ctx.intervalMs / 1000),
          connectTimeoutMs: 5000,
        }),
      );
      connectAt = ctx.clock() - t0;
      client.onLine((l) => lines.push(l));
    },
    async receivedBytes() {
      return undefined;
    },
    async wait(): Promise<TrafficOutcome> {
      const r = await client!.done.catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message }));
      const endedMs = ctx.clock() - t0;
      result = parseIperfJson(lines.join('\n'));
      const seconds = result.intervals.length ? (result.intervals[result.intervals.length - 1]!.endS) : endedMs / 1000;
      const completed = r.exitCode === 0 && !result.error && (t.sizeBytes === undefined || result.totalBytes >= t.sizeBytes);
      return {
        tool: 'iperf3',
        protocol: ctx.protocol,
        sender: t.sender,
        receiver: t.receiver,
        ...(t.sizeBytes !== undefined ? { bytesExpected: t.sizeBytes } : {}),
        bytesReceived: result.totalBytes,
        startedMs: 0,
        endedMs: Math.round(endedMs),
        completed,
        integrity: null,
        resumes: 0,
        goodputBps: result.bitsPerSecond || (seconds > 0 ? (result.totalBytes * 8) / seconds : 0),
        ...(result.error || r.exitCode !== 0 ? { error: result.error ?? r.stderr.trim() } : {}),
      };
    },
    reportedGoodput(): Series | undefined {
      if (!result) return undefined;
      // iperf3's clock starts at its connection; place it on the lab clock.
      return {
        unit: 'bit/s',
        t: result.intervals.map((i) => Math.round(connectAt + i.endS * 1000)),
        v: result.intervals.map((i) => i.bitsPerSecond),
      };
    },
    async stop() {
      await Promise.all([client?.stop().catch(() => undefined), server?.stop().catch(() => undefined)]);
    },
  };
}
