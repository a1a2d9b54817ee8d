/**
 * long-rtt: does MPTCP still use both paths when each has a long, jittery RTT (50 ms each way
 * with 5 ms jitter: a 100 ms round trip, like an intercontinental or satellite link)?
 * Delay and jitter need sch_netem. Where the host's kernel has it, the suite runs the lab here
 * and checks each path's share also by its own sampler of the receiver's host veths. Where it
 * has none (the runtime refuses the plan there: exit 3 naming sch_netem and --runtime vm), the
 * suite runs it through the VM runtime (a QEMU guest with Debian's kernel) and checks the record
 * the guest brings back: runtime vm and the guest kernel in its environment, netem on every
 * direction, the subflows' RTT in its ss snapshots, each path's share, every check. Skipped only
 * where neither netem nor a bootable guest exists.
 */
import { loadTopology } from '../lab';
import { checkNamed, expectEveryCheckPasses, expectNothingLeft, heldLabPass, keepOwnReadings, mb, pathBytes, type HeldPass } from './helpers';
import { netemMode, pathShares, runThroughVm, subflowRtts, vmLeftovers } from './vm-netem';

jest.setTimeout(180_000);

const plan = loadTopology('long-rtt');
const { host, mode, why } = netemMode(plan);
/** `it` where netem exists here, else `it.skip` with the reason in the test's name (never a silent pass). */
const runIt = (name: string, fn: jest.ProvidesCallback) => (mode === 'direct' ? it(name, fn) : it.skip(`${name} (${why})`, fn));
/** `it` through the VM where the host has no netem. */
const vmIt = (name: string, fn: jest.ProvidesCallback) => (mode === 'vm' ? it(name, fn) : it.skip(`${name} (${mode === 'direct' ? 'netem here: run directly' : why})`, fn));

