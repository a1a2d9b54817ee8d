/**
 * Was a cut or restore seen to take effect? A command that returned is not evidence: the
 * checks time failover and recovery from when the effect was observed, and a cut that was
 * never observed is an error, not a pass.
 *
 * `down` is read on both ends of each of the path's veths from the Docker host, with no exec:
 * the host side's operstate in /sys/class/net, and the carrier the lab host itself sees,
 * through its own sysfs mount (/proc/PID/root/sys/class/net/IF/carrier), which is what an
 * unplugged cable changes. `blackhole` keeps the carrier up, so its evidence is the path's
 * traffic stopping: the host veths' tx counters towards the lab hosts no longer move.
 */
import { readFile } from 'node:fs/promises';
import type { RecordedEvent } from '../model/record';

export type Verified = NonNullable<RecordedEvent['verified']>;

/** One end of a path: a lab host's interface and the host-side veth it is paired with. */
export interface PathEnd {
  host: string;
  pid: number;
  ifname: string;
  hostVeth: string;
}

export interface VerifyDeps {
  /** The lab clock, ms. */
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** A small sysfs file's trimmed text, or undefined when it cannot be read. */
  read: (path: string) => Promise<string | undefined>;
}

/** How often and how long to look. Linkwatch applies carrier changes lazily, up to about 1 s. */
export const POLL_MS = 10;
export const CUT_WAIT_MS = 1500;
export const RESTORE_WAIT_MS = 3000;
/** Blackhole: the tx counters must stand still this long to count as stopped. */
const QUIET_MS = 50;

/** Reads sysfs for real. */
export const sysfsDeps: VerifyDeps = {
  clock: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  read: (path) => readFile(path, 'utf8').then((s) => s.trim(), () => undefined),
};

interface EndState {
  carrier: string | undefined;
  operstate: string | undefined;
  txBytes: string | undefined;
}

async function readEnd(end: PathEnd, deps: VerifyDeps): Promise<EndState> {
  const [carrier, operstate, txBytes] = await Promise.all([
    deps.read(`/proc/${end.pid}/root/sys/class/net/${end.ifname}/carrier`),
    deps.read(`/sys/class/net/${end.hostVeth}/operstate`),
    deps.read(`/sys/class/net/${end.hostVeth}/statistics/tx_bytes`),
  ]);
  return { carrier, operstate, txBytes };
}

function describe(ends: readonly PathEnd[], states: readonly EndState[]): string {
  return ends
    .map((e, i) => `${e.host} ${e.ifname} carrier ${states[i]?.carrier ?? 'unreadable'} (host ${e.hostVeth} ${states[i]?.operstate ?? 'unreadable'})`)
    .join(', ');
}

/**
 * Polls until every end shows the expected state or the wait runs out. `since` is when the
 * command returned (lab clock, absolute); effectiveMs is relative to `t0`.
 */
export async function verifyEvent(
  kind: 'cut' | 'restore',
  mode: 'down' | 'blackhole',
  ends: readonly PathEnd[],
  t0: number,
  deps: VerifyDeps = sysfsDeps,
): Promise<Verified> {
  const start = deps.clock();
  const rel = (t: number) => Math.round((t - t0) * 10) / 10;
  if (ends.length === 0) return { ok: false, evidence: 'the path has no interface on any lab host to read' };
  if (mode === 'blackhole' && kind === 'restore') {
    // Carrier never changed and the path may stay idle until MPTCP uses it again (that is the recovery check's question).
    return { ok: true, effectiveMs: rel(start), evidence: 'blackhole filters removed when the command returned; a blackhole never changes the carrier' };
  }
  const wait = kind === 'cut' ? CUT_WAIT_MS : RESTORE_WAIT_MS;
  let states = await Promise.all(ends.map((e) => readEnd(e, deps)));
  if (mode === 'down') {
    const want = kind === 'cut' ? '0' : '1';
    for (;;) {
      const now = deps.clock();
      if (states.every((s) => s.carrier === want)) {
        return { ok: true, effectiveMs: rel(now), evidence: `${describe(ends, states)} after ${Math.round(now - start)} ms` };
      }
      if (now - start >= wait) {
        return { ok: false, evidence: `carrier not ${want === '0' ? 'lost' : 'back'} within ${wait} ms: ${describe(ends, states)}` };
      }
      await deps.sleep(POLL_MS);
      states = await Promise.all(ends.map((e) => readEnd(e, deps)));
    }
  }
  // Blackhole cut: the counters towards the hosts stand still for QUIET_MS.
  let quietSince = deps.clock();
  let last = states.map((s) => s.txBytes);
  for (;;) {
    await deps.sleep(POLL_MS);
    const now = deps.clock();
    states = await Promise.all(ends.map((e) => readEnd(e, deps)));
    const tx = states.map((s) => s.txBytes);
    if (tx.some((v) => v === undefined)) return { ok: false, evidence: `host veth counters unreadable: ${describe(ends, states)}` };
    if (tx.some((v, i) => v !== last[i])) quietSince = now;
    last = tx;
    if (now - quietSince >= QUIET_MS) {
      return {
        ok: true,
        effectiveMs: rel(quietSince),
        evidence: `no byte crossed ${ends.map((e) => e.hostVeth).join(', ')} towards the hosts for ${QUIET_MS} ms from ${Math.round(quietSince - start)} ms after the command (carrier stays up)`,
      };
    }
    if (now - start >= wait) return { ok: false, evidence: `traffic kept crossing ${ends.map((e) => e.hostVeth).join(', ')} for ${wait} ms after the blackhole` };
  }
}
