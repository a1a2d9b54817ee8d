/**
 * The seed's own method: busybox httpd serves a file from the server's RAM disk, busybox
 * wget downloads it into the client's, both under mptcpize. A broken or stalled download
 * is resumed with `wget -c` when the plan allows, and every resume is counted.
 */
import { LabError } from '../../model/errors';
import type { TrafficOutcome } from '../../model/record';
import type { StreamHandle } from '../../runtime/types';
import { buildHttpClientArgv, buildHttpFileArgv, buildHttpServerArgv, HTTP_DOWNLOAD } from '../../traffic/http';
import { FileFollower } from './file-follower';
import { parseAgentLine } from '../../traffic/agent-lines';
import { isListening } from './proc-net';
import { endProtocol, serverAddress, waitFor, type DriverContext, type TrafficDriver } from './driver';

/** busybox wget has no usable read timeout (-T crashes in 1.35): the lab declares a stall itself. */
export const STALL_KILL_MS = 10_000;
export const MAX_RESUMES = 3;

/** Drives busybox httpd + wget; goodput from the growth of wget's output file, read from the Docker host. */
export function httpDriver(ctx: DriverContext): TrafficDriver {
  const t = ctx.plan.traffic;
  const size = t.sizeBytes ?? 0;
  const serverHost = ctx.lab.hosts[t.server]!;
  const clientHost = ctx.lab.hosts[t.client]!;
  let expectedSha = '';
  let httpd: StreamHandle | undefined;
  let wget: StreamHandle | undefined;
  let t0 = 0;
  let stopped = false;
  // The received file is hashed while it arrives, read from the Docker host. Its size, as the
  // follower last read it, is also what the samples and the stall watchdog go by.
  const follower = new FileFollower(`/proc/${clientHost.pid}/root${HTTP_DOWNLOAD}`);
  let hashing: NodeJS.Timeout | undefined;

  const startWget = async (resume: boolean) => {
    wget = await ctx.lab.stream(t.client, buildHttpClientArgv({ address: serverAddress(ctx), port: t.port, protocol: endProtocol(ctx, t.client), resume }));
  };

  /** Resolves with the wget result, or kills it when the file stops growing for STALL_KILL_MS. */
  const waitOrStall = async (h: StreamHandle): Promise<{ exitCode: number; stderr: string; stalled: boolean }> => {
    let last = -1;
    let lastChange = ctx.clock();
    let stalled = false;
    // No read of its own: the follower's pump (every 200 ms) and the samples keep lastSize current.
    const watchdog = setInterval(() => {
      const n = follower.lastSize;
      if (n !== undefined && n !== last) {
        last = n;
        lastChange = ctx.clock();
      } else if (ctx.clock() - lastChange > STALL_KILL_MS && !stalled) {
        stalled = true;
        void h.stop();
      }
    }, 500);
    try {
      const r = await h.done.catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message }));
      return { exitCode: r.exitCode, stderr: r.stderr, stalled };
    } finally {
      clearInterval(watchdog);
    }
  };

  return {
    async prepare() {
      if (t.direction !== 'download') throw new LabError('the http tool downloads from the server; use transfer or iperf3 for uploads');
      const gen = await ctx.lab.exec(t.server, buildHttpFileArgv({ sizeBytes: size, seed: ctx.seed }), { timeoutMs: 120_000 });
      const line = gen.stdout.split('\n').map(parseAgentLine).find((l) => l?.type === 'generated');
      if (gen.exitCode !== 0 || line?.type !== 'generated') throw new LabError(`generating the ${size}-byte file on ${t.server} failed: ${gen.stderr.trim() || gen.stdout.trim()}`);
      expectedSha = line.sha256;
      httpd = await ctx.lab.stream(t.server, buildHttpServerArgv({ port: t.port, protocol: endProtocol(ctx, t.server) }));
      await waitFor(`busybox httpd listening on ${t.server}:${t.port}`, () => isListening(serverHost.pid, t.port), 10_000);
      // A previous pass (the TCP baseline) may have left a download behind.
      await ctx.lab.exec(t.client, ['rm', '-f', HTTP_DOWNLOAD], { timeoutMs: 10_000 });
    },
    async start(start) {
      t0 = start;
      hashing = setInterval(() => void follower.pump(), 200);
      await startWget(false);
    },
    async receivedBytes() {
      return (await follower.size()) ?? 0;
    },
    async wait(): Promise<TrafficOutcome> {
      let resumes = 0;
      const errors: string[] = [];
      let r = await waitOrStall(wget!);
      while (!stopped) {
        const have = (await follower.size()) ?? 0;
        if (r.exitCode === 0 && !r.stalled) break;
        errors.push(r.stalled ? `wget stalled (no byte for ${STALL_KILL_MS / 1000} s) at ${have} bytes` : `wget exited ${r.exitCode} at ${have} bytes: ${r.stderr.trim()}`);
        if (!t.resume || resumes >= MAX_RESUMES || have >= size) break;
        resumes++;
        await startWget(true);
        r = await waitOrStall(wget!);
      }
      const endedMs = ctx.clock() - t0;
      clearInterval(hashing);
      const received = await follower.digest();
      const bytesReceived = received.bytes;
      const integrity: TrafficOutcome['integrity'] =
        bytesReceived === size ? { expected: expectedSha, actual: received.sha256, ok: received.sha256 === expectedSha } : null;
      const completed = bytesReceived === size && r.exitCode === 0;
      return {
        tool: 'http',
        protocol: ctx.protocol,
        sender: t.sender,
        receiver: t.receiver,
        bytesExpected: size,
        bytesReceived,
        startedMs: 0,
        endedMs: Math.round(endedMs),
        completed,
        integrity,
        resumes,
        goodputBps: endedMs > 0 ? (bytesReceived * 8000) / endedMs : 0,
        ...(errors.length ? { error: errors.join('; ') } : {}),
      };
    },
    async stop() {
      stopped = true;
      clearInterval(hashing);
      await Promise.all([wget?.stop().catch(() => undefined), httpd?.stop().catch(() => undefined)]);
    },
  };
}