/** Round-trip times (ms) of the data sender's subflows, from the `ss -tinM` snapshots. */
function senderRtts(outcome: HeldPass): number[] {
  return outcome.record.snapshots
    .filter((s) => s.host === outcome.record.plan.traffic.sender)
    .flatMap((s) => [...s.text.matchAll(/ rtt:([\d.]+)\//g)].map((m) => Number(m[1])));
}

describe(`long-rtt: two 10 Mbit/s paths, 50 ms ± 5 ms each way (${why})`, () => {
  let outcome: HeldPass;

  beforeAll(async () => {
    if (mode !== 'direct') return;
    outcome = await heldLabPass(plan, { timeline: plan.timeline, watch: true });
  });

  afterAll(expectNothingLeft);

  it(`the probe agrees with the plan's needs (${host.ok ? 'netem found' : `refused: ${host.reason}`})`, () => {
    expect(plan.needs).toMatchObject({ netem: true, netemFeatures: ['delay', 'jitter'] });
    if (!host.ok) {
      expect(host.missing).toBe('sch_netem');
      expect(host.reason).toMatch(/sch_netem is not available .*delay, jitter/);
      expect(host.reason).toContain('--runtime vm');
    }
  });

  describe('through the VM runtime (QEMU guest, Debian kernel with netem)', () => {
    let vm: Awaited<ReturnType<typeof runThroughVm>>;
    beforeAll(async () => {
      if (mode !== 'vm') return;
      vm = await runThroughVm(plan);
      console.log(`long-rtt (vm): exit ${vm.exitCode}, wall ${(vm.wallMs / 1000).toFixed(1)} s, ${vm.outDir}`);
    }, 420_000);

    vmIt('ran in the guest: runtime vm, the guest kernel and the accelerator in the record', () => {
      const env = vm.record.environment;
      expect(env).toMatchObject({ runtime: 'vm', guestRuntime: 'netns', netem: true });
      expect(env.vmKernel).toBe(env.kernel);
      expect(env.vmKernel).not.toBe(env.vmHostKernel);
      expect(['kvm', 'tcg']).toContain(env.vmAccelerator);
    });

    vmIt('used netem (under tbf) on every path direction', () => {
      expect(String(vm.record.environment.shaping).split(' ').sort()).toEqual(['sat1/pc1:tbf+netem', 'sat1/pc2:tbf+netem', 'sat2/pc1:tbf+netem', 'sat2/pc2:tbf+netem']);
    });

    vmIt('the subflows really have a long RTT: ≥ 90 ms in the ss snapshots (2 x 50 ms less the jitter)', () => {
      const rtts = subflowRtts(vm.record, vm.record.plan.traffic.sender);
      console.log(`long-rtt (vm): sender subflow RTTs ${rtts.join(', ')} ms`);
      expect(rtts.length).toBeGreaterThan(0);
      expect(rtts.filter((r) => r < 90)).toEqual([]);
    });

    vmIt('passes every check, with 2 subflows', () => {
      expectEveryCheckPasses(vm.checks);
      expect(checkNamed(vm.checks, 'subflows').value).toBe(2);
      expect(vm.exitCode).toBe(0);
    });

    vmIt('both paths carry ≥ 30% of the bytes, the stream arrives whole', () => {
      const shares = pathShares(vm.record);
      console.log(`long-rtt (vm): shares ${JSON.stringify(shares)}`);
      expect({ sat1: shares.sat1! >= 0.3, sat2: shares.sat2! >= 0.3 }).toEqual({ sat1: true, sat2: true });
      expect(vm.record.traffic.completed).toBe(true);
      expect(vm.record.traffic.integrity?.ok).toBe(true);
    });

    vmIt('left no QEMU guest and no temporary folder', () => {
      expect(vmLeftovers()).toEqual({ guests: [], tmp: [] });
    });
  });

  runIt('used netem (under tbf) on every path direction', () => {
    const shaping = String(outcome.record.environment.shaping).split(' ').sort();
    expect(shaping).toEqual(['sat1/pc1:tbf+netem', 'sat1/pc2:tbf+netem', 'sat2/pc1:tbf+netem', 'sat2/pc2:tbf+netem']);
  });

  runIt('the subflows really have a long RTT: ≥ 90 ms (2 x 50 ms less the jitter)', () => {
    const rtts = senderRtts(outcome);
    expect(rtts.length).toBeGreaterThan(0);
    expect(rtts.filter((r) => r < 90)).toEqual([]);
  });

  runIt('passes every check', () => {
    const { checks } = outcome;
    expectEveryCheckPasses(checks);
    expect(checkNamed(checks, 'subflows').value).toBe(2);
  });

  runIt('both paths carry a real share (≥ 30% of the bytes each), by our own veth reading and by the record', () => {
    const { record } = outcome;
    const w = outcome.own!;
    const own = keepOwnReadings(outcome, 'veth bytes', w.bytes(w.passStart(), w.passEnd() + 1000));
    const ownSeen = { sat1: mb(own.sat1!), sat2: mb(own.sat2!) };
    expect({ ownSeen, sat1: own.sat1! / (own.sat1! + own.sat2!) >= 0.3, sat2: own.sat2! / (own.sat1! + own.sat2!) >= 0.3 }).toEqual({ ownSeen, sat1: true, sat2: true });
    for (const p of record.paths) expect([p.path, Math.abs(p.totalBytes - own[p.path]!) <= 0.05 * own[p.path]!]).toEqual([p.path, true]);
    const bytes = pathBytes(record, 0, record.traffic.endedMs + 1000);
    const total = bytes.sat1! + bytes.sat2!;
    const seen = { sat1: mb(bytes.sat1!), sat2: mb(bytes.sat2!) };
    expect({ seen, sat1AtLeast30pct: bytes.sat1! / total >= 0.3, sat2AtLeast30pct: bytes.sat2! / total >= 0.3 }).toEqual({ seen, sat1AtLeast30pct: true, sat2AtLeast30pct: true });
  });

  runIt('delivers the stream whole', () => {
    const { record } = outcome;
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.integrity?.ok).toBe(true);
  });
});
