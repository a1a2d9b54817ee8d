/**
 * Section `fidelity` (issue 6): on two-vlan (2 × 1 Gbit/s tbf) without timeline events, each
 * traffic tool's goodput as a fraction of the shaped capacity, and the `transfer` agent next
 * to iperf3 on the same lab; then the same two tools at 2 × 5 Gbit/s and unshaped (issue 17:
 * the agent must not be what limits a fast path; unshaped is the CPU limit of the machine).
 * One lab per case, tools interleaved on it: iperf3, transfer, http, iperf3, ...
 */
import { loadTopologyFile } from '../loader';
import { capacityBps, dataPaths, type Plan, type PlanTraffic } from '../model/plan';
import { startLab, tmpfsFor } from '../run/start-lab';
import type { BenchContext, SectionResult } from './common';
import { benchPass, passProblem, passWarning } from './passes';
import { trafficVariant } from './plans';
import { ratioStats, scaled, stats } from './stats';
import type { BenchRow } from './table';

type Tool = PlanTraffic['tool'];

/** The fast case's rate per path: 2 × 5 Gbit/s, where a slow agent (not MPTCP) would be the limit. */
const FAST_RATE_BPS = 5e9;

interface ToolRuns {
  goodputBps: number[];
  problems: string[];
  warnings: string[];
  maxSubflows: number[];
}

async function runTools(ctx: BenchContext, plans: Partial<Record<Tool, Plan>>, order: Tool[], repeats: number, tag: string): Promise<Record<Tool, ToolRuns>> {
  const empty = (): ToolRuns => ({ goodputBps: [], problems: [], warnings: [], maxSubflows: [] });
  const out: Record<Tool, ToolRuns> = { http: empty(), iperf3: empty(), transfer: empty() };
  // One lab for every tool: its RAM disk must hold the largest file any of them needs (http's).
  const tmpfsBytes = Math.max(...order.map((tool) => tmpfsFor(plans[tool]!)));
  const lab = await startLab(plans[order[0]!]!, { tmpfsBytes });
  try {
    for (let r = 0; r < repeats; r++) {
      for (const tool of order) {
        const p = await benchPass(lab, plans[tool]!, 100, `bench-${tag}-${tool}-${r}`);
        const problem = passProblem(p);
        const warning = passWarning(p);
        // A failed pass is kept as NaN so the pairs stay aligned; stats skip it.
        out[tool].goodputBps.push(problem ? NaN : p.pass.traffic.goodputBps);
        out[tool].maxSubflows.push(p.pass.mptcp.maxSubflows);
        if (problem) out[tool].problems.push(problem);
        if (warning) out[tool].warnings.push(warning);
        ctx.log(`  ${tag} #${r + 1} ${tool}: ${(p.pass.traffic.goodputBps / 1e9).toFixed(3)} Gbit/s, ${p.pass.mptcp.maxSubflows} subflows${problem ? ` (${problem})` : ''}${warning ? ` [${warning}]` : ''}`);
      }
    }
  } finally {
    await lab.stop();
  }
  return out;
}

