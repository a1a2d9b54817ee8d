/**
 * two-vlan: the seed experiment end to end (2 x 1 Gbit/s, 2.5 GB download over HTTP, vlan181
 * cut at 3 s and restored at 6 s), held through startLab + lab.measure() so the suite can
 * read the veth counters ITSELF around the run and compare them with what the lab recorded.
 * Then the report opens in headless Chromium, and an impossible bound fails through the CLI
 * with exit 1 and its numbers in junit.xml.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology, renderReport } from '../lab';
import type { CheckResult, Plan, RunRecord } from '../lab';
import { bytesBetween, checkNamed, counterOf, cutSubflowNeverStale, detailOf, machineStarved, eventAt, expectEveryCheckPasses, expectNothingLeft, heldLabPass, leftovers, mb, pathBytes, pathBytesWithin, REPO_ROOT, vethBytes } from './helpers';

jest.setTimeout(240_000);

/**
 * The kernel behaviour this suite allows exactly one re-run for (helpers' cutSubflowNeverStale). Seen on Linux 6.18 in about one
 * two-vlan run in 16 (CI 2026-12-01; `npm run lab -- two-vlan` 2026-12-02): after the cut the
 * kernel never declares the cut subflow stale (SubflowStale does not move), vlan180 sits idle
 * with nothing unacknowledged, and MPTCP re-sends the stranded data one retransmission per
 * 200 ms timer, so goodput stays near zero until the restore. The lab must say FAIL then, and
 * say why; the suite checks that it did and that its own veth reading agrees, then runs the
 * seed once more. The same one re-run is allowed when the machine was starved instead (helpers'
 * machineStarved: the hypervisor took 10% or more of the CPU time and only rate checks failed).
 * Any other failure, or a second failing run, fails the suite.
 */

interface SeedRun {
  record: RunRecord;
  checks: CheckResult[];
  files: string[];
  /** Our own reading of each path's receiver-side host veth: tx_bytes after the pass minus before. */
  ownDelta: Record<string, number>;
  /** Our own reading of the bytes each path carried from 200 ms after vlan181's veth read down to our last reading of it still down. */
  ownDuringCut: Record<string, number>;
  /** Why this run was followed by another (the kernel's un-stale cut, or a starved machine). */
  rerunFor?: 'unstale' | 'starved';
}

async function seedRun(plan: Plan): Promise<SeedRun> {
  let veths: Record<string, string> = {};
  let before: Record<string, number> = {};
  const ownDelta: Record<string, number> = {};
  const pass = await heldLabPass(plan, {
    timeline: plan.timeline,
    watch: true,
    before: (lab) => {
      const receiver = lab.hosts[plan.traffic.receiver]!;
      veths = Object.fromEntries(plan.paths.map((p) => [p.name, receiver.interfaces[p.name]!.hostVeth]));
      before = Object.fromEntries(Object.entries(veths).map(([p, v]) => [p, vethBytes(v).txBytes]));
    },
    after: () => {
      for (const [p, v] of Object.entries(veths)) ownDelta[p] = vethBytes(v).txBytes - (before[p] ?? 0);
    },
  });
  const own = pass.own!;
  const down = own.firstState('vlan181', 'down', own.passStart());
  const up = own.firstState('vlan181', 'up', down);
  // Up to our last reading that still saw it down: the restore came after it, and vlan181 may carry again within the next 50 ms.
  const lastDown = own.lastBefore(up);
  return { record: pass.record, checks: pass.checks, files: pass.files, ownDelta, ownDuringCut: own.bytes(down + 200, lastDown) };
}

