/**
 * Section `runtimes` (issue 12): two-vlan's bring-up and teardown with each runtime that
 * starts hosts on this machine (docker, netns) next to the plain docker script, interleaved
 * (docker lab, netns lab, script, ...), and the VM's boot: the probe guest booted under the
 * accelerator the vm runtime would use, from QEMU's spawn to its exit after /init ran. The vm
 * runtime's lab is the netns lab inside the guest; its bring-up is the netns row's work on a
 * slower CPU, so the boot is the figure the VM adds.
 *
 * Goal for netns: two-vlan bring-up under 100 ms (issue 12). It is an absolute figure, so it
 * is printed in the row's note with the measured median, and the row's target is the ratio
 * to the docker lab measured in the same run (a netns lab must come up faster than containers).
 */
import { loadTopologyFile } from '../loader';
import type { Plan } from '../model/plan';
import { labUpDown, scriptUpDown, type BenchContext, type LabTiming, type ScriptTiming, type SectionResult } from './common';
import { median, ratioStats, stats } from './stats';
import type { BenchRow } from './table';

export const NETNS_BRINGUP_GOAL_MS = 100;

export interface RuntimeSeries {
  docker: LabTiming[];
  netns: LabTiming[];
  script: ScriptTiming[];
  /** VM probe boots, ms, and the accelerator; or why the VM could not be measured. */
  vmBoot: number[];
  accelerator?: string;
  vmError?: string;
}

/** The section's rows (pure, tested). */
export function runtimeRows(section: string, s: RuntimeSeries): BenchRow[] {
  const up = (xs: LabTiming[]) => xs.map((x) => x.upMs);
  const down = (xs: LabTiming[]) => xs.map((x) => x.downMs);
  const sUp = s.script.map((x) => x.upMs);
  const sDown = s.script.map((x) => x.downMs);
  const netnsUpMedian = median(up(s.netns));
  const rows: BenchRow[] = [
    { section, figure: 'two-vlan bring-up, docker runtime', unit: 'ms', measured: stats(up(s.docker)), baselineName: 'script', baseline: stats(sUp), ratio: ratioStats(up(s.docker), sUp) },
    { section, figure: 'two-vlan teardown, docker runtime', unit: 'ms', measured: stats(down(s.docker)), baselineName: 'script', baseline: stats(sDown), ratio: ratioStats(down(s.docker), sDown) },
    { section, figure: 'two-vlan bring-up, netns runtime', unit: 'ms', measured: stats(up(s.netns)), baselineName: 'script', baseline: stats(sUp), ratio: ratioStats(up(s.netns), sUp) },
    {
      section,
      figure: 'two-vlan bring-up, netns vs docker runtime',
      unit: 'ms',
      measured: stats(up(s.netns)),
      baselineName: 'docker runtime',
      baseline: stats(up(s.docker)),
      ratio: ratioStats(up(s.netns), up(s.docker)),
      target: { op: '<=', value: 1 },
      note: `issue 12's goal for netns is under ${NETNS_BRINGUP_GOAL_MS} ms: ${Number.isFinite(netnsUpMedian) ? `median ${Math.round(netnsUpMedian)} ms, ${netnsUpMedian < NETNS_BRINGUP_GOAL_MS ? 'met' : 'not met'}` : 'not measured'}`,
    },
    { section, figure: 'two-vlan teardown, netns runtime', unit: 'ms', measured: stats(down(s.netns)), baselineName: 'script', baseline: stats(sDown), ratio: ratioStats(down(s.netns), sDown) },
    {
      section,
      figure: `VM boot${s.accelerator ? ` (${s.accelerator.toUpperCase()})` : ''}, spawn to exit after /init`,
      unit: 'ms',
      measured: stats(s.vmBoot),
      ...(s.vmError ? { note: `not measured: ${s.vmError}` } : { note: 'the probe guest: 1 CPU, 256 MiB, the initramfs the vm runtime boots; a lab adds its own work after this' }),
    },
  ];
  return rows;
}

async function vmBoots(ctx: BenchContext, repeats: number): Promise<Pick<RuntimeSeries, 'vmBoot' | 'accelerator' | 'vmError'>> {
  try {
    const { prepareGuest } = await import('../runtime/vm/run-in-guest');
    const { bootProbe } = await import('../runtime/vm/accel-probe');
    const guest = await prepareGuest();
    const vmBoot: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const b = await bootProbe({ qemu: guest.qemu, qemuVersion: guest.qemuVersion, kernel: guest.kernel, initramfs: guest.initramfs.path }, guest.accelerator, 60_000);
      if (!b.ok) throw new Error(b.why);
      vmBoot.push(b.ms);
      ctx.log(`  VM boot #${r + 1} (${guest.accelerator}): ${b.ms.toFixed(0)} ms`);
    }
    return { vmBoot, accelerator: guest.accelerator };
  } catch (e) {
    ctx.log(`  VM boot not measured: ${(e as Error).message.split('\n')[0]}`);
    return { vmBoot: [], vmError: (e as Error).message.split('\n')[0] };
  }
}

export async function benchRuntimes(ctx: BenchContext): Promise<SectionResult> {
  const plan: Plan = loadTopologyFile('two-vlan');
  const s: RuntimeSeries = { docker: [], netns: [], script: [], vmBoot: [] };
  // Warm-up, not counted: the netns runtime exports the image's root once; first-use caches.
  ctx.log('  two-vlan: warm-up (docker, netns, script)');
  await labUpDown(plan);
  await labUpDown(plan, { runtime: 'netns' });
  await scriptUpDown(ctx, plan);
  for (let r = 0; r < ctx.repeats.bringup; r++) {
    const docker = await labUpDown(plan);
    const netns = await labUpDown(plan, { runtime: 'netns' });
    const script = await scriptUpDown(ctx, plan);
    s.docker.push(docker);
    s.netns.push(netns);
    s.script.push(script);
    ctx.log(`  two-vlan #${r + 1}: docker up ${docker.upMs.toFixed(0)} down ${docker.downMs.toFixed(0)} | netns up ${netns.upMs.toFixed(0)} down ${netns.downMs.toFixed(0)} | script up ${script.upMs.toFixed(0)} down ${script.downMs.toFixed(0)}`);
  }
  Object.assign(s, await vmBoots(ctx, ctx.repeats.bringup));
  return { rows: runtimeRows('runtimes', s), raw: { 'two-vlan': s } };
}
