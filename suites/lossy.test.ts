/**
 * lossy: does one lossy path (1% random loss, both directions) drag an MPTCP connection down?
 * The loss is real packet loss for TCP either way the runtime makes it: sch_netem on each
 * sender's egress where the kernel has it, else an nftables `numgen random` drop on each
 * RECEIVER's ingress (lab/tc/nft-loss.ts; a drop in the sender's own output path would be a
 * local transmit error that TCP simply re-sends). The suite holds the lab (startLab +
 * runTrafficPass) to read the drop counters of whichever mechanism made the loss (netem's
 * qdisc, or the nft rule's counter) and the sender's retransmission counters itself (its own
 * reading of /proc/PID/net/snmp and netstat), so it asserts that the loss really happened; its
 * own sampler of the receiver's host veths gives each path's share. It is
 * SKIPPED, with the reason in the test names, only where neither netem nor nftables numgen exists.
 *
 * Where the host has no sch_netem, a second lab runs the same topology with netem's loss, through
 * the VM runtime (a QEMU guest whose Debian kernel has netem), at 2 x 10 Mbit/s and 20 MB (the
 * TCG guest carries about 25 Mbit/s): the netem half of the loss model, run here too.
 */
import { loadTopology, NFT_LOSS_CHAIN, NFT_LOSS_TABLE } from '../lab';
import type { CheckResult, RunningLab, RunRecord } from '../lab';
import { checkNamed, counterOf, expectEveryCheckPasses, expectNothingLeft, heldLabPass, hostVerdictSync, keepOwnReadings, mb, ownCounters, ownDelta, pathBytes, sh, type HeldPass } from './helpers';
import { pathShares, runThroughVm, vmAvailable, vmLeftovers } from './vm-netem';

jest.setTimeout(180_000);

const plan = loadTopology('lossy');
const host = hostVerdictSync(plan);
if (!host.ok && host.missing !== 'sch_netem') throw new Error(`this host cannot run labs: ${host.reason}`);
const runnable = host.ok;
const mechanism = host.netem ? 'netem' : 'nft-loss';
const why = !runnable
  ? `skipped: this kernel has neither sch_netem nor nftables numgen (${host.reason})`
  : host.netem
    ? 'loss by netem on the senders\' egress'
    : 'loss by nftables on the receivers\' ingress (no sch_netem here)';

/** `it` where the loss can be made, else `it.skip` with the reason in the test's name (never a silent pass). */
const runIt = (name: string, fn: jest.ProvidesCallback) => (runnable ? it(name, fn) : it.skip(`${name} (${why})`, fn));

/** Sums netem's drop counts from `tc -s -j qdisc show`. */
function netemDropped(json: string): number {
  const qdiscs = JSON.parse(json) as Array<{ kind: string; drops?: number }>;
  return qdiscs.filter((q) => q.kind === 'netem').reduce((s, q) => s + (q.drops ?? 0), 0);
}

/** Packets dropped by each nftables loss rule in `nft list chain` output, by source address. */
function nftDroppedBySaddr(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/ip saddr (\S+) .*counter packets (\d+) bytes \d+ drop/g)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
}

/**
 * Packets of the traffic LEAVING each host on vlan181 that the loss dropped: netem counts them
 * on the sender's qdisc, nftables on the other host's ingress rule matching the sender's address.
 */
async function droppedOnVlan181(lab: RunningLab): Promise<Record<string, number>> {
  const dropped: Record<string, number> = {};
  const hosts = ['pc1', 'pc2'] as const;
  for (const h of hosts) {
    const iface = lab.hosts[h]!.interfaces.vlan181!;
    if (host.netem) {
      dropped[h] = netemDropped(await sh(lab, h, ['tc', '-s', '-j', 'qdisc', 'show', 'dev', iface.ifname]));
    } else {
      const receiver = hosts.find((o) => o !== h)!;
      dropped[h] = nftDroppedBySaddr(await sh(lab, receiver, ['nft', 'list', 'chain', 'inet', NFT_LOSS_TABLE, NFT_LOSS_CHAIN]))[iface.address] ?? 0;
    }
  }
  return dropped;
}

