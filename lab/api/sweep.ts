/**
 * A sweep (`--matrix`, `--repeat`, `--shard`, `--engine`): its cells run here one after the
 * other, or as cell processes on several engines (lab/run/engines.ts); each finished cell's
 * folder gets a cell.json; then the summary is made from the folders (lab/run/shard.ts), the
 * same code `npm run lab -- merge` runs over the folders of several shards.
 */
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../model/errors';
import type { Plan } from '../model/plan';
import { renderMatrixSummary, writeMatrixReports } from '../report/matrix-summary';
import { installSignalHandlers } from '../runtime/lifecycle';
import { dockerFor, engineFromEnv, ensureImageOnEngines, probeEngine, resolveEngine, runOnEngines, setAside, spawnCell, type EngineSpec } from './engines';
import { parseMatrixArgs } from '../run/matrix';
import { parseRepeatArg } from '../run/repeat';
import { prepareOutDir, runLab, timestamp, type RunOptions } from './run-lab';
import { cellDir, cellLine, cellMeta, CELL_FILE, listCells, shardCells, summaryFromDirs, writeCellMeta, type Cell, type CellAttempt, type CellMeta, type Shard } from './shard';
import type { Variant } from '../model/variant';

export interface SweepOptions {
  /** The plan of one variant: the loader with the variant (and the command's --size), so a cell is judged by the loader's rules. */
  load: (variant: Variant) => Plan;
  /** The topology as the command line named it (cell processes are given it again). */
  topologyArg: string;
  matrix: string[];
  repeatText?: string;
  out?: string;
  intervalMs?: number;
  intervalText?: string;
  sizeText?: string;
  baseline?: 'tcp';
  shard?: Shard;
  /** `--engine` texts; none: this process runs every cell on the environment's engine. */
  engines?: string[];
  perEngine?: number;
  /** Write the cells' folders and cell.json only: no summary (a cell process of a sweep over engines). */
  cellsOnly?: boolean;
  /** Also print each finished cell as one `mptcp-lab-cell {...}` line on stdout (Kubernetes pods: kubectl logs is the result). */
  printCells?: boolean;
  /** Other arguments every cell process gets as they are (e.g. `--runtime netns`). */
  passThrough?: string[];
  /** What cells run in this process get: the runtime (until now only cell processes got it) and a VM's kernel. */
  runOptions?: Pick<RunOptions, 'runtime' | 'vm'>;
  err: (m: string) => void;
}

export interface SweepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the sweep's cells (this shard's share of them) and sums them up. */
export async function runSweep(base: Plan, o: SweepOptions): Promise<SweepResult> {
  const variants = parseMatrixArgs(o.matrix);
  const repeat = o.repeatText !== undefined ? parseRepeatArg(o.repeatText) : 1;
  const plans = variants.map((v) => o.load(v));
  const all = listCells(variants, repeat);
  const cells = shardCells(all, o.shard);
  const root = resolve(o.out ?? join('reports', base.name, timestamp(new Date())));
  const shardText = o.shard ? `shard ${o.shard.index}/${o.shard.count}` : '';
  if (cells.length === 0) {
    return { exitCode: 0, stdout: `${base.name}: ${shardText} has no cells (the sweep has ${all.length}; cell c goes to shard (c mod ${o.shard?.count}) + 1)`, stderr: '' };
  }
  if (!o.cellsOnly) await prepareOutDir(root, o.out !== undefined ? '--out' : 'the report folder');
  if (shardText) o.err(`• ${shardText}: cells ${cells.map((c) => c.index + 1).join(', ')} of ${all.length}`);
  for (const [i, plan] of plans.entries()) {
    if (cells.some((c) => c.variantIndex === i)) for (const note of plan.notes.filter((n) => n.includes('dropped'))) o.err(`note [${variants[i]!.label}]: ${note}`);
  }
  const meta = (cell: Cell, extra: { attempts?: CellAttempt[] } = {}) => cellMeta(base.name, variants, repeat, cell, engineFromEnv(), { shard: o.shard, ...extra });
  const reasons = new Map<number, string>();
  let exitCode = 0;
  let signalled: NodeJS.Signals | undefined;

  if (o.engines?.length) {
    const r = await runOnEngineList(o, cells, all.length, root, reasons);
    signalled = r.signalled;
  } else {
    installSignalHandlers();
    for (const cell of cells) {
      o.err(`• ${cell.variant.label}: run ${cell.run} of ${repeat}${all.length > 1 ? ` (cell ${cell.index + 1} of ${all.length})` : ''}`);
      // A cell process tells its steps (its sweep prefixes them with the cell and engine).
      const onStep = o.cellsOnly ? (step: string) => o.err(`• ${step}`) : undefined;
      const out = await runLab(plans[cell.variantIndex]!, { ...o.runOptions, outDir: cellDir(root, cell), intervalMs: o.intervalMs, baseline: o.baseline, onStep });
      await finishCell(out.outDir, meta(cell), o.printCells);
      if (out.exitCode !== 0) exitCode = 1;
    }
  }
  if (o.cellsOnly) return { exitCode: exitCode || (reasons.size ? 4 : 0), stdout: '', stderr: '' };
  const summary = await summaryFromDirs([root], { expected: cells.map((c) => c.index), reasons });
  const files = await writeMatrixReports(root, summary);
  const text = renderMatrixSummary(summary, files);
  return { exitCode: signalled ? (signalled === 'SIGINT' ? 130 : 143) : reasons.size ? 4 : summary.exitCode, stdout: text, stderr: '' };
}

