/**
 * The main job as a library call: bring a lab up, run its traffic and timeline, record,
 * check, report, tear down (always, unless kept). Returns the record, the check results
 * and the exit code the CLI should use.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { evaluateChecks } from '../checks';
import type { Plan } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { writeReports } from '../report';
import type { RunningLab } from '../runtime/types';
import { probeHost } from '../runtime/probe';
import { newRunId } from '../runtime/docker-lab';
import { startLab } from './start-lab';
import { recordFromPass, shapingSummary } from './record';
import { runTrafficPass, type PassOptions } from './traffic-run';

export interface RunOptions {
  /** Report folder; default reports/<topology>/<timestamp>/. */
  outDir?: string;
  /** Leave the lab up (the caller gets it back and must stop it). */
  keep?: boolean;
  /** Sampling interval, ms (default 100). */
  intervalMs?: number;
  /** Also run the same traffic over plain TCP and state MPTCP's gain. */
  baseline?: 'tcp';
  onStep?: (step: string) => void;
  onProgress?: PassOptions['onProgress'];
}

export interface RunOutcome {
  record: RunRecord;
  checks: CheckResult[];
  /** 0 every check passed, 1 a check failed or could not be measured. */
  exitCode: 0 | 1;
  outDir: string;
  /** The report files written. */
  files: string[];
  /** Only with keep. */
  lab?: RunningLab;
}

/** `2026-11-27T08-16-07`: a folder name that sorts by time. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
}

/** Runs a whole lab from a Plan and writes its reports. */
export async function runLab(plan: Plan, opts: RunOptions = {}): Promise<RunOutcome> {
  const started = new Date();
  const intervalMs = opts.intervalMs ?? 100;
  const outDir = resolve(opts.outDir ?? join('reports', plan.name, timestamp(started)));
  const runId = newRunId();
  const lab = await startLab(plan, { onStep: opts.onStep });
  const clock = () => performance.now();
  try {
    const tcp = await tcpSettings(lab, plan.traffic.sender);
    const main = await runTrafficPass(lab, plan, {
      protocol: plan.traffic.protocol,
      intervalMs,
      seed: runId,
      clock,
      timeline: plan.timeline,
      onProgress: opts.onProgress,
      onStep: opts.onStep,
    });
    let baseline: RunRecord['baseline'];
    if (opts.baseline === 'tcp') {
      opts.onStep?.('baseline: the same traffic over plain TCP');
      const tcpPass = await runTrafficPass(lab, plan, { protocol: 'tcp', intervalMs, seed: `${runId}-tcp`, clock, timeline: plan.timeline, onStep: opts.onStep });
      baseline = {
        protocol: 'tcp',
        goodputBps: tcpPass.traffic.goodputBps,
        gainRatio: tcpPass.traffic.goodputBps > 0 ? main.traffic.goodputBps / tcpPass.traffic.goodputBps : 0,
      };
    }
    const caps = await probeHost();
    const record = recordFromPass(lab, plan, main, {
      startedAt: started,
      intervalMs,
      environment: {
        kernel: caps.kernel,
        docker: caps.docker.version ?? 'unknown',
        netem: caps.qdiscs.netem,
        shaping: shapingSummary(lab),
        node: process.version,
        ...tcp,
      },
      baseline,
    });
    opts.onStep?.('checks and reports');
    const checks = evaluateChecks(record);
    await mkdir(outDir, { recursive: true });
    const files = await writeReports(outDir, record, checks);
    const exitCode = checks.every((c) => c.status === 'pass' || c.status === 'skipped') ? 0 : 1;
    return { record, checks, exitCode, outDir, files, ...(opts.keep ? { lab } : {}) };
  } finally {
    if (!opts.keep) {
      opts.onStep?.('removing the lab');
      await lab.stop();
    }
  }
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
