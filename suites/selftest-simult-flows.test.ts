/**
 * The kernel selftest simult_flows.sh, in the lab (issue 13): 16 MiB over two shaped paths,
 * balanced (10 + 10 Mbit/s) and unbalanced (10 + 3 Mbit/s), each in both directions (the
 * topology's download, and the same lab as an upload), three runs each. Every run must end
 * inside the selftest's own bound, computed here from the plan's rates and size the way the
 * selftest computes it:
 *   size·8 / (rate1 + rate2) × 10/9 (headers)  +  400 ms (mptcp_connect's join waits)  +  50 ms slack
 * asserted against both the lab's record (the receiving agent's time from connect to close)
 * and the suite's own reading: the receiver's host veths' tx_bytes, read every 10 ms on the
 * suite's own timer, from the first data to the last.
 * The selftest's delay cases (25 ms and 50 ms one way) need sch_netem, which this project's
 * kernel lacks: they are left out.
 * Runtime on the project's machine: about 2.5 minutes (12 transfers of 7-12 s, 4 bring-ups; 2 min 29-31 s measured 2026-12-02, load average 5-10).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths, DEFAULT_TCP, loadTopologyText, startLab, topologyPath, writeReports } from '../lab';
import type { CheckResult, Plan, RunRecord } from '../lab';
import { expectEveryCheckPasses, expectNothingLeft, mb, suiteOutDir } from './helpers';

const RUNS = 3;

/**
 * What "inside the bound" means for a case: every run, as the selftest asks. simult_flows.sh
 * itself marks the unbalanced case flaky (`MPTCP_LIB_SUBTEST_FLAKY=1 run_test 10 3 0 0 ...`, a
 * miss there does not fail the kernel's CI); measured here its runs sit at the bound (11141–11888
 * ms inside, 12086–12822 ms in at least 4 runs at load 5–13; on the 2-core AMD EPYC of
 * 2026-12-02 an upload read 12516 / 12049 / 11374 ms, median 1% over; on 2026-12-03, at load
 * 0.8–1.0, an upload read 11650 / 12903 / 12076 ms). For that case, as upstream, one run's miss
 * does not fail: the median must be within 10% of the bound (13113 ms) and every run within 20%
 * (14305 ms). The bug of issue 13 (bbr: 15800–17113 ms) meets neither. Each run must also pass
 * the topology's aggregate check (more than the 10 Mbit/s path alone can deliver, 9.75 Mbit/s,
 * about 13.8 s for the 16 MiB), asserted below with every other check. The median against the bound
 * is printed and kept either way, with every figure.
 */
function insideBound(topology: string, ms: readonly number[], bound: number): { each: boolean[]; median: number; ok: boolean; rule: string } {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Infinity;
  if (topology !== 'simult-unbalanced') {
    const each = ms.map((v) => v <= bound);
    return { each, median, ok: each.every(Boolean), rule: `every run ≤ ${bound} ms` };
  }
  const each = ms.map((v) => v <= bound * 1.2);
  const ok = each.every(Boolean) && median <= bound * 1.1;
  return {
    each,
    median,
    ok,
    rule: `median ≤ ${Math.round(bound * 1.1)} ms and every run ≤ ${Math.round(bound * 1.2)} ms, 110% and 120% of the selftest's ${bound} ms (flaky upstream; median ${median} ms, ${median <= bound ? 'inside' : 'over'} the bound)`,
  };
}

/** simult_flows.sh's bound in ms, with its integer arithmetic: 1000·size·8·10 / ((r1+r2)·9) + 400 + 50. */
function selftestBoundMs(plan: Plan): number {
  const size = plan.traffic.sizeBytes;
  if (size === undefined) throw new Error(`${plan.name}: the selftest's bound needs a traffic size`);
  const rates = dataPaths(plan).map((p) => p.egress[plan.traffic.sender]?.rateBps);
  if (rates.length !== 2 || rates.some((r) => r === undefined)) throw new Error(`${plan.name}: expected two shaped data paths, got rates ${rates.join(', ')}`);
  const sum = (rates as number[]).reduce((a, b) => a + b, 0);
  return Math.floor((1000 * size * 8 * 10) / (sum * 9)) + 400 + 50;
}

/** The topology as written (download), or the same lab with the data flowing client → server. */
function loadCase(topology: string, direction: 'download' | 'upload'): Plan {
  const file = topologyPath(topology);
  const text = readFileSync(file, 'utf8');
  if (direction === 'download') return loadTopologyText(text, file);
  // Lab names are at most 15 characters: `simult-unbal` becomes `simult-unbal-up`.
  const upload = text
    .replace(/^(\s*direction:\s*)download\s*$/m, '$1upload')
    .replace(/^name:\s*(\S+)\s*$/m, (_, name: string) => `name: ${name.replace(/anced$/, '')}-up`);
  if (!/^\s*direction:\s*upload\s*$/m.test(upload) || !/^name: \S+-up$/m.test(upload)) throw new Error(`${file}: no "direction: download" and "name:" to turn into an upload`);
  return loadTopologyText(upload, file.replace(/\.yaml$/, '-upload.yaml'));
}