export async function benchFidelity(ctx: BenchContext): Promise<SectionResult> {
  const seed = loadTopologyFile('two-vlan');
  const durationMs = ctx.quick ? 3000 : 5000;
  const httpBytes = ctx.quick ? 500e6 : 1e9;
  const checks = [{ kind: 'mptcp' as const }];
  const shaped: Record<Tool, Plan> = {
    iperf3: trafficVariant(seed, { tool: 'iperf3', durationMs, checks, label: 'bench fidelity iperf3' }),
    transfer: trafficVariant(seed, { tool: 'transfer', durationMs, checks, label: 'bench fidelity transfer' }),
    http: trafficVariant(seed, { tool: 'http', sizeBytes: httpBytes, checks, label: 'bench fidelity http' }),
  };
  const fast: Partial<Record<Tool, Plan>> = {
    iperf3: trafficVariant(seed, { tool: 'iperf3', durationMs, checks, rateBps: FAST_RATE_BPS, label: 'bench fidelity iperf3 2 x 5 Gbit/s' }),
    transfer: trafficVariant(seed, { tool: 'transfer', durationMs, checks, rateBps: FAST_RATE_BPS, label: 'bench fidelity transfer 2 x 5 Gbit/s' }),
  };
  const unshaped: Partial<Record<Tool, Plan>> = {
    iperf3: trafficVariant(seed, { tool: 'iperf3', durationMs, checks, unshaped: true, label: 'bench fidelity iperf3 unshaped' }),
    transfer: trafficVariant(seed, { tool: 'transfer', durationMs, checks, unshaped: true, label: 'bench fidelity transfer unshaped' }),
  };
  const t = shaped.iperf3.traffic;
  const capacity = capacityBps(shaped.iperf3, dataPaths(shaped.iperf3).map((p) => p.name), t.sender) ?? NaN;

  const s = await runTools(ctx, shaped, ['iperf3', 'transfer', 'http'], ctx.repeats.fidelity, 'shaped');
  const f = await runTools(ctx, fast, ['iperf3', 'transfer'], ctx.repeats.fidelity, 'fast');
  const u = await runTools(ctx, unshaped, ['iperf3', 'transfer'], ctx.repeats.fidelity, 'unshaped');

  const section = 'fidelity';
  const capText = `${(capacity / 1e9).toFixed(2)} Gbit/s shaped`;
  const problemNote = (r: ToolRuns) =>
    [
      r.problems.length ? `failed passes left out: ${[...new Set(r.problems)].join('; ')}` : undefined,
      r.warnings.length ? `${r.warnings.length} of ${r.goodputBps.length} passes: the lab's MPTCP verdict says ${[...new Set(r.warnings.map((w) => w.replace(/=\d+/g, '')))].join('; ')}` : undefined,
    ]
      .filter(Boolean)
      .join('; ') || undefined;
  const toolRow = (tool: Tool, extra?: string): BenchRow => {
    const note = [extra, problemNote(s[tool])].filter(Boolean).join('; ');
    return {
      section,
      figure: `${tool} goodput / capacity (2 × 1 Gbit/s)`,
      unit: 'bit/s',
      measured: stats(s[tool].goodputBps),
      baselineName: capText,
      ratio: stats(scaled(s[tool].goodputBps, capacity)),
      ...(note ? { note } : {}),
    };
  };
  const rows: BenchRow[] = [
    toolRow('iperf3', 'tbf counts 1514 wire bytes per 1448 payload bytes: 0.956 is the ceiling'),
    toolRow('transfer'),
    toolRow('http', `${(httpBytes / 1e9).toFixed(1)} GB download timed from the wget start (process start and connection included)`),
    {
      section,
      figure: 'transfer vs iperf3, shaped',
      unit: 'bit/s',
      measured: stats(s.transfer.goodputBps),
      baselineName: 'iperf3',
      baseline: stats(s.iperf3.goodputBps),
      ratio: ratioStats(s.transfer.goodputBps, s.iperf3.goodputBps),
      target: { op: '>=', value: 0.9 },
    },
    {
      section,
      figure: 'transfer vs iperf3, 2 × 5 Gbit/s',
      unit: 'bit/s',
      measured: stats(f.transfer.goodputBps),
      baselineName: 'iperf3',
      baseline: stats(f.iperf3.goodputBps),
      ratio: ratioStats(f.transfer.goodputBps, f.iperf3.goodputBps),
      target: { op: '>=', value: 0.9 },
      note: ['tbf at 5 Gbit/s per path: on 2 cores both tools may be CPU-bound below the 10 Gbit/s', problemNote(f.transfer), problemNote(f.iperf3)].filter(Boolean).join('; '),
    },
    {
      section,
      figure: 'transfer vs iperf3, unshaped',
      unit: 'bit/s',
      measured: stats(u.transfer.goodputBps),
      baselineName: 'iperf3',
      baseline: stats(u.iperf3.goodputBps),
      ratio: ratioStats(u.transfer.goodputBps, u.iperf3.goodputBps),
      target: { op: '>=', value: 0.9 },
      note: [
        "no rate limit: both are CPU-bound on this machine (the agent is Node.js, writing views of its stream and comparing every byte it receives with memcmp; iperf3 is C and checks nothing)",
        problemNote(u.transfer),
        problemNote(u.iperf3),
      ]
        .filter(Boolean)
        .join('; '),
    },
  ];
  return { rows, raw: { capacityBps: capacity, durationMs, httpBytes, shaped: s, fast: f, fastRateBps: FAST_RATE_BPS, unshaped: u } };
}
