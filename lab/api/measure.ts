/**
 * One measurement of a lab that is up: its traffic and timeline (lab/run), the RunRecord, and
 * the checks over it (lab/checks). The one place a pass becomes `{ record, checks }`: runLab,
 * the suites and the bench all measure through it (`lab.measure()` on a started lab).
 */
import { evaluateChecks } from '../checks';
import type { CheckResult, RunRecord } from '../model/record';
import { startCaptures } from '../observe/capture';
import { explainStall } from './explain-stall';
import { cpuBoundMeaning, noteCpuBound, startLoadMonitor } from '../observe/host-cpu';
import { baselineFrom } from '../run/baseline';
import { recordFromPass, shapingSummary } from '../run/record';
import { runTrafficPass, type PassOptions } from '../run/traffic-run';
import { probeHost } from '../runtime/probe';
import type { RunningLab } from '../runtime/types';

export interface MeasureOptions {
  /** Sampling interval, ms (default 100). */
  intervalMs?: number;
  /** Also run the same traffic over plain TCP and state MPTCP's gain. */
  baseline?: 'tcp';
  /** The plan's protocol unless given (a suite's plain-TCP comparison). */
  protocol?: 'mptcp' | 'tcp';
  /** The plan's timeline unless given (`[]`: traffic only). */
  timeline?: PassOptions['timeline'];
  /** Names the pass's deterministic data (default: the lab's run id). */
  seed?: string;
  /** Capture the main pass's packets (headers, snaplen 128, a size-bounded ring per path) into this folder. */
  captureDir?: string;
  onStep?: (step: string) => void;
  onProgress?: PassOptions['onProgress'];
}

/** What a measurement found: the record and every check's verdict over it. */
export interface Measurement {
  record: RunRecord;
  checks: CheckResult[];
  /** The plain-TCP pass's own outcome, with `baseline: 'tcp'` (record.baseline holds its goodput and MPTCP's gain). */
  baselineTraffic?: RunRecord['traffic'];
}

/**
 * The sender's TCP settings, which shape every result and which lab namespaces partly inherit
 * from the host (congestion control does, buffer sizes do not): read inside the namespace.
 */
async function tcpSettings(lab: RunningLab, host: string): Promise<Record<string, string>> {
  const names = ['net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
  const r = await lab.exec(host, ['sysctl', '-n', ...names], { timeoutMs: 10_000 }).catch(() => undefined);
  const values = r?.exitCode === 0 ? r.stdout.trim().split('\n') : [];
  return Object.fromEntries(names.map((n, i) => [`${host} ${n}`, (values[i] ?? 'unknown').replace(/\s+/g, ' ')]));
}

/** Runs the plan's traffic (and a plain-TCP baseline when asked) on a lab that is up, records it and checks it. */
export async function measureLab(lab: RunningLab, opts: MeasureOptions = {}): Promise<Measurement> {
  const { plan } = lab;
  const startedAt = new Date();
  const intervalMs = opts.intervalMs ?? 100;
  const clock = () => performance.now();
  const timeline = opts.timeline ?? plan.timeline;
  const seed = opts.seed ?? lab.runId;
  const tcp = await tcpSettings(lab, plan.traffic.sender);
  const load = startLoadMonitor(Object.fromEntries(Object.values(lab.hosts).map((h) => [h.name, h.pid])), { clock });
  let main: Awaited<ReturnType<typeof runTrafficPass>>;
  const captures = opts.captureDir ? await startCaptures(lab, opts.captureDir) : undefined;
  let captured: Awaited<ReturnType<NonNullable<typeof captures>['stop']>> = [];
  try {
    // The window of host load is the main pass's traffic (its steps say when it starts and ends).
    const onStep = (s: string) => {
      if (s === 'traffic running') load.begin();
      else if (s.startsWith('traffic ended')) load.end();
      opts.onStep?.(s);
    };
    main = await runTrafficPass(lab, plan, { protocol: opts.protocol ?? plan.traffic.protocol, intervalMs, seed, clock, timeline, onProgress: opts.onProgress, onStep });
  } finally {
    load.stop();
    if (captures) captured = await captures.stop();
  }
  const hostLoad = load.stop();
  let baseline: RunRecord['baseline'];
  let baselineTraffic: RunRecord['traffic'] | undefined;
  if (opts.baseline === 'tcp') {
    opts.onStep?.('baseline: the same traffic over plain TCP');
    const tcpPass = await runTrafficPass(lab, plan, { protocol: 'tcp', intervalMs, seed: `${seed}-tcp`, clock, timeline, onStep: opts.onStep });
    baseline = baselineFrom(main, tcpPass);
    baselineTraffic = tcpPass.traffic;
  }
  const caps = await probeHost();
  const record = recordFromPass(lab, plan, main, {
    startedAt,
    intervalMs,
    environment: {
      runtime: lab.runtime ?? 'docker',
      kernel: caps.kernel,
      docker: caps.docker.version ?? 'unknown',
      netem: caps.qdiscs.netem,
      shaping: shapingSummary(lab),
      node: process.version,
      ...tcp,
    },
    baseline,
  });
  for (const c of captured) {
    record.notes.push(`capture of ${c.path} (${c.side}): ${c.files.join(', ')} — ${c.captured ?? '?'} packets, ${c.droppedByKernel ?? '?'} dropped by the kernel`);
  }
  if (hostLoad) {
    record.hostLoad = hostLoad;
    if (hostLoad.cpuBound) record.notes.push(`${hostLoad.reason}: ${cpuBoundMeaning(hostLoad)}`);
  }
  return { record, checks: explainStall(record, noteCpuBound(evaluateChecks(record), hostLoad)), ...(baselineTraffic ? { baselineTraffic } : {}) };
}
