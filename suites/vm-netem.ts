/**
 * For the netem suites (long-rtt, lossy's netem variant, jitter-reorder): where the host's
 * kernel has no sch_netem they run through the VM runtime (runLab with runtime vm: the netns
 * lab inside a QEMU guest whose Debian kernel has netem), and check the record it brings back.
 * Where the host has netem they run directly. A suite is skipped only when neither works.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLab, timestamp, type Plan, type RunOutcome, type RunRecord } from '../lab';
import { hostVerdictSync, type HostVerdict } from './helpers';

/** Whether a command is on PATH, asked of sh (argv, no interpolation). */
const onPath = (bin: string) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', bin], { stdio: 'ignore' }).status === 0;

/**
 * Our own reading of the QEMU guests still running: every qemu-system process whose argv carries
 * the lab's guest name (`-name mptcp-lab-vm.<owner pid>`), read from /proc by this file, not by
 * the runtime's own listLabGuests, so a bug there cannot hide a guest from the suite.
 */
function labGuestPids(): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0');
    } catch {
      return [];
    }
    return argv[0]?.includes('qemu-system') && argv.some((a) => a.startsWith('mptcp-lab-vm')) ? [Number(entry)] : [];
  });
}

/**
 * How a netem suite runs its plan on this host: `direct` where the host has what the plan needs,
 * `vm` where only sch_netem is missing and a guest can be booted, `none` otherwise; `why` says
 * which, for the test names. Any other missing capability throws: that host cannot run labs.
 */
export function netemMode(plan: Pick<Plan, 'needs'>): { host: HostVerdict; mode: 'direct' | 'vm' | 'none'; why: string } {
  const host = hostVerdictSync(plan);
  if (!host.ok && host.missing !== 'sch_netem') throw new Error(`this host cannot run labs: ${host.reason}`);
  const mode = host.ok ? 'direct' : vmAvailable() ? 'vm' : 'none';
  const why = mode === 'direct' ? 'netem present: run here' : mode === 'vm' ? 'no sch_netem here: through the VM runtime' : 'skipped: this kernel has no sch_netem and no guest can be booted';
  return { host, mode, why };
}

/** Whether a guest can be booted here at all (QEMU and a Debian kernel with its modules). */
export function vmAvailable(): boolean {
  const kernels = existsSync('/boot') ? readdirSync('/boot').filter((f) => /^vmlinuz-\d/.test(f)) : [];
  return onPath('qemu-system-x86_64') && kernels.some((k) => existsSync(join('/lib/modules', k.slice('vmlinuz-'.length), 'modules.dep')));
}

/** The lab's temporary folders (probes, bundles) and guests: none may outlive a run. */
export function vmLeftovers(): { guests: number[]; tmp: string[] } {
  return { guests: labGuestPids(), tmp: readdirSync(tmpdir()).filter((f) => f.startsWith('mptcp-lab-vm-')) };
}

/** One lab run through the VM; its report folder under reports/suites/<name>-vm/. */
export async function runThroughVm(plan: Plan, name = plan.name): Promise<RunOutcome & { wallMs: number }> {
  const t0 = Date.now();
  const out = await runLab(plan, { runtime: 'vm', outDir: join('reports', 'suites', `${name}-vm`, timestamp(new Date())), onStep: (s) => console.log(`${name} (vm): ${s}`), vm: { onGuestLine: () => undefined } });
  return { ...out, wallMs: Date.now() - t0 };
}

/** Round-trip times (ms) of `host`'s established TCP subflows in the record's `ss -tinM` snapshots. */
export function subflowRtts(record: Pick<RunRecord, 'snapshots'>, host: string): number[] {
  return record.snapshots.filter((s) => s.host === host).flatMap((s) => [...s.text.matchAll(/ rtt:([\d.]+)\//g)].map((m) => Number(m[1])));
}

/** Each path's share of the bytes the record counted. */
export function pathShares(record: Pick<RunRecord, 'paths'>): Record<string, number> {
  const total = record.paths.reduce((s, p) => s + p.totalBytes, 0);
  return Object.fromEntries(record.paths.map((p) => [p.path, total > 0 ? p.totalBytes / total : 0]));
}
