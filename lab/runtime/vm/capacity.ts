/**
 * What the guest can carry unshaped: TCP from one network namespace to another over one veth
 * pair inside the guest, busybox httpd to busybox wget (iperf3 is not needed). Cached per kernel, QEMU, accelerator and guest
 * size; `checkCapacity` refuses a topology asking more than 80% of it (exit 3, both numbers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, LabError } from '../../model/errors';
import { hashOf, readJsonCache, vmCacheDir, writeJsonCache } from './cache';
import { runInGuest, type PreparedGuest } from './run-in-guest';

/**
 * Runs in the guest: $1 MiB, $2 transfers. busybox httpd (sendfile) in one namespace serves a
 * file from RAM, busybox wget in the other fetches it to /dev/null, timed by date's ns clock;
 * prints `transfer BYTES MS` per transfer. The lab's own seed tools, and light enough that the
 * figure is the guest's (a node sender measured 30 Mbit/s under TCG where this gives ~390).
 */
export const CAPACITY_SCRIPT = `set -e
B=/.mlab/busybox
ip netns add mlab-cap-a
ip netns add mlab-cap-b
ip link add mlab-cap0 netns mlab-cap-a type veth peer name mlab-cap1 netns mlab-cap-b
ip -n mlab-cap-a addr add 10.255.0.1/30 dev mlab-cap0
ip -n mlab-cap-b addr add 10.255.0.2/30 dev mlab-cap1
for n in a b; do ip -n mlab-cap-$n link set lo up; done
ip -n mlab-cap-a link set mlab-cap0 up
ip -n mlab-cap-b link set mlab-cap1 up
mkdir -p /tmp/mlab-cap
$B dd if=/dev/zero of=/tmp/mlab-cap/f bs=1048576 count="$1" 2>/dev/null
ip netns exec mlab-cap-b $B httpd -p 10.255.0.2:8080 -h /tmp/mlab-cap
i=0; until ip netns exec mlab-cap-a $B wget -q -O /dev/null http://10.255.0.2:8080/none 2>&1 | $B grep -q 404; do i=$((i+1)); [ $i -lt 50 ] || { echo "httpd did not answer" >&2; exit 1; }; $B sleep 0.1; done
n=0
while [ $n -lt "$2" ]; do
  t0=$(date +%s%N)
  ip netns exec mlab-cap-a $B wget -q -O /dev/null http://10.255.0.2:8080/f
  t1=$(date +%s%N)
  echo "transfer $(($1 * 1048576)) $(( (t1 - t0) / 1000000 ))"
  n=$((n+1))
done
`;

/** The guest's unshaped capacity. */
export interface GuestCapacity {
  bitsPerSecond: number;
  bytes: number;
  ms: number;
  method: string;
  kernelVersion: string;
  accelerator: string;
  cpus: number;
  cached: boolean;
}

/** The best of the guest's `transfer BYTES MS` lines (the least disturbed by the host's other load). */
export function parseCapacity(stdout: string): { bytes: number; ms: number; bitsPerSecond: number } {
  const runs = [...stdout.matchAll(/^transfer (\d+) (\d+)$/gm)].map((m) => ({ bytes: Number(m[1]), ms: Math.max(1, Number(m[2])) }));
  if (runs.length === 0) throw new LabError(`capacity probe: no measurement in the guest's output: ${stdout.trim().slice(0, 300) || '(empty)'}`);
  const best = runs.map((r) => ({ ...r, bitsPerSecond: Math.round((r.bytes * 8) / (r.ms / 1000)) })).sort((a, b) => b.bitsPerSecond - a.bitsPerSecond)[0]!;
  return best;
}

/** Boots the guest once (unless cached) and measures its capacity: `transfers` downloads of `mib` MiB (default 2 of 64). */
export async function probeCapacity(guest: PreparedGuest, opts: { mib?: number; transfers?: number; cpus?: number; memoryMiB?: number; cacheDir?: string; fresh?: boolean; timeoutMs?: number } = {}): Promise<GuestCapacity> {
  const cpus = opts.cpus ?? 2;
  const dir = vmCacheDir(opts.cacheDir);
  const key = `capacity-${hashOf([guest.kernel.version, guest.qemuVersion, guest.accelerator, cpus, opts.memoryMiB ?? 1024, CAPACITY_SCRIPT]).slice(0, 16)}.json`;
  const hit = opts.fresh ? undefined : readJsonCache<GuestCapacity>(dir, key);
  if (hit) return { ...hit, cached: true };
  const out = mkdtempSync(join(tmpdir(), 'mptcp-lab-vm-capacity-'));
  try {
    const mib = opts.mib ?? 64;
    const transfers = opts.transfers ?? 2;
    const r = await runInGuest(['sh', '-c', CAPACITY_SCRIPT, 'mlab-capacity', String(mib), String(transfers)], { outDir: out, cpus, memoryMiB: opts.memoryMiB, timeoutMs: opts.timeoutMs ?? 180_000 }, guest);
    if (r.exitCode !== 0) throw new LabError(`capacity probe exited ${r.exitCode} in the guest: ${r.stderr.trim().slice(0, 400)}`);
    const m = parseCapacity(r.stdout);
    const result: GuestCapacity = { ...m, method: `TCP over one veth pair between two netns: busybox httpd to wget, ${mib} MiB, best of ${transfers}`, kernelVersion: guest.kernel.version, accelerator: guest.accelerator, cpus, cached: false };
    writeJsonCache(dir, key, result);
    return result;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The share of the capacity a topology may ask for. */
export const CAPACITY_SHARE = 0.8;

/** Throws EnvironmentError (exit 3) with both numbers when `requiredBps` exceeds 80% of the guest's capacity. */
export function checkCapacity(requiredBps: number, capacityBps: number, share = CAPACITY_SHARE): void {
  if (requiredBps <= capacityBps * share) return;
  const mbit = (b: number) => `${(b / 1e6).toFixed(0)} Mbit/s`;
  throw new EnvironmentError(
    `guest capacity for ${mbit(requiredBps)}`,
    'Lower the topology\'s rates, or use a runtime without emulation (the netns or Docker runtime, or a VM with KVM).',
    `the topology asks ${mbit(requiredBps)} and the guest carries ${mbit(capacityBps)} unshaped; at most ${Math.round(share * 100)}% of it (${mbit(capacityBps * share)}) is allowed`,
  );
}