describe(`lossy: 1% random loss on vlan181, vlan180 clean (${why})`, () => {
  let record: RunRecord;
  let checks: CheckResult[];
  let held: HeldPass;
  let dropped: Record<string, number> = {};
  let senderBefore: Record<string, number> = {};
  let senderAfter: Record<string, number> = {};

  beforeAll(async () => {
    if (!runnable) return;
    held = await heldLabPass(plan, {
      watch: true,
      before: (lab) => void (senderBefore = ownCounters(lab, 'pc1')),
      after: async (lab) => {
        senderAfter = ownCounters(lab, 'pc1');
        dropped = await droppedOnVlan181(lab);
      },
    });
    ({ record, checks } = held);
  });

  afterAll(expectNothingLeft);

  it(`the probe decides how this host makes the loss: ${host.ok ? mechanism : 'not at all'}`, () => {
    expect(plan.needs).toMatchObject({ netem: true, netemFeatures: ['loss'] });
    expect(runnable).toBe(host.netem || host.nftLoss);
    if (!host.ok) expect(host.missing).toBe('sch_netem');
  });

  runIt(`used ${host.netem ? 'netem (over tbf)' : 'tbf with the nftables loss'} on vlan181 in both directions and tbf alone on vlan180 (record.environment.shaping)`, () => {
    const shaping = String(record.environment.shaping).split(' ').sort();
    const lossy = host.netem ? 'tbf+netem' : 'tbf+nft-loss';
    expect(shaping).toEqual(['vlan180/pc1:tbf', 'vlan180/pc2:tbf', `vlan181/pc1:${lossy}`, `vlan181/pc2:${lossy}`]);
  });

  runIt(`really lost packets on vlan181: ${host.netem ? 'netem\'s drop counters' : 'the nftables rules\' drop counters'}, and the sender retransmitted`, () => {
    // pc1 sends the data (GSO/GRO bursts up to 64 KiB: one drop takes a whole burst), pc2 the ACKs.
    expect(dropped.pc1).toBeGreaterThan(0);
    expect(dropped.pc2).toBeGreaterThan(0);
    // Our own reading of the sender's namespace: segments retransmitted (Tcp RetransSegs, /proc/PID/net/snmp)
    // and SACK recoveries (TcpExt, /proc/PID/net/netstat) over the pass.
    const own = keepOwnReadings(held, 'sender pc1 counters and drops', {
      dropped,
      'Tcp.RetransSegs': ownDelta(senderBefore, senderAfter, 'Tcp.RetransSegs'),
      'TcpExt.TCPSackRecovery': ownDelta(senderBefore, senderAfter, 'TcpExt.TCPSackRecovery'),
      'TcpExt.TCPLostRetransmit': ownDelta(senderBefore, senderAfter, 'TcpExt.TCPLostRetransmit'),
    });
    expect(own['Tcp.RetransSegs']).toBeGreaterThan(0);
    expect(own['TcpExt.TCPSackRecovery']).toBeGreaterThan(0);
    // Real loss: the sender's subflows went through loss recovery and retransmitted
    // (measured with the nftables loss here, 5 runs: 48-68 SACK recoveries, 1421-2245 fast
    // retransmits, 53-70 data bursts and 37-58 ACKs dropped per run).
    expect(counterOf(record, 'pc1', 'TcpExt.TCPSackRecovery')).toBeGreaterThan(0);
    expect(counterOf(record, 'pc1', 'TcpExt.TCPFastRetrans') + counterOf(record, 'pc1', 'TcpExt.TCPLossProbes')).toBeGreaterThan(0);
  });

  runIt('passes every check', () => {
    expectEveryCheckPasses(checks);
    expect(checkNamed(checks, 'aggregate').value).toBeGreaterThanOrEqual(checkNamed(checks, 'aggregate').bound!);
  });

  runIt('the lossy path still carries its share: ≥ 35% of the bytes on vlan181, by our own veth reading and by the record', () => {
    const w = held.own!;
    const own = keepOwnReadings(held, 'veth bytes', w.bytes(w.passStart(), w.passEnd() + 1000));
    const ownShare = own.vlan181! / (own.vlan180! + own.vlan181!);
    expect({ vlan180: mb(own.vlan180!), vlan181: mb(own.vlan181!), atLeast35pct: ownShare >= 0.35 }).toEqual({ vlan180: mb(own.vlan180!), vlan181: mb(own.vlan181!), atLeast35pct: true });
    for (const p of record.paths) expect([p.path, Math.abs(p.totalBytes - own[p.path]!) <= 0.05 * own[p.path]!]).toEqual([p.path, true]);
    const bytes = pathBytes(record, 0, record.traffic.endedMs + 1000);
    const share = bytes.vlan181! / (bytes.vlan180! + bytes.vlan181!);
    expect({ vlan180: mb(bytes.vlan180!), vlan181: mb(bytes.vlan181!), atLeast35pct: share >= 0.35 }).toEqual({
      vlan180: mb(bytes.vlan180!),
      vlan181: mb(bytes.vlan181!),
      atLeast35pct: true,
    });
  });

  runIt('delivers the 600 MB whole, over MPTCP with both subflows', () => {
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.bytesReceived).toBe(600e6);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false, maxSubflows: 2 });
  });
});

