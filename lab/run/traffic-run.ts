/**
 * One pass of traffic over a running lab: prepare the tool, start the samplers and
 * monitors, start the traffic, fire the timeline, wait for the end, collect everything.
 * Sampling reads files on the Docker host (veth counters, /proc/PID/net/*): no exec per sample.
 */
import { readFile } from 'node:fs/promises';
import type { Plan, PlanEvent, PlanFault } from '../model/plan';
import type { RunRecord, SamplingRecord } from '../model/record';
import { LabError } from '../model/errors';
import type { RunningLab, StreamHandle } from '../runtime/types';
import {
  diffCounters,
  establishedReader,
  markKernelLog,
  parseNetstat,
  readInterfaceCounters,
  readKernelLogSince,
  startSampler,
} from '../observe';
import { keptFiles } from '../observe/kept-file';
import { passSubflows, type PassSubflows } from '../observe/pass-subflows';
import { buildPassSeries } from '../observe/pass-series';
import { makeDriver } from './drivers';
import { expectedJoins } from '../model/expected-joins';
import { connectionFromSnapshots, mptcpVerdict, whyLookAgain } from './mptcp-verdict';
import { verifyEvent, type PathEnd } from './verify-event';
import { abortableSleep, runTimeline } from './timeline';
import { endFaults, fireFault, prepareFaults } from './faults-fire';

export interface PassOptions {
  protocol: 'mptcp' | 'tcp';
  intervalMs: number;
  seed: string;
  clock: () => number;
  timeline: readonly PlanEvent[];
  onProgress?: (p: { tMs: number; bytes: number; bps: number }) => void;
  onStep?: (step: string) => void;
  /** Per-subflow series and MPTCP counter series (default on): about every `subflowMs` / `counterMs` of samples. */
  subflowSeries?: false | { subflowMs?: number; counterMs?: number };
}

/** What one pass of traffic recorded: the measured part of a RunRecord. */
export type PassResult = Pick<
  RunRecord,
  'traffic' | 'paths' | 'aggregate' | 'goodput' | 'subflows' | 'subflowsPerPath' | 'events' | 'counters' | 'monitor' | 'kernelLog' | 'snapshots' | 'mptcp' | 'notes' | 'sampling'
> &
  Partial<Pick<RunRecord, 'subflowSeries' | 'mptcpSeries'>>;

/** How many times the midway socket snapshot looks for the connection under test (1 s apart). */
const MIDWAY_SNAPSHOT_LOOKS = 8;

/** Both ends of every veth on a path, as the event verifier reads them. */
function pathEnds(lab: RunningLab, path: string): PathEnd[] {
  return Object.values(lab.hosts).flatMap((h) => {
    const i = h.interfaces[path];
    return i ? [{ host: h.name, pid: h.pid, ifname: i.ifname, hostVeth: i.hostVeth }] : [];
  });
}

