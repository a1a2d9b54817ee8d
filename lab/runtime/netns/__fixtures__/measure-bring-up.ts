/**
 * Measures netns bring-up and teardown of a topology, N times in a row (the rootfs export,
 * if one is needed, happens first and is not counted):
 *   node --import tsx lab/runtime/netns/__fixtures__/measure-bring-up.ts [topology] [runs]
 * Prints one line per run (total and per step) and the median.
 */
import { loadavg } from 'node:os';
import { loadTopologyFile } from '../../../loader';
import { listNetnsLeftovers } from '../clean';
import { startNetnsLab } from '../netns-lab';
import { ensureRootfs } from '../rootfs';

async function main(): Promise<void> {
  const topology = process.argv[2] ?? 'two-vlan';
  const runs = Number(process.argv[3] ?? 5);
  const mode = process.argv[4] === "direct" ? "direct" : "agent";
  const { dir } = await ensureRootfs({ onStep: (s) => process.stdout.write(`${s}\n`) });
  const plan = loadTopologyFile(topology);
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < runs; i++) {
    const lab = await startNetnsLab(plan, { netem: false, rootfs: dir, configure: mode });
    const t0 = performance.now();
    await lab.stop();
    const stopMs = performance.now() - t0;
    const left = await listNetnsLeftovers(lab.runId);
    if (left.namespaces.length + left.veths.length > 0) throw new Error(`run ${lab.runId} left ${JSON.stringify(left)}`);
    up.push(lab.bringUp.totalMs);
    down.push(stopMs);
    process.stdout.write(`run ${i + 1}: up ${lab.bringUp.totalMs} ms (${lab.bringUp.steps.map((s) => `${s.step} ${s.ms}`).join(', ')}), down ${stopMs.toFixed(1)} ms, load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(`${topology} (configure: ${mode}): median bring-up ${median(up)} ms, median teardown ${median(down).toFixed(1)} ms over ${runs} runs\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
