/**
 * `npm run bench`: the lab's own figures, each next to a baseline measured in the same run
 * and interleaved with it (A, B, A, B...), as min/median/max over repeats. Prints a table of
 * ratios and writes reports/bench/bench.json (and bench.md, the same table in Markdown).
 *
 * Exit codes: 0 every target met, 1 a target missed, 2 bad arguments, 3 no Docker, 4 a
 * section failed to run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ensureLabImage } from '../image/build';
import { EnvironmentError } from '../model/errors';
import { connectDocker } from '../runtime/docker-client';
import { installSignalHandlers, teardownAll } from '../runtime/lifecycle';
import { probeHost } from '../runtime/probe';
import { BenchUsageError, parseBenchArgs, repeatsFor, USAGE, type Section } from './args';
import { benchBringup } from './bringup';
import type { BenchContext, SectionResult } from './common';
import { benchCost } from './cost';
import { formatLoad, loadMark, machineInfo } from './env';
import { benchFailover } from './failover';
import { benchFidelity } from './fidelity';
import { benchRuntimes } from './runtimes';
import { benchScale } from './scale';
import { missedTargets, renderMarkdown, renderTable, verdictOf, type BenchRow } from './table';

const RUNNERS: Record<Section, (ctx: BenchContext) => Promise<SectionResult>> = {
  bringup: benchBringup,
  runtimes: benchRuntimes,
  fidelity: benchFidelity,
  cost: benchCost,
  failover: benchFailover,
  scale: benchScale,
};

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (e) {
    if (e instanceof BenchUsageError) {
      process.stderr.write(`${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  installSignalHandlers();
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  let docker;
  try {
    docker = await connectDocker();
  } catch (e) {
    if (e instanceof EnvironmentError) {
      process.stderr.write(`${e.message}\n`);
      return 3;
    }
    throw e;
  }
  log('lab image and host probe (not timed)');
  const image = await ensureLabImage({ onProgress: (m) => log(`  ${m}`) });
  const caps = await probeHost();
  const machine = await machineInfo(docker);
  const loads = [loadMark('start')];
  const ctx: BenchContext = { docker, image: image.tag, netem: caps.qdiscs.netem, quick: args.quick, repeats: repeatsFor(args.quick), log, loads };
  log(`${machine.cpuModel}, ${machine.cores} cores, kernel ${machine.kernel}, Docker ${machine.docker}; load ${formatLoad(loads[0]!)}; ${args.quick ? 'quick' : 'full'}: ${args.only.join(', ')}`);

  const sections: Record<string, SectionResult> = {};
  const rows: BenchRow[] = [];
  let failed = false;
  for (const name of args.only) {
    log(`${name}: starting (load ${formatLoad(loadMark(name))})`);
    ctx.loads.push(loadMark(`${name} start`));
    const t0 = performance.now();
    try {
      const result = await RUNNERS[name](ctx);
      result.ms = Math.round(performance.now() - t0);
      sections[name] = result;
      rows.push(...result.rows);
    } catch (e) {
      failed = true;
      const message = (e as Error).stack ?? String(e);
      log(`${name}: FAILED: ${message}`);
      sections[name] = { rows: [], raw: {}, ms: Math.round(performance.now() - t0), error: message };
      rows.push({ section: name, figure: `${name} (section failed)`, unit: 'ms', note: (e as Error).message.split('\n')[0] ?? 'failed' });
      // Whatever the failed section left up goes now, before the next one measures anything.
      const left = await teardownAll();
      for (const f of left) log(`  cleanup: ${f}`);
    }
    ctx.loads.push(loadMark(`${name} end`));
    log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s (load ${formatLoad(ctx.loads[ctx.loads.length - 1]!)})`);
  }
  const end = loadMark('end');
  ctx.loads.push(end);

  const date = new Date().toISOString();
  const header = `mptcp-lab bench, ${date.slice(0, 16).replace('T', ' ')} UTC, ${machine.cpuModel} (${machine.cores} cores, ${machine.memGiB} GiB), kernel ${machine.kernel}, Docker ${machine.docker}, Node ${machine.node}; load average at start ${formatLoad(loads[0]!)}, at end ${formatLoad(end)}${args.quick ? '; --quick' : ''}`;
  const table = renderTable(rows, { width: process.stdout.columns });
  process.stdout.write(`\n${header}\n${table}\n`);
  const missed = missedTargets(rows);

  const out = path.resolve(args.out);
  await mkdir(path.dirname(out), { recursive: true });
  const json = {
    date,
    quick: args.quick,
    sections: args.only,
    repeats: ctx.repeats,
    machine,
    image: image.tag,
    netem: ctx.netem,
    load: ctx.loads,
    wallMs: Math.round(performance.now() - started),
    rows: rows.map((r) => ({ ...r, verdict: verdictOf(r) })),
    results: sections,
  };
  await writeFile(out, JSON.stringify(json, null, 2) + '\n');
  const md = out.replace(/\.json$/, '') + '.md';
  await writeFile(md, `${header}\n\n${renderMarkdown(rows)}\n`);
  log(`wrote ${path.relative(process.cwd(), out)} and ${path.relative(process.cwd(), md)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (failed) return 4;
  if (missed.length) {
    log(`targets missed: ${missed.map((r) => r.figure).join('; ')}`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2))
  .then(async (code) => {
    const left = await teardownAll();
    for (const f of left) process.stderr.write(`cleanup: ${f}\n`);
    process.exit(code);
  })
  .catch(async (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    await teardownAll().catch(() => undefined);
    process.exit(4);
  });