/** Stretches with no sample for longer than twice the interval: there the series says nothing. */
export function samplingGaps(times: readonly number[], intervalMs: number): SamplingRecord['gaps'] {
  const gaps: SamplingRecord['gaps'] = [];
  for (let i = 1; i < times.length; i++) {
    const from = times[i - 1] ?? 0;
    const to = times[i] ?? 0;
    if (to - from > 2 * intervalMs) gaps.push({ fromMs: Math.round(from), toMs: Math.round(to) });
  }
  return gaps;
}

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
  const samplerErrors: SamplingRecord['errors'] = [];
  let sampler: ReturnType<typeof startSampler<Sample>> | undefined;
  let perSubflow: PassSubflows | undefined;
  const pathOfAnyAddress = new Map(Object.values(lab.hosts).flatMap((h) => Object.values(h.interfaces).map((i) => [i.address, i.path] as const)));
  let midway: ReturnType<typeof setTimeout> | undefined;
  const stopTimeline = new AbortController();
  // The files read every sample, kept open for the pass (observe/kept-file.ts).
  const files = keptFiles();
  let t0 = clock();
  try {
    opts.onStep?.(`preparing ${plan.traffic.tool} traffic over ${opts.protocol === 'mptcp' ? 'MPTCP' : 'plain TCP'}`);
    await driver.prepare();
    const countersBefore = await readCounters(lab);
    const kernelMark = await markKernelLog();
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
    const subflowReader = establishedReader(server.pid, port, { clock, readSmall: files.read });
    const sender = lab.hosts[plan.traffic.sender]!;
    perSubflow =
      opts.subflowSeries === false
        ? undefined
        : passSubflows({
            sender: { name: sender.name, pid: sender.pid },
            counterHosts: Object.fromEntries([plan.traffic.client, plan.traffic.server].map((n) => [n, lab.hosts[n]!.pid])),
            port,
            clock,
            intervalMs,
            readText: files.read,
            ...(opts.subflowSeries ? { subflowMs: opts.subflowSeries.subflowMs, counterMs: opts.subflowSeries.counterMs } : {}),
          });
    let sampleIndex = 0;
    sampler = startSampler<Sample>({
      intervalMs,
      clock,
      onError: (e) => samplerErrors.push({ tMs: Math.round(clock() - t0), message: (e as Error).message ?? String(e) }),
      sample: async () => {
        // Socket tables first: re-read only when the server's TCP counters moved (observe/established.ts),
        // so some samples take milliseconds longer. The byte counters last, just before the sampler
        // stamps the sample: a rate's bytes and its interval must cover the same time.
        perSubflow?.tick(sampleIndex++);
        const established = await subflowReader.read();
        const [veth, received] = await Promise.all([readInterfaceCounters(veths, undefined, files.read), driver.receivedBytes()]);
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
    // Middlebox faults: all checked with nft now (exit 3 if this host cannot make one), those at 0 in place before the handshake.
    const faults = { applied: await prepareFaults(lab, opts.timeline), inForce: new Map<string, PlanFault>(), notes };
    opts.onStep?.('traffic running');
    t0 = clock();
    await driver.start(t0);
    // path → the mode of its cut in force, so a restore is verified the way the cut was made.
    const cutNow = new Map<string, 'down' | 'blackhole'>();
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
          const label = `after ${e.kind} ${e.path}`;
          setTimeout(() => void snapshot(label), 300);
          if (e.kind === 'cut') {
            await lab.cut(e.path, e.mode);
            cutNow.set(e.path, e.mode);
            return { verified: verifyEvent('cut', e.mode, pathEnds(lab, e.path), t0) };
          }
          if (e.kind === 'restore') {
            const mode = cutNow.get(e.path) ?? 'down';
            await lab.restore(e.path);
            cutNow.delete(e.path);
            return { verified: verifyEvent('restore', mode, pathEnds(lab, e.path), t0) };
          }
          if (e.kind === 'fault' || e.kind === 'unfault') return fireFault(lab, e, faults, t0);
          await lab.impair(e.path, e.set, e.from);
          return undefined;
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
    // The verdict judges the connection in these snapshots. A sender that connects late (a VM
    // guest under TCG starts node in seconds) is not there yet at 1.3 s, and a look just after it
    // connects can come before its joins: look again every second until the connection on the
    // port shows with the subflows the plan gives it, a few times at most, never after the traffic ends.
    let trafficEnded = false;
    const wantSubflows = opts.protocol === 'mptcp' ? 1 + expectedJoins(plan).joins : 1;
    const midwaySnapshot = async (tries: number, why?: string): Promise<void> => {
      await snapshot(why === undefined ? 'traffic running' : `traffic running (look ${tries + 1}: ${why})`);
      const again = whyLookAgain(snapshots, port, wantSubflows);
      if (trafficEnded || tries + 1 >= MIDWAY_SNAPSHOT_LOOKS || again === undefined) return;
      midway = setTimeout(() => void midwaySnapshot(tries + 1, again), 1000);
    };
    midway = setTimeout(() => void midwaySnapshot(0), Math.min(1500, plan.timeline[0]?.atMs ?? 1500) - 200);
    const traffic = await driver.wait();
    trafficEnded = true;
    clearTimeout(midway);
    opts.onStep?.(`traffic ended after ${((clock() - t0) / 1000).toFixed(1)} s: collecting counters and logs`);
    stopTimeline.abort();
    const events = await timeline;
    if (timelineError) throw new LabError(`a timeline event failed, so the run was stopped: ${timelineError.message}`, { cause: timelineError });
    for (const path of cutNow.keys()) {
      await lab.restore(path);
      notes.push(`${path} was still cut when the traffic ended; restored`);
    }
    await endFaults(lab, faults);
    const samples = await sampler.stop();
    const sampling: SamplingRecord = {
      intervalMs,
      samples: samples.length,
      skippedTicks: sampler.skippedTicks,
      errors: samplerErrors,
      gaps: samplingGaps(samples.map((s) => s.tMs - t0), intervalMs),
    };
    if (sampling.errors.length > 0 || sampling.gaps.length > 0) {
      notes.push(`sampler: ${sampling.errors.length} failed sample${sampling.errors.length === 1 ? '' : 's'}, ${sampling.gaps.length} gap${sampling.gaps.length === 1 ? '' : 's'} longer than ${2 * intervalMs} ms, ${sampling.skippedTicks} skipped tick${sampling.skippedTicks === 1 ? '' : 's'}`);
    }
    await Promise.all(monitors.map((m) => m.stop().catch(() => undefined)));
    // The reader's whole life, its start included: that is what it cost.
    const subflowCpuMs = perSubflow?.sessionCpuMs() ?? NaN;
    await perSubflow?.close();
    const countersAfter = await readCounters(lab);
    const counters = Object.fromEntries(Object.keys(countersAfter).map((h) => [h, diffCounters(countersBefore[h] ?? {}, countersAfter[h] ?? {})]));
    const kernelLog = (await readKernelLogSince(kernelMark)).map((l) => ({
      tMs: Math.round((l.tS - kernelMark.monotonicS) * 1000 + (clockAtMark - t0)),
      line: l.line,
      error: l.error,
      ...(l.untimed ? { untimed: true } : {}),
    }));
    const rel = samples.map((s) => ({ tMs: Math.round(s.tMs - t0), value: s.value }));
    const reported = driver.reportedGoodput?.();
    const { paths, aggregate, goodput, subflows, subflowsPerPath } = buildPassSeries(rel, {
      paths: plan.paths,
      sender: plan.traffic.sender,
      receiver: plan.traffic.receiver,
      vethOf,
      ...(reported ? { reportedGoodput: reported } : {}),
    });
    if (plan.traffic.tool === 'iperf3') notes.push('iperf3 keeps a control connection on the same port: the sampled subflow series includes its subflows; the verdict counts the data connection\'s own');
    const maxSubflows = Math.max(0, ...subflows.v);
    const connection = connectionFromSnapshots(snapshots, port);
    if (perSubflow) {
      const st = perSubflow.stats;
      sampling.subflows = { ...st, sessionCpuMs: Math.round(subflowCpuMs) };
      if (st.fallback) notes.push(st.fallback);
    }
    const perSubflowResult = perSubflow?.result((a) => pathOfAddress.get(a) ?? pathOfAnyAddress.get(a), t0);
    if (perSubflow && perSubflow.stats.failed > 0) notes.push(`subflow series: ${perSubflow.stats.failed} failed read(s): ${perSubflow.stats.firstError}`);
    return {
      ...(perSubflowResult ?? {}),
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
      mptcp: mptcpVerdict(plan, opts.protocol, counters, maxSubflows, connection),
      notes,
      sampling,
    };
  } finally {
    // Every way out (a killed container, a lost engine) stops what keeps the process alive.
    clearTimeout(midway);
    stopTimeline.abort();
    await sampler?.stop().catch(() => undefined);
    await perSubflow?.close().catch(() => undefined);
    await Promise.all(monitors.map((m) => m.stop().catch(() => undefined)));
    await driver.stop();
    // After the samplers: a kept /proc/PID/net descriptor holds its network namespace alive.
    files.close();
  }
}
