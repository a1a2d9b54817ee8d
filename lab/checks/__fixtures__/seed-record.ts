/**
 * A synthetic but realistic RunRecord of the seed experiment, sample by sample, so tests
 * can vary one thing (no aggregation, fallback, a slow failover, a stall...) at a time.
 *
 * Model: each up path carries 98.5% of its rate on the link (headers included); goodput is
 * 95% of the link bytes (a 1448-byte MSS with MPTCP options in a 1514-byte frame). Slow start
 * ramps over the first 300 ms; after a cut, goodput dips to 20% of the survivors for
 * `failoverMs` (reinjection of what was in flight on the cut path); a restored path carries
 * nothing for `recoveryMs` (the subflow is re-joined), then its full share.
 */
import type { PlanCheck, PlanEvent } from '../../model/plan';
import type { PathSeries, RecordedEvent, RunRecord, Series } from '../../model/record';
import { buildSeedPlan } from './seed-plan';

export interface SeedOptions {
  paths?: string[];
  /** Per path; undefined: unshaped paths (percent bounds cannot be resolved). */
  rateBps?: number | undefined;
  /** Per path (in `paths` order), overriding rateBps: unequal paths such as 1 Gbit/s + 100 Mbit/s. */
  rates?: number[];
  /** Paths that are joined (a subflow is up) but carry nothing: the idle slow path. */
  idlePaths?: string[];
  /**
   * How the cuts and restores were read back: `ok` (default) with the effect seen
   * `effectiveDelayMs` after the command returned, `absent` (never verified), `failed`.
   */
  verified?: 'ok' | 'absent' | 'failed';
  effectiveDelayMs?: number;
  /** The cut did nothing: the cut path keeps carrying its share throughout. */
  cutIneffective?: boolean;
  intervalMs?: number;
  sizeBytes?: number;
  /** Cuts (and restores) in ms from the traffic start; default vlan181 3000 → 6000. */
  outages?: Array<{ path: string; cutMs: number; restoreMs?: number }>;
  failoverMs?: number;
  /** Infinity: the restored path never carries again. */
  recoveryMs?: number;
  /** false: MPTCP did not aggregate; only the first path carries. */
  aggregates?: boolean;
  fellBack?: boolean;
  /** Goodput (and the links) drop to nothing, as when the seed's download "stopped dead". */
  stall?: { fromMs: number; durationMs: number };
  /** null: the tool cannot verify (iperf3). */
  integrityOk?: boolean | null;
  /** The transfer breaks at this time, incomplete. */
  breakAtMs?: number;
  kernelErrors?: string[];
  /** A backup path: idle (carrying `idleBps`) while the others are up, full rate otherwise. */
  backup?: { path: string; idleBps: number };
  /** false: no application goodput samples (checks fall back to link throughput). */
  goodput?: boolean;
  checks?: PlanCheck[];
  noise?: number;
}

const LINK = 0.985;
const GOODPUT = 0.95;

