/**
 * One pass of traffic over a running lab: prepare the tool, start the samplers and
 * monitors, start the traffic, fire the timeline, wait for the end, collect everything.
 * Sampling reads files on the Docker host (veth counters, /proc/PID/net/*): no exec per sample.
 */
import { readFile } from 'node:fs/promises';
import type { Plan, PlanEvent } from '../model/plan';
import type { MptcpVerdict, PathSeries, RunRecord, Series } from '../model/record';
import { LabError } from '../model/errors';
import type { RunningLab, StreamHandle } from '../runtime/types';
import {
  countersToThroughput,
  diffCounters,
  establishedReader,
  monotonicNowS,
  MPTCP_PREFIX,
  parseNetstat,
  readInterfaceCounters,
  readKernelLogSince,
  startSampler,
} from '../observe';
import { makeDriver } from './drivers';
import { abortableSleep, runTimeline } from './timeline';

export interface PassOptions {
  protocol: 'mptcp' | 'tcp';
  intervalMs: number;
  seed: string;
  clock: () => number;
  timeline: readonly PlanEvent[];
  onProgress?: (p: { tMs: number; bytes: number; bps: number }) => void;
  onStep?: (step: string) => void;
}

/** What one pass of traffic recorded: the measured part of a RunRecord. */
export type PassResult = Pick<
  RunRecord,
  'traffic' | 'paths' | 'aggregate' | 'goodput' | 'subflows' | 'subflowsPerPath' | 'events' | 'counters' | 'monitor' | 'kernelLog' | 'snapshots' | 'mptcp' | 'notes'
>;

interface Sample {
  veth: Record<string, { rxBytes: number; txBytes: number }>;
  subflows: Record<string, number>;
  received?: number;
}

async function readCounters(lab: RunningLab): Promise<Record<string, Record<string, number>>> {
  const entries = await Promise.all(
    Object.values(lab.hosts).map(async (h) => [h.name, parseNetstat(await readFile(`/proc/${h.pid}/net/netstat`, 'utf8'))] as const),
  );
  return Object.fromEntries(entries);
}

/** Decides from counter deltas whether MPTCP was really used (never reported as MPTCP after a fallback). */
export function mptcpVerdict(plan: Plan, protocol: 'mptcp' | 'tcp', counters: Record<string, Record<string, number>>, maxSubflows: number): MptcpVerdict {
  const c = counters[plan.traffic.client] ?? {};
  const s = counters[plan.traffic.server] ?? {};
  const get = (m: Record<string, number>, k: string) => m[MPTCP_PREFIX + k] ?? m[k] ?? 0;
  const clientCapable = get(c, 'MPCapableSYNTX') > 0 && get(c, 'MPCapableSYNACKRX') > 0;
  const serverCapable = get(s, 'MPCapableSYNRX') > 0 && get(s, 'MPCapableACKRX') > 0;
  const fallbacks = ['MPCapableFallbackACK', 'MPCapableFallbackSYNACK', 'MPFallbackTokenInit', 'MPCapableSYNTXDrop', 'InfiniteMapTx', 'InfiniteMapRx', 'DssFallback']
    .flatMap((k) => [get(c, k) > 0 ? `${plan.traffic.client} ${k}=${get(c, k)}` : '', get(s, k) > 0 ? `${plan.traffic.server} ${k}=${get(s, k)}` : ''])
    .filter(Boolean);
  let reason: string;
  let fellBack = fallbacks.length > 0;
  if (protocol === 'tcp') reason = 'plain TCP by plan (no MPTCP asked)';
  else if (!clientCapable && get(c, 'MPCapableSYNTX') > 0) {
    fellBack = true;
    reason = `fell back to TCP: ${plan.traffic.client} sent MP_CAPABLE SYNs (${get(c, 'MPCapableSYNTX')}) but no MP_CAPABLE SYN-ACK came back`;
  } else if (!clientCapable) reason = `${plan.traffic.client} sent no MP_CAPABLE SYN: the application did not open an MPTCP socket`;
  else if (!serverCapable) {
    fellBack = true;
    reason = `${plan.traffic.server} completed no MP_CAPABLE handshake`;
  } else if (fellBack) reason = `fell back to TCP: ${fallbacks.join(', ')}`;
  else reason = `MP_CAPABLE on both ends, up to ${maxSubflows} subflows established`;
  return { clientCapable, serverCapable, fellBack, maxSubflows, reason };
}