describe('two-vlan: the seed experiment, 2.5 GB over 2 x 1 Gbit/s with a cut', () => {
  let plan: Plan;
  let record: RunRecord;
  let checks: CheckResult[];
  let files: string[];
  let ownDelta: Record<string, number>;
  /** Every run made: one, or two when the first hit cutSubflowNeverStale or machineStarved. */
  const runs: SeedRun[] = [];

  beforeAll(async () => {
    plan = loadTopology('two-vlan');
    const first = await seedRun(plan);
    runs.push(first);
    const starved = machineStarved(first.record, first.checks);
    if (cutSubflowNeverStale(first.checks, 'failover:vlan181')) {
      const f = first.checks.find((c) => c.name === 'failover:vlan181')!;
      console.warn(`two-vlan: the kernel never declared the cut subflow stale in run 1 (vlan180 carried ${mb(first.ownDuringCut.vlan180!)} during the cut by our reading); the lab said: ${f.message}\nrunning the seed once more`);
      first.rerunFor = 'unstale';
      runs.push(await seedRun(plan));
    } else if (starved) {
      console.warn(`two-vlan: run 1 failed on a starved machine: ${starved} (vlan180 carried ${mb(first.ownDuringCut.vlan180!)} during the cut by our reading)\nrunning the seed once more`);
      first.rerunFor = 'starved';
      runs.push(await seedRun(plan));
    }
    ({ record, checks, files, ownDelta } = runs[runs.length - 1]!);
  });

  afterAll(expectNothingLeft);

  it('passes every check of the seed (exit code 0)', () => {
    expectEveryCheckPasses(checks);
    expect(checks.map((c) => c.name)).toEqual(['mptcp', 'integrity', 'aggregate', 'failover:vlan181', 'recovery:vlan181', 'stall', 'subflows', 'kernelLog']);
  });

  it('asks for the starved-machine re-run only when steal was ≥ 10% and only rate checks failed', () => {
    const load = (stealPct: number) => ({ hostLoad: { ...record.hostLoad!, stealPct } });
    const failing = checks.map((c) => (c.kind === 'aggregate' ? { ...c, status: 'fail' as const } : c));
    expect(machineStarved(load(27.7), failing)).toMatch(/^the hypervisor took 27\.7% of the CPU time \(steal ≥ 10%\) and only rate checks failed: aggregate /);
    expect(machineStarved(load(9.9), failing)).toBeUndefined();
    expect(machineStarved(load(27.7), checks.filter((c) => c.status === 'pass'))).toBeUndefined();
    expect(machineStarved(load(27.7), failing.map((c) => (c.kind === 'integrity' ? { ...c, status: 'fail' as const } : c)))).toBeUndefined();
    expect(machineStarved({}, failing)).toBeUndefined();
  });

  it('in every run, the failover verdict agrees with our own reading of vlan180 during the cut', () => {
    // A pass means vlan180 carried the load (≥ 100 MB in the ~2.8 s); the un-stale FAIL means it
    // carried next to nothing and the lab said why. A starved machine's FAIL is late or slow, not
    // empty: our reading is recorded, and no figure is asked of it.
    const rows = runs.map((r) => ({ status: r.checks.find((c) => c.name === 'failover:vlan181')?.status, rerunFor: r.rerunFor, ownVlan180MB: Math.round(r.ownDuringCut.vlan180! / 1e6), ownVlan181KB: Math.round(r.ownDuringCut.vlan181! / 1024) }));
    expect(rows.filter((r) => (r.status === 'pass' ? !(r.ownVlan180MB >= 100) : r.rerunFor !== 'starved' && !(r.ownVlan180MB < 10)))).toEqual([]);
    // The cut path itself is silent in every run, whatever MPTCP did.
    expect(rows.filter((r) => !(r.ownVlan181KB < 64))).toEqual([]);
  });

  it('aggregates ≥ 1.5 Gbit/s before the cut and holds ≥ 0.85 Gbit/s during it', () => {
    const aggregate = checkNamed(checks, 'aggregate');
    expect(aggregate.value).toBeGreaterThanOrEqual(1.5e9);
    const failover = checkNamed(checks, 'failover:vlan181');
    expect(detailOf(failover, 'mean goodput during the cut')).toBeGreaterThanOrEqual(0.85e9);
    // The link-level view agrees: before the cut both VLANs carried about half each.
    const cut = eventAt(record, 'cut', 'vlan181');
    const before = pathBytes(record, 500, cut);
    expect(before.vlan181! / (before.vlan180! + before.vlan181!)).toBeGreaterThan(0.35);
    expect(before.vlan180! / (before.vlan180! + before.vlan181!)).toBeGreaterThan(0.35);
  });

  it('the cut path is silent during the cut and carries traffic again after the restore', () => {
    const cut = eventAt(record, 'cut', 'vlan181');
    const restore = eventAt(record, 'restore', 'vlan181');
    const during = pathBytesWithin(record, cut + 200, restore);
    expect(during.vlan181).toBeLessThan(64 * 1024);
    expect(during.vlan180).toBeGreaterThan(100e6);
    const recovery = checkNamed(checks, 'recovery:vlan181');
    expect(recovery.status).toBe('pass');
    expect(detailOf(recovery, 'recovery time')).toBeLessThanOrEqual(1500);
    const after = pathBytes(record, restore, record.traffic.endedMs + 1000);
    // From the restore to the end, vlan181 took its share again (hundreds of MB, not a trickle).
    expect(after.vlan181).toBeGreaterThan(100e6);
  });

  it('delivers the 2.5 GB whole (SHA-256 equal)', () => {
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.bytesReceived).toBe(2.5e9);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(record.traffic.integrity?.actual).toBe(record.traffic.integrity?.expected);
  });

  it('really used MPTCP: MP_CAPABLE on both ends, one MP_JOIN, two subflows, no fallback', () => {
    expect(record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false, maxSubflows: 2 });
    expect(counterOf(record, 'pc2', 'MPCapableSYNTX')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc2', 'MPCapableSYNACKRX')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc1', 'MPCapableSYNRX')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc1', 'MPCapableACKRX')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc1', 'AddAddrTx')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc1', 'MPJoinSynRx')).toBeGreaterThanOrEqual(1);
    expect(counterOf(record, 'pc2', 'MPJoinSynAckRx')).toBeGreaterThanOrEqual(1);
    for (const k of ['MPCapableFallbackACK', 'MPCapableFallbackSYNACK', 'DataCsumErr']) {
      expect([k, counterOf(record, 'pc1', k), counterOf(record, 'pc2', k)]).toEqual([k, 0, 0]);
    }
  });

  it('per-path series agree within 5% with our own reading of the same veth counters', () => {
    // Our window also holds the pass's preparation and wind-down, which carry next to nothing on these paths.
    const rows = record.paths.map((p) => {
      const own = ownDelta[p.path]!;
      const integral = bytesBetween(p, -Infinity, Infinity, record.intervalMs);
      return {
        path: p.path,
        own: mb(own),
        totalBytes: mb(p.totalBytes),
        integral: mb(integral),
        totalOff: Math.abs(p.totalBytes - own) / own,
        integralOff: Math.abs(integral - own) / own,
      };
    });
    expect(rows.filter((r) => !(r.totalOff <= 0.05 && r.integralOff <= 0.05))).toEqual([]);
    for (const p of record.paths) expect(ownDelta[p.path]).toBeGreaterThan(500e6);
    // The two paths together carried the file plus headers (about 3% for 1448-byte segments).
    const total = Object.values(ownDelta).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(2.5e9);
    expect(total).toBeLessThan(2.5e9 * 1.1);
  });

  it('writes a report.html that renders in headless Chromium (body[data-rendered=true])', async () => {
    const html = files.find((f) => f.endsWith('report.html'))!;
    const { dataset, errors, requests } = await renderReport(html, { timeoutMs: 30_000 });
    expect(dataset.rendered).toBe('true');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('two-vlan with an impossible bound, through the CLI', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-suite-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await expectNothingLeft();
  });

  it('aggregate min 3gbit with --size 200MB exits 1 and junit.xml holds the failed check with its numbers', async () => {
    const seed = await readFile(join(REPO_ROOT, 'topologies', 'two-vlan.yaml'), 'utf8');
    const impossible = seed.replace(/aggregate:\n(\s+)min: 75%/, 'aggregate:\n$1min: 3gbit');
    expect(impossible).not.toBe(seed);
    const file = join(dir, 'two-vlan-3g.yaml');
    await writeFile(file, impossible);
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(REPO_ROOT, 'lab', 'cli', 'main.ts'), file, '--size', '200MB', '--out', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect({ status: r.status, stderr: r.status === 1 ? '' : r.stderr }).toEqual({ status: 1, stderr: '' });
    // The CLI is its own process: its lab objects carry its pid as owner.
    expect(await leftovers(r.pid)).toEqual({ containers: [], networks: [] });
    expect(r.stdout).toMatch(/aggregate\s+│\s+FAIL/);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    const testcase = /<testcase classname="two-vlan-3g" name="aggregate"[^>]*>([\s\S]*?)<\/testcase>/.exec(junit)?.[1] ?? '';
    expect(testcase).toMatch(/<failure message="measured [\d.]+ [MG]bit\/s, expected ≥ 3\.00 Gbit\/s" type="aggregate">/);
    expect(testcase).toMatch(/bound: 3000000000 bit\/s/);
    const value = Number(/value: ([\d.]+) bit\/s/.exec(testcase)?.[1]);
    expect(value).toBeGreaterThan(0.5e9);
    expect(value).toBeLessThan(3e9);
    // The timeline no longer fits 200 MB: the loader dropped the events and the checks that watch them, and said so.
    expect(r.stderr).toMatch(/dropped/);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { checks: CheckResult[]; plan: Plan };
    expect(result.plan.traffic.sizeBytes).toBe(200e6);
    expect(result.checks.find((c) => c.name === 'aggregate')?.status).toBe('fail');
    // Those checks are reported skipped (586efa9), never passed without running; every other check passes.
    const watchesTheCut = (c: CheckResult) => c.kind === 'failover' || c.kind === 'recovery';
    expect(result.checks.filter(watchesTheCut).map((c) => [c.name, c.status])).toEqual([['failover', 'skipped'], ['recovery', 'skipped']]);
    expect(result.checks.filter((c) => c.name !== 'aggregate' && !watchesTheCut(c)).map((c) => [c.name, c.status])).toEqual(
      result.checks.filter((c) => c.name !== 'aggregate' && !watchesTheCut(c)).map((c) => [c.name, 'pass']),
    );
  });
});
