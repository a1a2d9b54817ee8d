/**
 * jitter-reorder: does MPTCP's reassembly hold when both paths reorder (netem reorder 5%,
 * jitter 5 ms on 20 ms) and duplicate (1%) their packets? The transfer agent's receiver checks
 * every byte against the stream sent, so integrity is the answer. Reorder, duplicate and
 * jitter need sch_netem: where
 * the host has it the lab runs here; where it has none (the runtime refuses the plan: exit 3
 * naming --runtime vm) the suite runs it through the VM runtime and checks the record the guest
 * brings back. Either way it checks the impairment was really applied with the kernel's own
 * counters, read by this suite: here from /proc/PID/net/netstat of each lab host, in the VM
 * from the guest's counters in the record (the guest is gone when the record arrives). Skipped
 * only where neither netem nor a bootable guest exists.
 */
import { loadTopology, type CheckResult, type RunRecord } from '../lab';
import { checkNamed, expectEveryCheckPasses, expectNothingLeft, heldLabPass, mb, ownCounters } from './helpers';
import { netemMode, pathShares, runThroughVm, subflowRtts, vmLeftovers } from './vm-netem';

jest.setTimeout(180_000);

const plan = loadTopology('jitter-reorder');
const { host, mode, why } = netemMode(plan);
const runs = mode !== 'none';
const runIt = (name: string, fn: jest.ProvidesCallback) => (runs ? it(name, fn) : it.skip(`${name} (${why})`, fn));

/** The counters that show the impairment took effect: the receiver's out-of-order queueing and the sender's duplicate-SACKs. */
interface ImpairmentEvidence {
  receiverOfo: number;
  senderDsackRecv: number;
}

describe(`jitter-reorder: two 8 Mbit/s paths that reorder 5% and duplicate 1% (${why})`, () => {
  let record: RunRecord;
  let checks: CheckResult[];
  let exitCode = 0;
  let evidence: ImpairmentEvidence;

  beforeAll(async () => {
    if (mode === 'vm') {
      const vm = await runThroughVm(plan);
      console.log(`jitter-reorder (vm): exit ${vm.exitCode}, wall ${(vm.wallMs / 1000).toFixed(1)} s, ${vm.outDir}`);
      ({ record, checks, exitCode } = vm);
      // The guest's counters over the pass, as the record carries them back from the guest.
      const c = (h: string, k: string) => record.counters[h]?.[k] ?? NaN;
      evidence = { receiverOfo: c(plan.traffic.receiver, 'TcpExt.TCPOFOQueue'), senderDsackRecv: c(plan.traffic.sender, 'TcpExt.TCPDSACKRecv') };
    } else if (mode === 'direct') {
      let before: Record<string, Record<string, number>> = {};
      const after: Record<string, Record<string, number>> = {};
      const names = [plan.traffic.receiver, plan.traffic.sender];
      ({ record, checks } = await heldLabPass(plan, {
        before: (lab) => {
          before = Object.fromEntries(names.map((h) => [h, ownCounters(lab, h)]));
        },
        after: (lab) => {
          for (const h of names) after[h] = ownCounters(lab, h);
        },
      }));
      const d = (h: string, k: string) => (after[h]?.[k] ?? NaN) - (before[h]?.[k] ?? NaN);
      evidence = { receiverOfo: d(plan.traffic.receiver, 'TcpExt.TCPOFOQueue'), senderDsackRecv: d(plan.traffic.sender, 'TcpExt.TCPDSACKRecv') };
    }
  }, 420_000);

  afterAll(expectNothingLeft);

  it(`the probe agrees with the plan's needs (${host.ok ? 'netem found' : `refused: ${host.reason}`})`, () => {
    expect(plan.needs).toMatchObject({ netem: true, netemFeatures: ['delay', 'jitter', 'duplicate', 'reorder'] });
    if (!host.ok) {
      expect(host.missing).toBe('sch_netem');
      expect(host.reason).toContain('--runtime vm');
    }
  });

  runIt('used netem (under tbf) on every path direction', () => {
    expect(String(record.environment.shaping).split(' ').sort()).toEqual(['wan1/pc1:tbf+netem', 'wan1/pc2:tbf+netem', 'wan2/pc1:tbf+netem', 'wan2/pc2:tbf+netem']);
    if (mode === 'vm') expect(record.environment).toMatchObject({ runtime: 'vm', netem: true });
  });

  runIt('the impairment took effect: the receiver queued segments out of order and the sender got duplicate-SACKs', () => {
    const seen = { ...evidence };
    console.log(`jitter-reorder: ${JSON.stringify(seen)}, sender subflow RTTs ${subflowRtts(record, plan.traffic.sender).join(', ')} ms`);
    expect({ seen, ofo: evidence.receiverOfo > 0, dsack: evidence.senderDsackRecv > 0 }).toEqual({ seen, ofo: true, dsack: true });
    // 2 x 20 ms of netem delay: the subflows' smoothed RTT says it was there. The median of the
    // snapshots' readings, not each one: netem's reorder sends 5% of the packets (ACKs included)
    // with no delay at all, which pulls a smoothed RTT below 40 less the jitter at times (one
    // reading of 28 ms in CI on 2026-12-02; 36-61 ms in 3 runs by hand). Without the delay the
    // RTT is tbf's queue alone: at most its 20 ms latency, so a median ≥ 30 ms still fails it.
    const rtts = subflowRtts(record, plan.traffic.sender);
    expect(rtts.length).toBeGreaterThan(0);
    const sorted = [...rtts].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect({ rtts, median, atLeast30: median >= 30 }).toEqual({ rtts, median, atLeast30: true });
  });

  runIt('the reassembly held: every check passes, the stream arrives whole (every byte verified against the sent stream), no MPTCP error in the kernel log', () => {
    expectEveryCheckPasses(checks);
    expect(exitCode).toBe(0);
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(checkNamed(checks, 'kernelLog').value).toBe(0);
    expect(record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false });
  });

  runIt('both paths carry ≥ 30% of the bytes', () => {
    const shares = pathShares(record);
    const seen = Object.fromEntries(record.paths.map((p) => [p.path, mb(p.totalBytes)]));
    console.log(`jitter-reorder: shares ${JSON.stringify(shares)}, ${JSON.stringify(seen)}`);
    expect({ seen, wan1: shares.wan1! >= 0.3, wan2: shares.wan2! >= 0.3 }).toEqual({ seen, wan1: true, wan2: true });
  });

  (mode === 'vm' ? it : it.skip)('left no QEMU guest and no temporary folder', () => {
    expect(vmLeftovers()).toEqual({ guests: [], tmp: [] });
  });
});
