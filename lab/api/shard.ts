/**
 * The cells of a sweep and how they are split, recorded and summed up again.
 *
 * A cell is one lab run: one variant of `--matrix` times one run of `--repeat`. Cells are
 * numbered 0..N-1, variant-major (the matrix's order, first axis slowest), run-minor:
 * cell = variantIndex * repeat + (run - 1). `--shard i/n` runs the cells whose number
 * c satisfies c mod n = i - 1 (round robin, so every shard gets a share of every variant and
 * shards differ by at most one cell). The split depends only on the arguments, never on time
 * or on the machine: every shard of the same command computes the same cells.
 *
 * Each finished cell's folder (`<out>/<variant slug>/run-<r>/`) holds the run's own reports
 * and a `cell.json` saying which cell it is and which engine ran it. The summary of a sweep
 * is always made from those folders (summaryFromDirs), whether they were written by one
 * process, by CI shards and merged (`npm run lab -- merge`), or by Kubernetes pods.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { TopologyError, UsageError } from '../model/errors';
import type { CheckResult, RunRecord } from '../model/record';
import type { EngineUsage, RunsSummary } from '../model/summary';
import { summarizeRuns, type LabelledRun } from '../run/repeat';
import { variantSlug, type Variant } from '../run/variant';

export interface Shard {
  /** 1-based, as Jest's `--shard=i/n`. */
  index: number;
  count: number;
}

/** Beyond this many shards a sweep (at most 64 variants × 100 runs) is surely a typo. */
export const MAX_SHARDS = 6400;

/** `2/4` → { index: 2, count: 4 }; a TopologyError located at `--shard` otherwise (exit 2). */
export function parseShardArg(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new TopologyError([{ file: '--shard', path: '', message: `expected i/n with 1 ≤ i ≤ n (as Jest's --shard=1/4), got "${text}"` }]);
  }
  return { index, count };
}

export interface Cell {
  /** 0-based, variant-major, run-minor. */
  index: number;
  variantIndex: number;
  variant: Variant;
  /** 1-based run of this variant. */
  run: number;
}

/** Every cell of `variants` × `repeat`, in order. */
export function listCells(variants: readonly Variant[], repeat: number): Cell[] {
  return variants.flatMap((variant, variantIndex) => Array.from({ length: repeat }, (_, r) => ({ index: variantIndex * repeat + r, variantIndex, variant, run: r + 1 })));
}

/** The cells of one shard: cell c belongs to shard (c mod n) + 1. */
export function shardCells(cells: readonly Cell[], shard: Shard | undefined): Cell[] {
  return shard ? cells.filter((c) => c.index % shard.count === shard.index - 1) : [...cells];
}

/** Where a cell's reports go below the sweep's folder (the unsharded run's layout). */
export function cellDir(root: string, cell: Cell): string {
  return join(root, variantSlug(cell.variant.label), `run-${cell.run}`);
}

/** The engine a cell ran on, as its cell.json and result.json's environment record it. */
export interface EngineRef {
  /** The context name, the URL as given, or `default` (DOCKER_HOST or the local socket). */
  name: string;
  /** The Docker endpoint (`unix:///var/run/docker.sock`, `tcp://...`). */
  endpoint: string;
  /** The machine the lab process ran on. */
  host: string;
}

/** A try that did not give a result because its engine failed: the cell then ran elsewhere. */
export interface CellAttempt {
  engine: string;
  reason: string;
  /** When it was given up, ISO. */
  at: string;
}

/** cell.json. */
export interface CellMeta {
  kind: 'mptcp-lab-cell';
  version: 1;
  topology: string;
  /** The variant's label (`base` without --matrix). */
  label: string;
  cell: number;
  /** Cells in the whole sweep, and the sweep's shape: merge checks every folder agrees. */
  cells: number;
  variants: string[];
  repeat: number;
  variantIndex: number;
  run: number;
  shard?: Shard;
  engine: EngineRef;
  /** Earlier tries on engines that failed, first first. */
  attempts?: CellAttempt[];
}

export const CELL_FILE = 'cell.json';