/** The suite's own reading of one pass: the receiver's host veths, every 10 ms, on its own clock. */
class OwnWatch {
  private readonly samples: Array<{ t: number; sum: number }> = [];
  private timer?: NodeJS.Timeout;
  constructor(private readonly veths: string[]) {}
  private read(): void {
    const sum = this.veths.reduce((a, v) => a + Number(readFileSync(`/sys/class/net/${v}/statistics/tx_bytes`, 'utf8')), 0);
    this.samples.push({ t: performance.now(), sum });
  }
  start(): void {
    this.read();
    this.timer = setInterval(() => this.read(), 10);
  }
  stop(): void {
    clearInterval(this.timer);
    this.read();
  }
  /**
   * From the last reading before the data began (more than 4 KiB over the first reading: a
   * stray ARP or ND packet is not the transfer) to the first reading within 4 KiB of the end
   * (the closing FIN and ACKs, and anything stray after, are not the transfer either).
   */
  transfer(): { ms: number; bytes: number } {
    const s = this.samples;
    const base = s[0]!.sum;
    const end = s[s.length - 1]!.sum;
    const firstIdx = s.findIndex((x) => x.sum > base + 4096);
    const from = s[Math.max(0, firstIdx - 1)]!;
    const to = s.find((x) => x.sum >= end - 4096)!;
    return { ms: Math.round(to.t - from.t), bytes: end - base };
  }
}

interface CaseRun {
  record: RunRecord;
  checks: CheckResult[];
  own: { ms: number; bytes: number };
  /** The receiving agent's time from connect to close, as the record states it (bytes / goodput). */
  recordMs: number;
}

jest.setTimeout(60_000);

const CASES = [
  { topology: 'simult-balanced', direction: 'download' },
  { topology: 'simult-balanced', direction: 'upload' },
  { topology: 'simult-unbalanced', direction: 'download' },
  { topology: 'simult-unbalanced', direction: 'upload' },
] as const;

describe('simult_flows.sh in the lab: 16 MiB over two paths inside the selftest\'s bound', () => {
  afterAll(expectNothingLeft);

  describe.each(CASES)('$topology, $direction', ({ topology, direction }) => {
    const plan = loadCase(topology, direction);
    const bound = selftestBoundMs(plan);
    const runs: CaseRun[] = [];
    let senderTcp: Record<string, string> = {};

    beforeAll(async () => {
      await using lab = await startLab(plan);
      const names = ['net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
      const r = await lab.exec(plan.traffic.sender, ['sysctl', '-n', ...names], { timeoutMs: 10_000 });
      const values = r.stdout.trim().split('\n');
      senderTcp = Object.fromEntries(names.map((n, i) => [n, (values[i] ?? '').trim().replace(/\s+/g, ' ')]));
      const receiver = lab.hosts[plan.traffic.receiver]!;
      const veths = dataPaths(plan).map((p) => receiver.interfaces[p.name]!.hostVeth);
      for (let i = 0; i < RUNS; i++) {
        const own = new OwnWatch(veths);
        own.start();
        let measured;
        try {
          measured = await lab.measure({ timeline: [], seed: `${lab.runId}-${i}` });
        } finally {
          own.stop();
        }
        const { record, checks } = measured;
        const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
        const dir = suiteOutDir(plan.name, `run${i + 1}`);
        await writeReports(record, checks, dir);
        const t = record.traffic;
        const run: CaseRun = { record, checks, own: own.transfer(), recordMs: t.goodputBps > 0 ? Math.round((t.bytesReceived * 8000) / t.goodputBps) : Infinity };
        writeFileSync(join(dir, 'own-readings.json'), JSON.stringify({ boundMs: bound, recordMs: run.recordMs, own: run.own, load }, null, 2) + '\n');
        runs.push(run);
      }
    }, 300_000);

    it(`the bound is the selftest's: ${bound} ms`, () => {
      expect(bound).toBe(topology === 'simult-balanced' ? 7906 : 11921);
    });

    it('every run, as the lab recorded it, ends inside the bound (the unbalanced case by the selftest\'s own flaky rule)', () => {
      expect(runs).toHaveLength(RUNS);
      const inside = insideBound(topology, runs.map((r) => r.recordMs), bound);
      expect({ runs: runs.map((r) => r.recordMs), median: inside.median, rule: inside.rule, ok: inside.ok }).toEqual({ runs: runs.map((r) => r.recordMs), median: inside.median, rule: inside.rule, ok: true });
    });

    it('every run, by the suite\'s own reading of the receiver\'s veths, ends inside the bound and agrees with the record', () => {
      const inside = insideBound(topology, runs.map((r) => r.own.ms), bound);
      expect({ own: runs.map((r) => r.own.ms), rule: inside.rule, ok: inside.ok }).toEqual({ own: runs.map((r) => r.own.ms), rule: inside.rule, ok: true });
      const summary = runs.map((r) => ({ own: r.own.ms, agrees: Math.abs(r.own.ms - r.recordMs) <= 300 + 0.03 * r.recordMs }));
      expect(summary).toEqual(runs.map((r) => ({ own: r.own.ms, agrees: true })));
      // The wire carried the 16 MiB and its headers (tbf's frames: at most 6% more), no more.
      for (const r of runs) expect([mb(r.own.bytes), r.own.bytes >= plan.traffic.sizeBytes! && r.own.bytes <= plan.traffic.sizeBytes! * 1.08]).toEqual([mb(r.own.bytes), true]);
    });

    it('every run delivers the 16 MiB whole over MPTCP with both subflows, and passes every check', () => {
      for (const r of runs) {
        expect(r.record.traffic).toMatchObject({ completed: true, bytesReceived: plan.traffic.sizeBytes, integrity: { ok: true } });
        expect(r.record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false, maxSubflows: 2 });
        expectEveryCheckPasses(r.checks);
      }
    });

    it('the sender runs the default TCP settings (congestion control read back in its namespace, and recorded)', () => {
      expect(senderTcp['net.ipv4.tcp_congestion_control']).toBe(DEFAULT_TCP.congestionControl);
      expect(runs[0]!.record.environment[`${plan.traffic.sender} net.ipv4.tcp_congestion_control`]).toBe(DEFAULT_TCP.congestionControl);
    });
  });
});