/** The netem half: the same lab with netem's loss, through the VM, where this host has no sch_netem. */
const throughVm = !host.netem && vmAvailable();
const vmWhy = host.netem ? 'netem here: the lab above used it' : throughVm ? 'no sch_netem here: through the VM runtime' : 'skipped: no sch_netem here and no guest can be booted';
const vmIt = (name: string, fn: jest.ProvidesCallback) => (throughVm ? it(name, fn) : it.skip(`${name} (${vmWhy})`, fn));

describe(`lossy with netem's loss, 2 x 10 Mbit/s and 20 MB (${vmWhy})`, () => {
  const netemPlan = loadTopology('lossy', { rate: '10mbit', size: '20MB' });
  let vm: Awaited<ReturnType<typeof runThroughVm>>;

  beforeAll(async () => {
    if (!throughVm) return;
    vm = await runThroughVm(netemPlan, 'lossy-netem');
    console.log(`lossy (vm, netem loss): exit ${vm.exitCode}, wall ${(vm.wallMs / 1000).toFixed(1)} s, ${vm.outDir}`);
  }, 420_000);

  vmIt('ran in the guest with netem (under tbf) on vlan181 and tbf alone on vlan180', () => {
    expect(vm.record.environment).toMatchObject({ runtime: 'vm', netem: true });
    expect(String(vm.record.environment.shaping).split(' ').sort()).toEqual(['vlan180/pc1:tbf', 'vlan180/pc2:tbf', 'vlan181/pc1:tbf+netem', 'vlan181/pc2:tbf+netem']);
  });

  vmIt('really lost packets: the sender recovered from loss (the guest\'s TcpExt counters)', () => {
    const c = (k: string) => vm.record.counters[netemPlan.traffic.sender]?.[k] ?? NaN;
    const seen = { fastRetrans: c('TcpExt.TCPFastRetrans'), sackRecovery: c('TcpExt.TCPSackRecovery'), lostRetransmit: c('TcpExt.TCPLostRetransmit') };
    console.log(`lossy (vm, netem loss): sender ${JSON.stringify(seen)}`);
    expect({ seen, fastRetrans: seen.fastRetrans > 0, sackRecovery: seen.sackRecovery > 0 }).toEqual({ seen, fastRetrans: true, sackRecovery: true });
  });

  vmIt('passes every check, and the lossy path still carries ≥ 35% of the bytes', () => {
    expectEveryCheckPasses(vm.checks);
    expect(vm.exitCode).toBe(0);
    // The verdict judged the connection's own socket in the guest, not the counters alone.
    expect(vm.record.mptcp.connection).toMatchObject({ mptcp: true, subflows: 2, fallback: false });
    const shares = pathShares(vm.record);
    console.log(`lossy (vm, netem loss): shares ${JSON.stringify(shares)}`);
    expect({ shares, vlan181: shares.vlan181! >= 0.35 }).toEqual({ shares, vlan181: true });
    expect(vm.record.traffic.bytesReceived).toBe(20e6);
    expect(vm.record.traffic.integrity?.ok).toBe(true);
  });

  vmIt('left no QEMU guest and no temporary folder', () => {
    expect(vmLeftovers()).toEqual({ guests: [], tmp: [] });
  });
});
