/** `npm run lab -- <topology|file> [options]`: the main job, with a live progress bar and a summary. */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { loadTopologyFile } from '../../loader';
import { UsageError } from '../../model/errors';
import { formatRate, formatSize, parseDuration, parseSize } from '../../model/units';
import { installSignalHandlers } from '../../runtime/lifecycle';
import { renderSummaryTable } from '../../report';
import { prepareOutDir, runLab } from '../../api/run-lab';
import { parsePerEngine, runSweep } from '../../api/sweep';
import { parseShardArg } from '../../api/shard';
import { resolve } from 'node:path';
import type { CommandResult } from './command-result';
import { optionValue } from './options';
import { TransferBar } from '../transfer-bar';
import { isProgressMilestone, setDefaultImageProgress } from '../../image/build';

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
        runtime: { type: 'string' },
        capture: { type: 'boolean' },
        // --runtime vm: the guest's kernel and its modules (lab/runtime/vm).
        kernel: { type: 'string' },
        modules: { type: 'string' },
        matrix: { type: 'string', multiple: true },
        repeat: { type: 'string' },
        // A sweep's share and its engines (lab/run/shard.ts, lab/run/engines.ts, docs/SCALE.md).
        shard: { type: 'string' },
        engine: { type: 'string', multiple: true },
        'per-engine': { type: 'string' },
        'cells-only': { type: 'boolean' },
        'print-cells': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** `--runtime docker|netns|vm`: where the lab's hosts run (docker when absent; vm: netns inside a QEMU guest). */
export function parseRuntimeArg(text: string | undefined): 'docker' | 'netns' | 'vm' | undefined {
  if (text === undefined) return undefined;
  if (text === 'docker' || text === 'netns' || text === 'vm') return text;
  throw new UsageError(`--runtime: expected docker, netns or vm, got "${text}"`);
}

/** `--kernel debian|PATH` and `--modules DIR` go with `--runtime vm` only. */
export function parseVmArgs(runtime: string | undefined, kernel: string | undefined, modules: string | undefined): { kernel?: string; modulesDir?: string } | undefined {
  if (runtime !== 'vm') {
    if (kernel !== undefined || modules !== undefined) throw new UsageError(`--${kernel !== undefined ? 'kernel' : 'modules'} goes with --runtime vm (the guest's kernel); got --runtime ${runtime ?? 'docker'}`);
    return undefined;
  }
  if (modules !== undefined && (kernel === undefined || kernel === 'debian')) throw new UsageError('--modules goes with --kernel PATH; the Debian kernel uses /lib/modules/KVER');
  return { ...(kernel !== undefined ? { kernel } : {}), ...(modules !== undefined ? { modulesDir: modules } : {}) };
}

/** Runs a topology and reports; exit 0 when every check passed, 1 otherwise. */
export async function runCommand(args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseRunArgs(args);
  if (positionals.length !== 1) throw new UsageError(`expected one topology name or file, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  if (values.baseline !== undefined && values.baseline !== 'tcp') throw new UsageError(`--baseline: only "tcp" is supported, got "${values.baseline}"`);
  const runtime = parseRuntimeArg(values.runtime);
  const vm = parseVmArgs(runtime, values.kernel, values.modules);
  const sizeOverride = optionValue('size', values.size, parseSize);
  const intervalMs = optionValue('interval', values.interval, parseDuration);
  if (intervalMs !== undefined && (intervalMs < 5 || intervalMs > 1000)) throw new UsageError('--interval: between 5ms and 1s');
  const plan = await loadTopologyFile(positionals[0]!, { sizeOverride });
  // Before anything starts (runLab checks the default report folder itself).
  const sweep = values.matrix !== undefined || values.repeat !== undefined || values.shard !== undefined || values.engine !== undefined || values['cells-only'] || values['print-cells'];
  if (values.out !== undefined && !sweep) await prepareOutDir(resolve(values.out));
  const err = (m: string) => process.stderr.write(m + '\n');
  if (sweep) {
    if (values.keep) throw new UsageError('--keep keeps one lab; it does not combine with --matrix, --repeat, --shard or --engine');
    return runSweep(plan, {
      load: (variant) => loadTopologyFile(positionals[0]!, { sizeOverride, variant }),
      topologyArg: positionals[0]!,
      matrix: values.matrix ?? [],
      repeatText: values.repeat,
      out: values.out,
      intervalMs,
      intervalText: values.interval,
      sizeText: values.size,
      baseline: values.baseline === 'tcp' ? 'tcp' : undefined,
      shard: values.shard !== undefined ? parseShardArg(values.shard) : undefined,
      engines: values.engine,
      perEngine: optionValue('per-engine', values['per-engine'], parsePerEngine),
      cellsOnly: values['cells-only'],
      printCells: values['print-cells'],
      // Each cell is its own lab process: it gets the runtime the sweep was asked for.
      ...(runtime ? { passThrough: ['--runtime', runtime, ...(vm?.kernel ? ['--kernel', vm.kernel] : []), ...(vm?.modulesDir ? ['--modules', vm.modulesDir] : [])] } : {}),
      // Cells run in this process get it too (a VM boots one guest per cell).
      ...(runtime ? { runOptions: { runtime, ...(vm ? { vm } : {}) } } : {}),
      err,
    });
  }
  installSignalHandlers();
  for (const note of plan.notes.filter((n) => n.includes('dropped'))) err(`note: ${note}`);
  const began = performance.now();
  const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;
  const transfer = new TransferBar({
    bar: new SingleBar({
      format: `${plan.name} {bar} {percentage}% | {done} | {rate}`,
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 1000,
    }),
    write: err,
    totalBytes: plan.traffic.sizeBytes ?? 0,
    durationMs: plan.traffic.durationMs,
    format: ({ bytes, bps }) => ({ done: formatSize(bytes), rate: formatRate(bps) }),
    graceMs: Math.max(500, 3 * (intervalMs ?? 100)),
  });
  const onStep = (s: string) => transfer.step(`• ${s} (${elapsed()})`);
  // A first run builds the image inside the host probe, which passes no progress callback of its own.
  setDefaultImageProgress((m) => (isProgressMilestone(m) ? onStep(m) : undefined));
  let outcome: Awaited<ReturnType<typeof runLab>>;
  try {
    outcome = await runLab(plan, {
      outDir: values.out,
      keep: values.keep,
      baseline: values.baseline === 'tcp' ? 'tcp' : undefined,
      intervalMs,
      ...(values.capture ? { capture: true } : {}),
      ...(runtime ? { runtime } : {}),
      ...(vm ? { vm: { ...vm, onGuestLine: (l: string) => transfer.step(`  [vm] ${l}`) } } : {}),
      onStep,
      onProgress: (p) => transfer.progress(p),
    });
  } finally {
    transfer.finish();
    setDefaultImageProgress(undefined);
  }
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