/** Deterministic noise: the same fixture every run. */
function noiseSource(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** Builds the seed RunRecord, varied by `o`. */
export function buildSeedRecord(o: SeedOptions = {}): RunRecord {
  const names = o.paths ?? ['vlan180', 'vlan181'];
  const rate = 'rateBps' in o ? o.rateBps : 1e9;
  const dt = o.intervalMs ?? 100;
  const size = o.sizeBytes ?? 2.5e9;
  const outageSpec = o.outages ?? [{ path: 'vlan181', cutMs: 3000, restoreMs: 6000 }];
  const failoverMs = o.failoverMs ?? 200;
  const recoveryMs = o.recoveryMs ?? 300;
  const joined = (o.aggregates ?? true) && !o.fellBack;
  const rand = noiseSource(42);
  const noise = o.noise ?? 0.01;

  const delay = o.effectiveDelayMs ?? 0;
  const verified = (kind: 'cut' | 'restore', path: string, actualMs: number): Pick<RecordedEvent, 'verified'> => {
    const veth = `veth${path.replace(/\D/g, '')}b`;
    if (o.verified === 'absent') return {};
    if (o.verified === 'failed') return { verified: { ok: false, evidence: `${veth} operstate ${kind === 'cut' ? 'up, carrier 1' : 'down, carrier 0'} 500 ms after the command` } };
    return { verified: { ok: true, effectiveMs: actualMs + delay, evidence: `${veth} operstate ${kind === 'cut' ? 'down, carrier 0' : 'up, carrier 1'} (after ${delay} ms)` } };
  };
  const events: RecordedEvent[] = [];
  const timeline: PlanEvent[] = [];
  for (const c of outageSpec) {
    timeline.push({ atMs: c.cutMs, kind: 'cut', path: c.path, mode: 'down' });
    events.push({ kind: 'cut', path: c.path, mode: 'down', plannedMs: c.cutMs, actualMs: c.cutMs + 12, detail: 'ip link set down (host side)', ...verified('cut', c.path, c.cutMs + 12) });
    if (c.restoreMs !== undefined) {
      timeline.push({ atMs: c.restoreMs, kind: 'restore', path: c.path });
      events.push({ kind: 'restore', path: c.path, plannedMs: c.restoreMs, actualMs: c.restoreMs + 9, detail: 'ip link set up (host side)', ...verified('restore', c.path, c.restoreMs + 9) });
    }
  }
  timeline.sort((a, b) => a.atMs - b.atMs);
  events.sort((a, b) => a.actualMs - b.actualMs);
  const plan = buildSeedPlan({ paths: names, rateBps: rate, ...(o.rates ? { rates: o.rates } : {}), timeline, checks: o.checks, sizeBytes: size });
  const perPath = rate ?? 1e9;

  const down = (path: string, m: number) => !o.cutIneffective && outageSpec.some((c) => c.path === path && m >= c.cutMs + 12 + delay && m < (c.restoreMs ?? Infinity) + 9 + delay);
  const rejoining = (path: string, m: number) => !o.cutIneffective && outageSpec.some((c) => c.path === path && c.restoreMs !== undefined && m >= c.restoreMs + 9 + delay && m < c.restoreMs + 9 + delay + recoveryMs);
  const dipping = (m: number) => !o.cutIneffective && outageSpec.some((c) => m >= c.cutMs + 12 + delay && m < c.cutMs + 12 + delay + failoverMs);
  const stalled = (m: number) => !!o.stall && m >= o.stall.fromMs && m < o.stall.fromMs + o.stall.durationMs;

  const pathSeries = names.map((path) => ({ path, t: [] as number[], v: [] as number[] }));
  const goodput: Series = { t: [], v: [], unit: 'bit/s' };
  const aggregate: Series = { t: [], v: [], unit: 'bit/s' };
  const subflows: Series = { t: [], v: [], unit: 'count' };
  const subflowsPerPath: Record<string, Series> = Object.fromEntries(names.map((n) => [n, { t: [], v: [], unit: 'count' as const }]));
  let received = 0;
  let endedMs = o.breakAtMs ?? 600_000;
  let completed = false;

  for (let t = dt; t <= endedMs + dt; t += dt) {
    const m = t - dt / 2;
    const others = (path: string) => names.filter((n) => n !== path && n !== o.backup?.path);
    const carries = (path: string, i: number): number => {
      if (down(path, m) || rejoining(path, m) || stalled(m) || o.idlePaths?.includes(path)) return 0;
      if (!joined && i > 0) return 0;
      if (o.backup?.path === path) return others(path).every((n) => !down(n, m)) ? o.backup.idleBps / LINK : perPath;
      const ramp = Math.min(1, m / 300);
      return (o.rates?.[i] ?? perPath) * ramp * (dipping(m) ? 0.2 : 1);
    };
    let linkSum = 0;
    names.forEach((path, i) => {
      const v = carries(path, i) * LINK * (1 + noise * rand());
      pathSeries[i]!.t.push(t);
      pathSeries[i]!.v.push(v);
      linkSum += v;
      const up = !down(path, m) && !rejoining(path, m) && (joined || i === 0);
      subflowsPerPath[path]!.t.push(t);
      subflowsPerPath[path]!.v.push(up ? 1 : 0);
    });
    let g = linkSum * GOODPUT;
    const chunk = (g * dt) / 8000;
    if (o.breakAtMs === undefined && received + chunk >= size) {
      // The last interval is partial: the counters average it over the whole interval.
      const fraction = (size - received) / chunk;
      received = size;
      endedMs = t - dt + fraction * dt;
      completed = true;
      g *= fraction;
      pathSeries.forEach((p) => (p.v[p.v.length - 1]! *= fraction));
      linkSum *= fraction;
    } else {
      received += chunk;
    }
    goodput.t.push(t);
    goodput.v.push(g);
    aggregate.t.push(t);
    aggregate.v.push(linkSum);
    subflows.t.push(t);
    subflows.v.push(names.reduce((s, n) => s + (subflowsPerPath[n]!.v[subflowsPerPath[n]!.v.length - 1] ?? 0), 0));
    if (completed) break;
  }
  if (o.breakAtMs !== undefined) received = Math.floor(received);

  const paths: PathSeries[] = pathSeries.map((p) => {
    const totalBytes = Math.round(p.v.reduce((s, v) => s + (v * dt) / 8000, 0));
    return { ...p, unit: 'bit/s', from: 'pc1', to: 'pc2', totalBytes, reverseBytes: Math.round(totalBytes * 0.021) };
  });
  const hash = 'a3f1c9d27e5b48f0c6d1e2b3a4958677f0e1d2c3b4a5968778695a4b3c2d1e0f';
  const integrityOk = o.integrityOk === undefined ? true : o.integrityOk;
  const kernelErrors = o.kernelErrors ?? [];

  return {
    runId: 'seed-two-vlans-20250101T120000Z-7f3a',
    topology: 'seed-two-vlans',
    startedAt: '2025-01-01T12:00:00.000Z',
    plan,
    environment: { kernel: '6.8.0-45-generic', docker: '27.3.1', node: 'v20.20.2', image: 'mptcp-lab:4c1d9e2a', cpus: 8, mptcpEnabled: true },
    intervalMs: dt,
    paths,
    aggregate,
    goodput: o.goodput === false ? { t: [], v: [], unit: 'bit/s' } : goodput,
    subflows,
    subflowsPerPath,
    events,
    traffic: {
      tool: 'http',
      protocol: 'mptcp',
      sender: 'pc1',
      receiver: 'pc2',
      bytesExpected: size,
      bytesReceived: received,
      startedMs: 0,
      endedMs,
      completed,
      integrity: integrityOk === null ? null : completed ? { expected: hash, actual: integrityOk ? hash : 'ffee' + hash.slice(4), ok: integrityOk } : null,
      resumes: 0,
      goodputBps: (received * 8000) / endedMs,
      ...(completed ? {} : { error: 'wget: read error: Connection timed out' }),
    },
    mptcp: o.fellBack
      ? { clientCapable: true, serverCapable: false, fellBack: true, maxSubflows: 1, joins: 0, reason: 'pc1 answered without MP_CAPABLE (MPTcpExt MPCapableFallbackSYNACK=1 on pc2)' }
      : { clientCapable: true, serverCapable: true, fellBack: false, maxSubflows: joined ? names.length : 1, joins: joined ? names.length - 1 : 0, reason: `MPCapableSYNACKRX=1 on pc2, MPCapableSYNRX=1 on pc1, MPJoinSynAckRx=${joined ? 2 : 0} on pc2` },
    counters: {
      pc1: { MPCapableSYNRX: 1, MPCapableACKRX: 1, MPJoinSynRx: joined ? 2 : 0, MPJoinAckRx: joined ? 2 : 0, AddAddrTx: 1, DSSNotMatching: 0, MPFallbackTokenInit: 0, RmSubflow: outageSpec.length },
      pc2: { MPCapableSYNTX: 1, MPCapableSYNACKRX: o.fellBack ? 0 : 1, MPCapableFallbackSYNACK: o.fellBack ? 1 : 0, MPJoinSynAckRx: joined ? 2 : 0, AddAddr: 1, EchoAdd: 1, DSSNoMatchTCP: 0 },
    },
    monitor: [
      { tMs: 2, host: 'pc2', line: '[         CREATED] token=2c4b1d3a remid=0 locid=0 saddr4=10.180.0.3 daddr4=10.180.0.2 sport=40512 dport=8080' },
      { tMs: 3, host: 'pc2', line: '[     ESTABLISHED] token=2c4b1d3a remid=0 locid=0 saddr4=10.180.0.3 daddr4=10.180.0.2 sport=40512 dport=8080' },
      { tMs: 4, host: 'pc2', line: '[       ANNOUNCED] token=2c4b1d3a remid=1 daddr4=10.181.0.2 dport=8080' },
      { tMs: 6, host: 'pc2', line: '[  SF_ESTABLISHED] token=2c4b1d3a remid=1 locid=0 saddr4=10.181.0.3 daddr4=10.181.0.2 sport=51234 dport=8080 backup=0' },
      { tMs: 3215, host: 'pc2', line: '[       SF_CLOSED] token=2c4b1d3a remid=1 locid=0 saddr4=10.181.0.3 daddr4=10.181.0.2 sport=51234 dport=8080 backup=0 error=110' },
    ],
    kernelLog: [
      { tMs: 3013, line: 'IPv6: ADDRCONF(NETDEV_CHANGE): veth181b: link becomes not ready', error: false },
      ...kernelErrors.map((line, i) => ({ tMs: 4210 + i * 37, line, error: true })),
    ],
    snapshots: [
      { tMs: 3500, host: 'pc2', label: 'during cut of vlan181', text: 'ESTAB 0 0 10.180.0.3:40512 10.180.0.2:8080\n\t cubic rtt:0.412/0.09 mss:1448 cwnd:212' },
    ],
    notes: ['link cut by ip link set down on the host side of veth181b'],
  };
}