/** Writes `dir/cell.json`. */
export async function writeCellMeta(dir: string, meta: CellMeta): Promise<string> {
  const file = join(dir, CELL_FILE);
  await writeFile(file, JSON.stringify(meta, null, 2) + '\n');
  return file;
}

/** The cell.json of `cell` in a sweep over `variants` × `repeat`. */
export function cellMeta(topology: string, variants: readonly Variant[], repeat: number, cell: Cell, engine: EngineRef, extra: { shard?: Shard; attempts?: CellAttempt[] } = {}): CellMeta {
  return {
    kind: 'mptcp-lab-cell',
    version: 1,
    topology,
    label: cell.variant.label,
    cell: cell.index,
    cells: variants.length * repeat,
    variants: variants.map((v) => v.label),
    repeat,
    variantIndex: cell.variantIndex,
    run: cell.run,
    ...(extra.shard ? { shard: extra.shard } : {}),
    engine,
    ...(extra.attempts?.length ? { attempts: extra.attempts } : {}),
  };
}

/** One finished cell, as read back. */
export interface FoundCell {
  meta: CellMeta;
  record: RunRecord;
  checks: CheckResult[];
  /** Its folder, or the log file it came from. */
  source: string;
  outDir?: string;
}

/** A line of a pod's log (or any stdout) that carries one whole cell: `mptcp-lab-cell {"meta":...,"result":...}`. */
export const CELL_LINE_PREFIX = 'mptcp-lab-cell ';

/** The stdout line for a cell (compact JSON: one line whatever the result holds). */
export function cellLine(meta: CellMeta, resultJsonText: string): string {
  return `${CELL_LINE_PREFIX}${JSON.stringify({ meta, result: JSON.parse(resultJsonText) as unknown })}`;
}

function fromResult(meta: CellMeta, doc: unknown, source: string, outDir?: string): FoundCell {
  const d = doc as Partial<RunRecord> & { checks?: CheckResult[] };
  if (meta?.kind !== 'mptcp-lab-cell' || typeof meta.cell !== 'number' || !d || typeof d.runId !== 'string' || !Array.isArray(d.checks)) {
    throw new UsageError(`${source}: not a lab cell (cell.json plus result.json)`);
  }
  const { checks, ...rest } = d as RunRecord & { checks: CheckResult[]; summary?: unknown };
  delete (rest as { summary?: unknown }).summary;
  return { meta, record: rest as RunRecord, checks, source, ...(outDir ? { outDir } : {}) };
}

/** Every cell below `dir` (a folder with cell.json and result.json); folders without a cell.json are not cells (a failed try). */
async function cellsInDir(dir: string, out: FoundCell[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name === CELL_FILE)) {
    const meta = JSON.parse(await readFile(join(dir, CELL_FILE), 'utf8')) as CellMeta;
    const result = await readFile(join(dir, 'result.json'), 'utf8').catch(() => undefined);
    if (result === undefined) throw new UsageError(`${dir}: has a cell.json but no result.json`);
    out.push(fromResult(meta, JSON.parse(result), dir, dir));
    return;
  }
  for (const e of entries) if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) await cellsInDir(join(dir, e.name), out);
}

/** The cells a log file carries, one `mptcp-lab-cell` line each (kubectl logs of the Job's pods, or CI output). */
async function cellsInFile(file: string, out: FoundCell[]): Promise<void> {
  const text = await readFile(file, 'utf8');
  const before = out.length;
  text.split('\n').forEach((line, i) => {
    const at = line.indexOf(CELL_LINE_PREFIX);
    if (at < 0) return;
    let doc: { meta: CellMeta; result: unknown };
    try {
      doc = JSON.parse(line.slice(at + CELL_LINE_PREFIX.length)) as typeof doc;
    } catch (e) {
      throw new UsageError(`${file}:${i + 1}: a cut or garbled cell line (${(e as Error).message})`);
    }
    out.push(fromResult(doc.meta, doc.result, `${file}:${i + 1}`));
  });
  if (out.length === before) throw new UsageError(`${file}: no "${CELL_LINE_PREFIX.trim()}" line in it (expected a folder of cells or a log of the lab's pods)`);
}

