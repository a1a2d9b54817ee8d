/**
 * Whether netem works in the guest: load sch_netem, put a 25 ms netem qdisc on a dummy device
 * and read it back with `tc qdisc show` (the guest's kernel, not the host's, answers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashOf, readJsonCache, vmCacheDir, writeJsonCache } from './cache';
import { runInGuest, type PreparedGuest } from './run-in-guest';

/** Runs in the guest; prints the qdisc line. */
export const NETEM_SCRIPT = `modprobe sch_netem 2>/dev/null || true
ip link add mlab-nd0 type dummy || exit 1
ip link set mlab-nd0 up
tc qdisc add dev mlab-nd0 root netem delay 25ms || exit 1
tc qdisc show dev mlab-nd0
`;

/** The probe's verdict and what the guest said. */
export interface NetemProbe {
  works: boolean;
  /** The qdisc line read back, or the error text. */
  detail: string;
  kernelVersion: string;
}

/** Whether `tc qdisc show` reads back `netem ... delay 25ms` (tc prints 25ms or 25.0ms). */
export function netemReadBack(stdout: string): boolean {
  return /qdisc netem \S+: root .*delay 25(\.0)?ms/.test(stdout);
}

/** Boots the guest and tries netem there. */
export async function guestNetemWorks(guest: PreparedGuest, opts: { timeoutMs?: number } = {}): Promise<NetemProbe> {
  const out = mkdtempSync(join(tmpdir(), 'mptcp-lab-vm-netem-'));
  try {
    const r = await runInGuest(['sh', '-c', NETEM_SCRIPT], { outDir: out, timeoutMs: opts.timeoutMs ?? 120_000 }, guest);
    const works = r.exitCode === 0 && netemReadBack(r.stdout);
    return { works, detail: (works ? r.stdout : r.stderr || r.stdout).trim(), kernelVersion: r.kernelVersion };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** guestNetemWorks, cached in the VM cache by kernel, QEMU and accelerator (a boot costs 15-25 s under TCG). */
export async function guestNetemCached(guest: PreparedGuest, opts: { fresh?: boolean; cacheDir?: string } = {}): Promise<NetemProbe & { cached: boolean }> {
  const dir = vmCacheDir(opts.cacheDir);
  const key = `netem-${hashOf([guest.kernel.version, guest.kernel.image, guest.qemuVersion, guest.accelerator, NETEM_SCRIPT]).slice(0, 16)}.json`;
  const hit = opts.fresh ? undefined : readJsonCache<NetemProbe>(dir, key);
  if (hit) return { ...hit, cached: true };
  const p = await guestNetemWorks(guest);
  if (p.works) writeJsonCache(dir, key, p);
  return { ...p, cached: false };
}
