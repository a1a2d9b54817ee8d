/**
 * See inside the connection (issue 15): two-vlan brought up through the library, a small
 * download (--size 200MB, no cut) captured with lab/observe/capture.ts on the host side of the
 * receiver's veths, and the pcaps counted with tshark: the MP_CAPABLE handshake on vlan180 only,
 * the MP_JOIN on vlan181, and DSS options on both (Wireshark 4's field is tcp.options.mptcp.subtype).
 * The veths hand tcpdump GRO/GSO super-packets (up to 64 KB), so 200 MB is a few thousand
 * captured packets per path, not 140,000. Beside it, the per-subflow reader
 * (lab/observe/subflow-stats.ts) samples the sender every 100 ms and must see both subflows
 * move, each on its own path, at a cost this suite measures.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadTopology, type Plan, type SubflowSeries } from '../lab';
import { cgroupCpuReader } from '../lab/observe/host-cpu';
import { startCaptures, tsharkCount, type CaptureResult } from '../lab/observe/capture';
import { subflowSeriesFrom, subflowStatsReader, type SubflowReading } from '../lab/observe/subflow-stats';
import { startLab } from '../lab/run/start-lab';
import { runTrafficPass, type PassResult } from '../lab/run/traffic-run';
import { expectNothingLeft, suiteOutDir } from './helpers';

jest.setTimeout(300_000);

const onPath = (bin: string) => {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', bin], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
// Debian/Ubuntu package names: tshark is in `tshark`, tcpdump in `tcpdump`.
const missing = ['tcpdump', 'tshark'].filter((b) => !onPath(b));
const why = missing.length ? ` (skipped: apt-get install ${missing.join(' ')} — ${missing.join(' and ')} not on PATH)` : '';
if (missing.length) process.stderr.write(`suites/capture.test.ts${why}\n`);

(missing.length ? describe.skip : describe)(`captures of two-vlan, counted by tshark${why}`, () => {
  const outDir = suiteOutDir('capture');
  let plan: Plan;
  let captures: CaptureResult[] = [];
  let pass: PassResult;
  let series: SubflowSeries[] = [];
  const cost = { reads: 0, readMs: [] as number[], selfCpuMs: 0, childCpuMs: 0, transferCpuMs: 0 };
  const counts: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    plan = loadTopology('two-vlan', { size: 200e6 });
    const lab = await startLab(plan);
    try {
      const handle = await startCaptures(lab, outDir);
      const clock = () => performance.now();
      const sender = lab.hosts[plan.traffic.sender]!;
      const addressPath = new Map(Object.values(lab.hosts).flatMap((h) => Object.values(h.interfaces).map((i) => [i.address, i.path] as const)));
      const reader = subflowStatsReader(sender.pid, plan.traffic.port);
      const readings: SubflowReading[] = [];
      let t0 = clock();
      let timer: NodeJS.Timeout | undefined;
      let busy = false;
      const childTicks = () => {
        const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
        return Number(f[13]) + Number(f[14]);
      };
      // The transfer's own CPU: both containers' cgroups (lab/observe/host-cpu.ts), ms.
      const cgroups = Object.values(lab.hosts).map((h) => cgroupCpuReader(h.pid));
      const cgroupCpu = () => cgroups.reduce((sum, r) => sum + (r?.() ?? NaN), 0);
      const cpu0 = process.cpuUsage();
      const ticks0 = childTicks();
      const transfer0 = cgroupCpu();
      try {
        pass = await runTrafficPass(lab, plan, {
          protocol: 'mptcp',
          intervalMs: 100,
          seed: lab.runId,
          clock,
          timeline: [],
          onStep: (step) => {
            if (step !== 'traffic running') return;
            t0 = clock();
            timer = setInterval(() => {
              if (busy) return;
              busy = true;
              const start = clock();
              void reader
                .read()
                .then((stats) => readings.push({ tMs: start - t0, host: sender.name, stats }))
                .catch(() => undefined)
                .finally(() => {
                  cost.reads++;
                  cost.readMs.push(clock() - start);
                  busy = false;
                });
            }, 100);
          },
        });
      } finally {
        clearInterval(timer);
        while (busy) await new Promise((r) => setTimeout(r, 10));
        await reader.close();
        const cpu = process.cpuUsage(cpu0);
        // This process's CPU includes the lab's own sampler: an upper bound for the reader's share.
        cost.selfCpuMs = (cpu.user + cpu.system) / 1000;
        cost.childCpuMs = (childTicks() - ticks0) * 10;
        cost.transferCpuMs = cgroupCpu() - transfer0;
        captures = await handle.stop();
      }
      series = subflowSeriesFrom(readings, (a) => addressPath.get(a));
    } finally {
      await lab.stop();
    }
    for (const c of captures) {
      counts[c.path] = {
        mpCapable: await tsharkCount(c.files, 'tcp.options.mptcp.subtype == 0'),
        mpJoin: await tsharkCount(c.files, 'tcp.options.mptcp.subtype == 1'),
        dss: await tsharkCount(c.files, 'tcp.options.mptcp.subtype == 2'),
        packets: c.captured ?? -1,
        droppedByKernel: c.droppedByKernel ?? -1,
        tcpdumpCpuMs: c.cpuMs ?? -1,
        bytes: c.bytes,
      };
    }
    const readerCost = {
      ...cost,
      medianReadMs: median(cost.readMs),
      childCpuMsPerRead: Math.round((cost.childCpuMs / Math.max(1, cost.reads)) * 100) / 100,
      // The reader's processes (nsenter, sh, ss) against the transfer's containers over the same time.
      childCpuOfTransfer: Math.round((cost.childCpuMs / cost.transferCpuMs) * 1000) / 1000,
      readMs: undefined,
    };
    writeFileSync(
      `${outDir}/capture-counts.json`,
      JSON.stringify({ counts, readerCost, traffic: pass.traffic, subflows: series.map((s) => ({ path: s.path, local: s.local, samples: s.t.length })) }, null, 2) + '\n',
    );
    process.stdout.write(`capture suite: ${JSON.stringify(counts)}; subflow reader ${JSON.stringify(readerCost)}\n`);
  });
  afterAll(expectNothingLeft);

  it('the download completed whole over MPTCP', () => {
    expect(pass.traffic).toMatchObject({ completed: true, protocol: 'mptcp' });
    expect(pass.traffic.integrity?.ok).toBe(true);
  });

  it('wrote one ring of pcap files per path into the report folder, and no tcpdump is left running', () => {
    expect(captures.map((c) => [c.path, c.side, c.exitCode])).toEqual([
      ['vlan180', 'receiver', 0],
      ['vlan181', 'receiver', 0],
    ]);
    for (const c of captures) {
      expect(c.files.every((f) => f.startsWith(`${outDir}/capture-${c.path}-receiver.pcap`))).toBe(true);
      expect(c.bytes).toBeGreaterThan(100_000);
    }
    expect(execFileSync('sh', ['-c', `pgrep -f '[t]cpdump .*${outDir}' || true`], { encoding: 'utf8' }).trim()).toBe('');
  });

  it('MP_CAPABLE (subtype 0) is on vlan180 only, at least the three packets of the handshake', () => {
    expect(counts.vlan180!.mpCapable).toBeGreaterThanOrEqual(3);
    expect(counts.vlan181!.mpCapable).toBe(0);
  });

  it('MP_JOIN (subtype 1) joined vlan181: at least SYN, SYN/ACK and ACK', () => {
    expect(counts.vlan181!.mpJoin).toBeGreaterThanOrEqual(3);
  });

  it('both paths carried DSS (subtype 2): data mappings and data ACKs, > 1000 packets each', () => {
    expect(counts.vlan180!.dss).toBeGreaterThan(1000);
    expect(counts.vlan181!.dss).toBeGreaterThan(1000);
  });

  it('the subflow reader saw both subflows on the sender, each on its path, with bytes acked growing and an RTT', () => {
    expect(series.map((s) => s.path).sort()).toEqual(['vlan180', 'vlan181']);
    for (const s of series) {
      expect(s.t.length).toBeGreaterThanOrEqual(2);
      expect(s.bytesAcked[s.bytesAcked.length - 1]!).toBeGreaterThan(s.bytesAcked[0]!);
      expect(s.rttMs.some((r) => r !== null && r > 0)).toBe(true);
      expect(s.state.every((x) => x === 'ESTAB')).toBe(true);
    }
    expect(series.find((s) => s.path === 'vlan180')?.localId).toBe(0);
  });
});

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round((s[Math.floor(s.length / 2)] ?? 0) * 100) / 100 : NaN;
}