/** Reads every cell found in `sources` (folders searched recursively, or log files). */
export async function findCells(sources: readonly string[]): Promise<FoundCell[]> {
  const out: FoundCell[] = [];
  for (const s of sources) {
    const st = await stat(s).catch(() => undefined);
    if (!st) throw new UsageError(`${s}: no such file or folder`);
    if (st.isDirectory()) await cellsInDir(resolve(s), out);
    else await cellsInFile(resolve(s), out);
  }
  return out;
}

/**
 * The summary of a sweep from its cells: the same RunsSummary (lab/run/repeat.ts) an unsharded
 * run gives, with which engine ran each run, the cells that moved after an engine failed, and
 * the cells that are missing (a shard or pod that delivered nothing): those fail the summary.
 * Refuses cells of different sweeps, and a cell given twice.
 */
export function summarizeCells(found: readonly FoundCell[], opts: { expected?: readonly number[] } = {}): RunsSummary {
  if (found.length === 0) throw new UsageError('no cells found: expected folders written by npm run lab -- <topology> --matrix/--repeat/--shard, or logs of its pods');
  const first = found[0]!.meta;
  const shape = (m: CellMeta) => `${m.topology} ${JSON.stringify(m.variants)} × ${m.repeat}`;
  const byCell = new Map<number, FoundCell>();
  for (const f of found) {
    if (shape(f.meta) !== shape(first)) throw new UsageError(`${f.source} is a cell of another sweep (${shape(f.meta)}) than ${found[0]!.source} (${shape(first)})`);
    const twin = byCell.get(f.meta.cell);
    if (twin) throw new UsageError(`cell ${f.meta.cell + 1} (${f.meta.label} run ${f.meta.run}) is given twice: ${twin.source} and ${f.source}`);
    byCell.set(f.meta.cell, f);
  }
  const ordered = [...byCell.values()].sort((a, b) => a.meta.cell - b.meta.cell);
  const runs: LabelledRun[] = ordered.map((f) => ({ label: f.meta.label, record: f.record, checks: f.checks, ...(f.outDir ? { outDir: f.outDir } : {}) }));
  const summary = summarizeRuns(runs);
  const byRunId = new Map(ordered.map((f) => [f.record.runId, f]));
  for (const v of summary.variants) {
    for (const r of v.runs) {
      const f = byRunId.get(r.runId);
      if (!f) continue;
      r.engine = f.meta.engine.name;
      r.cell = f.meta.cell;
    }
  }
  const usage = new Map<string, EngineUsage>();
  for (const f of ordered) {
    const e = f.meta.engine;
    const key = `${e.name} ${e.host}`;
    const u = usage.get(key) ?? { name: e.name, endpoint: e.endpoint, host: e.host, cells: 0 };
    u.cells++;
    usage.set(key, u);
  }
  summary.engines = [...usage.values()];
  summary.moves = ordered.flatMap((f) =>
    (f.meta.attempts ?? []).map((a) => ({ cell: f.meta.cell, label: f.meta.label, run: f.meta.run, from: a.engine, to: f.meta.engine.name, reason: a.reason })),
  );
  const missing: NonNullable<RunsSummary['missing']> = [];
  const expected = opts.expected ?? Array.from({ length: first.cells }, (_, c) => c);
  for (const c of expected) {
    if (byCell.has(c)) continue;
    const label = first.variants[Math.floor(c / first.repeat)] ?? '?';
    missing.push({ cell: c, label, run: (c % first.repeat) + 1 });
  }
  summary.cells = { total: expected.length, found: ordered.length };
  if (missing.length) {
    summary.missing = missing;
    summary.exitCode = 1;
  }
  return summary;
}

/** findCells then summarizeCells: the one path from folders (or logs) to a summary. */
export async function summaryFromDirs(sources: readonly string[], opts: { expected?: readonly number[]; reasons?: ReadonlyMap<number, string> } = {}): Promise<RunsSummary> {
  const summary = summarizeCells(await findCells(sources), opts);
  for (const m of summary.missing ?? []) {
    const why = opts.reasons?.get(m.cell);
    if (why) m.reason = why;
  }
  return summary;
}

/** `rate=100mbit/run-2`: a cell's folder below its sweep, for messages. */
export function cellName(cell: Cell): string {
  return `${basename(variantSlug(cell.variant.label))}/run-${cell.run}`;
}