/** Runs one pass of the plan's traffic on a lab that is up. */
export async function runTrafficPass(lab: RunningLab, plan: Plan, opts: PassOptions): Promise<PassResult> {
  const { clock, intervalMs } = opts;
  const notes: string[] = [];
  const driver = makeDriver({ lab, plan, clock, seed: opts.seed, intervalMs, protocol: opts.protocol });
  const receiver = lab.hosts[plan.traffic.receiver]!;
  const server = lab.hosts[plan.traffic.server]!;
  const port = plan.traffic.port;
  const vethOf = (path: string) => receiver.interfaces[path]?.hostVeth;
  const veths = plan.paths.map((p) => vethOf(p.name)).filter((v): v is string => !!v);
  const pathOfAddress = new Map(Object.values(server.interfaces).map((i) => [i.address, i.path]));
  const monitors: StreamHandle[] = [];
  const monitorLines: PassResult['monitor'] = [];
  const snapshots: PassResult['snapshots'] = [];
  let t0 = clock();
  try {
    opts.onStep?.(`preparing ${plan.traffic.tool} traffic over ${opts.protocol === 'mptcp' ? 'MPTCP' : 'plain TCP'}`);
    await driver.prepare();
    const countersBefore = await readCounters(lab);
    const kernelMark = await monotonicNowS();
    const clockAtMark = clock();
    if (opts.protocol === 'mptcp') {
      for (const h of Object.values(lab.hosts)) {
        const m = await lab.stream(h.name, ['ip', 'mptcp', 'monitor']);
        m.onLine((line, tMs) => monitorLines.push({ tMs: Math.round(tMs - t0), host: h.name, line }));
        monitors.push(m);
      }
    }
    let lastBytes = 0;
    let lastT = 0;
    const subflowReader = establishedReader(server.pid, port, { clock });
    const sampler = startSampler<Sample>({
      intervalMs,
      clock,
      sample: async () => {
        // Socket tables first: re-read only when the server's TCP counters moved (observe/established.ts),
        // so some samples take milliseconds longer. The byte counters last, just before the sampler
        // stamps the sample: a rate's bytes and its interval must cover the same time.
        const established = await subflowReader.read();
        const [veth, received] = await Promise.all([readInterfaceCounters(veths), driver.receivedBytes()]);
        const subflows: Record<string, number> = {};
        for (const [addr, n] of Object.entries(established)) {
          const path = pathOfAddress.get(addr);
          if (path) subflows[path] = (subflows[path] ?? 0) + n;
        }
        if (received !== undefined && opts.onProgress) {
          const t = clock() - t0;
          // A restarted download shrinks the file: no negative rates.
          opts.onProgress({ tMs: t, bytes: received, bps: t > lastT ? Math.max(0, ((received - lastBytes) * 8000) / (t - lastT)) : 0 });
          lastBytes = received;
          lastT = t;
        }
        return { veth, subflows, ...(received !== undefined ? { received } : {}) };
      },
    });
    opts.onStep?.('traffic running');
    t0 = clock();
    await driver.start(t0);
    const stopTimeline = new AbortController();
    const cutNow = new Set<string>();
    // A failed event (a cut the host refused) must end the pass, not crash the process with
    // an unhandled rejection while the traffic and the lab keep running.
    let timelineError: Error | undefined;
    const timeline = runTimeline(
      opts.timeline,
      t0,
      {
        clock,
        sleep: abortableSleep,
        fire: async (e) => {
          if (e.kind === 'cut') {
            await lab.cut(e.path, e.mode);
            cutNow.add(e.path);
          } else if (e.kind === 'restore') {
            await lab.restore(e.path);
            cutNow.delete(e.path);
          } else await lab.impair(e.path, e.set, e.from);
          const label = `after ${e.kind} ${e.path}`;
          setTimeout(() => void snapshot(label), 300);
        },
      },
      stopTimeline.signal,
    ).catch((e: Error) => {
      timelineError = e;
      void driver.stop();
      return [];
    });
    const snapshot = async (label: string) => {
      for (const h of [plan.traffic.client, plan.traffic.server]) {
        const r = await lab.exec(h, ['ss', '-tinM'], { timeoutMs: 5000 }).catch(() => undefined);
        if (r) snapshots.push({ tMs: Math.round(clock() - t0), host: h, label, text: r.stdout });
      }
    };
    const midway = setTimeout(() => void snapshot('traffic running'), Math.min(1500, plan.timeline[0]?.atMs ?? 1500) - 200);
    const traffic = await driver.wait();
    clearTimeout(midway);
    opts.onStep?.(`traffic ended after ${((clock() - t0) / 1000).toFixed(1)} s: collecting counters and logs`);
    stopTimeline.abort();
    const events = await timeline;
    if (timelineError) throw new LabError(`a timeline event failed, so the run was stopped: ${timelineError.message}`, { cause: timelineError });
    for (const path of cutNow) {
      await lab.restore(path);
      notes.push(`${path} was still cut when the traffic ended; restored`);
    }
    const samples = await sampler.stop();
    await Promise.all(monitors.map((m) => m.stop().catch(() => undefined)));
    const countersAfter = await readCounters(lab);
    const counters = Object.fromEntries(Object.keys(countersAfter).map((h) => [h, diffCounters(countersBefore[h] ?? {}, countersAfter[h] ?? {})]));
    const kernelLog = (await readKernelLogSince(kernelMark)).map((l) => ({ tMs: Math.round((l.tS - kernelMark) * 1000 + (clockAtMark - t0)), line: l.line, error: l.error }));
    const rel = samples.map((s) => ({ tMs: Math.round(s.tMs - t0), value: s.value }));
    const paths: PathSeries[] = plan.paths.map((p) => {
      const v = vethOf(p.name) ?? '';
      const series = countersToThroughput(rel, (s) => s.veth[v]?.txBytes ?? 0);
      const first = rel[0]?.value.veth[v];
      const last = rel[rel.length - 1]?.value.veth[v];
      return {
        ...series,
        path: p.name,
        from: plan.traffic.sender,
        to: plan.traffic.receiver,
        totalBytes: (last?.txBytes ?? 0) - (first?.txBytes ?? 0),
        reverseBytes: (last?.rxBytes ?? 0) - (first?.rxBytes ?? 0),
      };
    });
    const aggregate: Series = {
      unit: 'bit/s',
      t: paths[0]?.t ?? [],
      v: (paths[0]?.t ?? []).map((_, i) => paths.reduce((sum, p) => sum + (p.v[i] ?? 0), 0)),
    };
    const withReceived = rel.filter((s) => s.value.received !== undefined);
    // The tool's own timed series first (agent progress, iperf3 intervals); else the growth we sampled.
    const goodput: Series =
      driver.reportedGoodput?.() ??
      (withReceived.length > 1 ? countersToThroughput(withReceived, (v) => v.received ?? 0) : { unit: 'bit/s', t: [], v: [] });
    const subflowsPerPath: Record<string, Series> = Object.fromEntries(
      plan.paths.map((p) => [p.name, { unit: 'count' as const, t: rel.map((s) => s.tMs), v: rel.map((s) => s.value.subflows[p.name] ?? 0) }]),
    );
    const subflows: Series = { unit: 'count', t: rel.map((s) => s.tMs), v: rel.map((s) => Object.values(s.value.subflows).reduce((a, b) => a + b, 0)) };
    if (plan.traffic.tool === 'iperf3') notes.push('iperf3 keeps a control connection on the same port: subflow counts include its subflows');
    const maxSubflows = Math.max(0, ...subflows.v);
    return {
      traffic,
      paths,
      aggregate,
      goodput,
      subflows,
      subflowsPerPath,
      events,
      counters,
      monitor: monitorLines,
      kernelLog,
      snapshots,
      mptcp: mptcpVerdict(plan, opts.protocol, counters, maxSubflows),
      notes,
    };
  } finally {
    await Promise.all(monitors.map((m) => m.stop().catch(() => undefined)));
    await driver.stop();
  }
}
