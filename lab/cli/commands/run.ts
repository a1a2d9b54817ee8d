/** `npm run lab -- <topology|file> [options]`: the main job, with a live progress bar and a summary. */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { loadTopologyFile } from '../../loader';
import { UsageError } from '../../model/errors';
import { formatRate, formatSize, parseDuration, parseSize } from '../../model/units';
import { installSignalHandlers } from '../../runtime/lifecycle';
import { renderSummaryTable } from '../../report';
import { runLab, timestamp } from '../../run/run-lab';
import { parseMatrixArgs } from '../../run/matrix';
import { parseRepeatArg, summarizeRuns, type LabelledRun } from '../../run/repeat';
import { applyVariant, variantSlug } from '../../run/variant';
import { renderMatrixSummary, writeMatrixReports } from '../../report/matrix-summary';
import { join, resolve } from 'node:path';
import type { Plan } from '../../model/plan';
import type { CommandResult } from '../main';
import { optionValue } from './options';

function parseRunArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        size: { type: 'string' },
        keep: { type: 'boolean' },
        json: { type: 'boolean' },
        baseline: { type: 'string' },
        interval: { type: 'string' },
        matrix: { type: 'string', multiple: true },
        repeat: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Runs a topology and reports; exit 0 when every check passed, 1 otherwise. */
export async function runCommand(args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseRunArgs(args);
  if (positionals.length !== 1) throw new UsageError(`expected one topology name or file, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  if (values.baseline !== undefined && values.baseline !== 'tcp') throw new UsageError(`--baseline: only "tcp" is supported, got "${values.baseline}"`);
  const sizeOverride = optionValue('size', values.size, parseSize);
  const intervalMs = optionValue('interval', values.interval, parseDuration);
  if (intervalMs !== undefined && (intervalMs < 5 || intervalMs > 1000)) throw new UsageError('--interval: between 5ms and 1s');
  const plan = await loadTopologyFile(positionals[0]!, { sizeOverride });
  const err = (m: string) => process.stderr.write(m + '\n');
  if (values.matrix !== undefined || values.repeat !== undefined) {
    if (values.keep) throw new UsageError('--keep keeps one lab; it does not combine with --matrix or --repeat');
    return runMany(plan, values.matrix ?? [], values.repeat, { out: values.out, intervalMs, baseline: values.baseline === 'tcp' ? 'tcp' : undefined }, err);
  }
  installSignalHandlers();
  for (const note of plan.notes.filter((n) => n.includes('dropped'))) err(`note: ${note}`);
  const total = plan.traffic.sizeBytes ?? 0;
  const bar = new SingleBar(
    {
      format: `${plan.name} {bar} {percentage}% | {done} | {rate}`,
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 1000,
    },
  );
  let barStarted = false;
  const began = performance.now();
  const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;
  const outcome = await runLab(plan, {
    outDir: values.out,
    keep: values.keep,
    baseline: values.baseline === 'tcp' ? 'tcp' : undefined,
    intervalMs,
    onStep: (s) => {
      if (barStarted) {
        bar.stop();
        barStarted = false;
      }
      err(`• ${s} (${elapsed()})`);
    },
    onProgress: ({ tMs, bytes, bps }) => {
      const totalUnits = total || plan.traffic.durationMs || 1;
      const value = total ? bytes : tMs;
      const payload = { done: formatSize(bytes), rate: formatRate(bps) };
      if (!barStarted) {
        bar.start(totalUnits, 0, payload);
        barStarted = true;
      }
      bar.update(Math.min(value, totalUnits), payload);
    },
  });
  if (barStarted) bar.stop();
  err(`• done (${elapsed()})`);
  const { record, checks, exitCode, outDir, files, lab } = outcome;
  const lines: string[] = [];
  if (values.json) {
    lines.push(JSON.stringify({ topology: plan.name, runId: record.runId, exitCode, outDir, mptcp: record.mptcp, traffic: record.traffic, baseline: record.baseline, checks }, null, 2));
  } else {
    lines.push(renderSummaryTable(record, checks, files));
  }
  if (lab) {
    const hint = [
      `lab ${lab.runId} is still up (--keep):`,
      ...Object.values(lab.hosts).map((h) => `  docker exec -it ${h.containerName} bash    # ${h.name} (${h.role}): ${Object.values(h.interfaces).map((i) => `${i.ifname} ${i.address}`).join(', ')}`),
      `  remove it: npm run lab -- clean --run ${lab.runId}`,
    ];
    err(hint.join('\n'));
  }
  return { exitCode, stdout: lines.join('\n'), stderr: '' };
}

/** --matrix and --repeat: every variant (all resolved before the first run), N runs each, one summary. */
async function runMany(
  base: Plan,
  matrix: string[],
  repeatText: string | undefined,
  opts: { out?: string; intervalMs?: number; baseline?: 'tcp' },
  err: (m: string) => void,
): Promise<CommandResult> {
  const variants = parseMatrixArgs(matrix);
  const repeat = repeatText !== undefined ? parseRepeatArg(repeatText) : 1;
  const plans = variants.map((v) => ({ v, plan: applyVariant(base, v) }));
  installSignalHandlers();
  const root = resolve(opts.out ?? join('reports', base.name, timestamp(new Date())));
  const outcomes: LabelledRun[] = [];
  for (const { v, plan } of plans) {
    for (const note of plan.notes.filter((n) => n.includes('dropped'))) err(`note [${v.label}]: ${note}`);
    for (let i = 1; i <= repeat; i++) {
      err(`• ${v.label}: run ${i} of ${repeat}`);
      const o = await runLab(plan, { outDir: join(root, variantSlug(v.label), `run-${i}`), intervalMs: opts.intervalMs, baseline: opts.baseline });
      outcomes.push({ label: v.label, record: o.record, checks: o.checks, outDir: o.outDir });
    }
  }
  const summary = summarizeRuns(outcomes);
  const files = await writeMatrixReports(root, summary);
  return { exitCode: summary.exitCode, stdout: renderMatrixSummary(summary, files), stderr: '' };
}