/**
 * A finished cell: its cell.json, and the engine in result.json's environment when the run
 * did not put it there itself; with printCells, the cell as one stdout line.
 */
async function finishCell(dir: string, m: CellMeta, printCells?: boolean): Promise<void> {
  const resultFile = join(dir, 'result.json');
  let text = await readFile(resultFile, 'utf8');
  const doc = JSON.parse(text) as { environment?: Record<string, unknown> };
  if (doc.environment && doc.environment.engine === undefined) {
    // Until lab/run/run-lab.ts spreads engineEnvironment() into the record: the same fields, added here.
    text = text.replace(/"environment": \{\n/, `"environment": {\n    "engine": ${JSON.stringify(m.engine.name)},\n    "engineEndpoint": ${JSON.stringify(m.engine.endpoint)},\n    "engineHost": ${JSON.stringify(m.engine.host)},\n`);
    JSON.parse(text);
    await writeFile(resultFile, text);
  }
  await writeCellMeta(dir, m);
  if (printCells) process.stdout.write(cellLine(m, text) + '\n');
}

/** The cells as cell processes over the engines; returns when every cell has a result or none can get one. */
async function runOnEngineList(o: SweepOptions, cells: readonly Cell[], total: number, root: string, reasons: Map<number, string>): Promise<{ signalled?: NodeJS.Signals }> {
  const specs: EngineSpec[] = [];
  for (const text of o.engines ?? []) {
    const spec = await resolveEngine(text);
    if (specs.some((s) => s.name === spec.name)) throw new UsageError(`--engine ${text} is given twice`);
    specs.push(spec);
  }
  const perEngine = o.perEngine ?? 1;
  const down = new Map<string, string>();
  const clients: Array<{ spec: EngineSpec; docker: Awaited<ReturnType<typeof dockerFor>> }> = [];
  const t0 = performance.now();
  const secs = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  for (const spec of specs) {
    const p = await probeEngine(spec);
    if (!p.ok) {
      down.set(spec.name, p.reason ?? 'no answer');
      o.err(`• engine ${spec.name} (${spec.endpoint}): does not answer: ${p.reason}`);
      continue;
    }
    if (!p.local) {
      throw new EnvironmentError(
        `engine ${spec.name} on this machine`,
        'run the lab on that machine instead (one CI runner or host per engine with --shard i/n, then npm run lab -- merge; docs/SCALE.md)',
        `${spec.endpoint} runs on ${p.host ?? '?'} (kernel ${p.kernel ?? '?'}), this process on ${engineFromEnv().host}: a lab is observed from its Docker host (veths under /sys, the hosts' /proc), which a remote engine's labs are not`,
      );
    }
    o.err(`• engine ${spec.name} (${spec.endpoint}): Docker ${p.serverVersion}, ${perEngine} lab${perEngine === 1 ? '' : 's'} at a time`);
    clients.push({ spec, docker: await dockerFor(spec) });
  }
  if (clients.length === 0) throw new EnvironmentError('a Docker engine that answers', 'start one of them, or name others with --engine', [...down].map(([n, r]) => `${n}: ${r}`).join('; '));
  const { ensureLabImage } = await import('../image/build');
  const { labImageTag, readImageInputs } = await import('../image/hash');
  const tag = labImageTag(await readImageInputs());
  const images = await ensureImageOnEngines(clients, tag, (docker) => ensureLabImage({ docker, onProgress: (m) => o.err(`  ${m}`) }), (m) => o.err(`• ${m}`));
  for (const i of images) if (i.action !== 'present') o.err(`• lab image on ${i.engine}: ${i.action} in ${(i.ms / 1000).toFixed(1)} s`);

  const children = new Set<ChildProcess>();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return;
    signalled = sig;
    o.err(`\n${sig}: stopping the cells that run (each removes its own lab)...`);
    for (const c of children) c.kill('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const base = [
    o.topologyArg,
    ...o.matrix.flatMap((m) => ['--matrix', m]),
    ...(o.repeatText !== undefined ? ['--repeat', o.repeatText] : []),
    ...(o.sizeText !== undefined ? ['--size', o.sizeText] : []),
    ...(o.intervalText !== undefined ? ['--interval', o.intervalText] : []),
    ...(o.baseline ? ['--baseline', o.baseline] : []),
    ...(o.passThrough ?? []),
  ];
  const perCell = new Map<number, string>();
  try {
    await runOnEngines({
      cells,
      engines: specs,
      perEngine,
      down,
      stopped: () => signalled !== undefined,
      isEngineUp: (e) => probeEngine(e, 3_000),
      run: async (cell, e) => {
        const dir = cellDir(root, cell);
        // A try that failed with its engine left its folder: keep it aside, start clean.
        const aside = await setAside(dir, perCell.get(cell.index) ?? 'earlier');
        if (aside) o.err(`  [cell ${cell.index + 1}] the failed try's folder is kept as ${aside}`);
        perCell.set(cell.index, e.name);
        return spawnCell([...base, '--shard', `${cell.index + 1}/${total}`, '--cells-only', '--out', root], e, {
          children,
          log: (line) => o.err(`  [cell ${cell.index + 1} on ${e.name}] ${line}`),
        });
      },
      events: {
        start: (cell, e) => o.err(`• cell ${cell.index + 1} (${cell.variant.label} run ${cell.run}) on ${e.name} (${secs()})`),
        moved: (cell, from, reason) => o.err(`• cell ${cell.index + 1} moves off ${from.name}: ${reason}`),
        done: async (cell, e, r, attempts) => {
          o.err(`• cell ${cell.index + 1} done on ${e.name}: exit ${r.exitCode} (${secs()})`);
          // The cell process wrote cell.json; the sweep adds what only it knows: the tries before, and its shard.
          const file = join(cellDir(root, cell), CELL_FILE);
          const m = JSON.parse(await readFile(file, 'utf8')) as CellMeta;
          if (o.shard) m.shard = o.shard;
          else delete m.shard;
          if (attempts.length) m.attempts = attempts;
          await writeFile(file, JSON.stringify(m, null, 2) + '\n');
          if (o.printCells) process.stdout.write(cellLine(m, await readFile(join(cellDir(root, cell), 'result.json'), 'utf8')) + '\n');
        },
        failed: (cell, reason) => {
          reasons.set(cell.index, reason);
          o.err(`• cell ${cell.index + 1} (${cell.variant.label} run ${cell.run}) has no result: ${reason}`);
        },
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return { signalled };
}

/** `--per-engine 2` → 2 (labs at once on each engine, 1 to 16). */
export function parsePerEngine(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new UsageError(`--per-engine: expected a whole number of labs from 1 to 16, got "${text}"`);
  return n;
}
