/**
 * Section `failover`: how finely the lab measures a failover. The same cut, repeated: two-vlan
 * (2 × 1 Gbit/s) with the seed's timeline (vlan181 down at 3 s, back at 6 s) and its failover
 * and recovery checks, traffic by the transfer agent for 10 s (no file to generate per pass;
 * 4 s after the restore, as the seed's 11 s download leaves about 5).
 * The spread of the failover and recovery times the checks report (their details), at 100 ms
 * and at 10 ms sampling, interleaved on one lab.
 */
import { MIN_SAMPLES } from '../checks';
import { loadTopologyFile } from '../loader';
import { startLab } from '../run/start-lab';
import type { BenchContext, SectionResult } from './common';
import { benchPass, detailValues, passProblem } from './passes';
import { checksOf, trafficVariant } from './plans';
import { stats, type Stats } from './stats';
import type { BenchRow } from './table';

export const FAILOVER_INTERVALS = [100, 10] as const;

export interface FailoverSample {
  intervalMs: number;
  failoverMs?: number;
  recoveryMs?: number;
  verdicts: string[];
  problem?: string;
}

export const FAILOVER_TRAFFIC_MS = 10_000;

export async function benchFailover(ctx: BenchContext): Promise<SectionResult> {
  const seed = loadTopologyFile('two-vlan');
  const plan = trafficVariant(seed, {
    tool: 'transfer',
    durationMs: FAILOVER_TRAFFIC_MS,
    timeline: seed.timeline,
    checks: checksOf(seed, ['failover', 'recovery']),
    label: 'bench failover',
  });
  const lab = await startLab(plan);
  const runs: FailoverSample[] = [];
  try {
    for (let r = 0; r < ctx.repeats.failover; r++) {
      for (const intervalMs of FAILOVER_INTERVALS) {
        const p = await benchPass(lab, plan, intervalMs, `bench-failover-${intervalMs}-${r}`);
        const s: FailoverSample = {
          intervalMs,
          failoverMs: detailValues(p.checks, 'failover', 'failover time')[0],
          recoveryMs: detailValues(p.checks, 'recovery', 'recovery time')[0],
          verdicts: p.checks.map((c) => `${c.name}: ${c.status} (${c.measured})`),
          ...(passProblem(p) ? { problem: passProblem(p) } : {}),
        };
        runs.push(s);
        const ms = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} ms`);
        ctx.log(`  #${r + 1} ${intervalMs} ms: failover ${ms(s.failoverMs)}, recovery ${ms(s.recoveryMs)}${s.problem ? ` (${s.problem})` : ''}`);
      }
    }
  } finally {
    await lab.stop();
  }
  return { rows: failoverRows(runs), raw: { plan: { tool: 'transfer', durationMs: FAILOVER_TRAFFIC_MS, timeline: seed.timeline }, runs } };
}

function spreadRatio(a: Stats | undefined, b: Stats | undefined): Stats | undefined {
  // A spread needs two values on each side.
  if (!a || !b || a.n < 2 || b.n < 2 || !(b.stdev > 0)) return undefined;
  const v = a.stdev / b.stdev;
  return { n: 1, min: v, median: v, max: v, mean: v, stdev: 0 };
}

/** Rows: per figure and interval the spread; the 10 ms row's ratio is its stdev over the 100 ms one's (pure). */
export function failoverRows(runs: readonly FailoverSample[]): BenchRow[] {
  const section = 'failover';
  const rows: BenchRow[] = [];
  const missing = (xs: FailoverSample[], key: 'failoverMs' | 'recoveryMs') => xs.filter((x) => x[key] === undefined).length;
  for (const [key, name] of [['failoverMs', 'failover time'], ['recoveryMs', 'recovery time']] as const) {
    const by = (ms: number) => runs.filter((x) => x.intervalMs === ms);
    const [slow, fast] = FAILOVER_INTERVALS.map((ms) => stats(by(ms).map((x) => x[key] ?? NaN)));
    for (const [i, ms] of FAILOVER_INTERVALS.entries()) {
      const s = i === 0 ? slow : fast;
      const xs = by(ms);
      const notes = [
        s ? `stdev ${Math.round(s.stdev)} ms` : undefined,
        missing(xs, key) ? `${missing(xs, key)} of ${xs.length} passes gave no ${name}` : undefined,
        i === 1 ? 'ratio = stdev at 10 ms / stdev at 100 ms' : undefined,
        i === 0 && key === 'failoverMs' ? `a time is the end of a sample (steps of the interval); failover = the first of ${MIN_SAMPLES} samples in a row back above the bound` : undefined,
      ].filter(Boolean);
      rows.push({
        section,
        figure: `${name}, ${ms} ms sampling`,
        unit: 'ms',
        measured: s,
        ...(i === 1 ? { baselineName: '100 ms', baseline: slow, ratio: spreadRatio(fast, slow) } : {}),
        note: notes.join('; '),
      });
    }
  }
  return rows;
}
