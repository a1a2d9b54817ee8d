/**
 * The netns runtime (lab/runtime/netns) end to end: two-vlan brought up as network
 * namespaces through startLab(plan, { runtime: 'netns' }), its settings read back from
 * inside the hosts, a 200 MB MPTCP download measured by lab.measure() and by the
 * suite's OWN reading of the root-side veth counters, cuts, and proof that nothing is left:
 * after stop, after a SIGINT in the middle of bring-up, and after a crash plus
 * cleanNetnsLeftovers.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanNetnsLeftovers, ensureRootfs, hostAddress, listNetnsLeftovers, loadTopology, startLab } from '../lab';
import type { NetnsRunningLab, Plan, RunRecord, StartedLab } from '../lab';
// The runtime's internals, which this suite tests and no user composes (lab/api/suites-use-api.test.ts says why each).
import { newNetnsRunId } from '../lab/runtime/netns/layout';
import { startNetnsLab } from '../lab/runtime/netns/netns-lab';
import { netnsInode, pidsInNetns } from '../lab/runtime/netns/process';
import { carrierOf, mb, rate, REPO_ROOT, sh, vethBytes, waitCarrier } from './helpers';

jest.setTimeout(300_000);

const NOTHING = { namespaces: [], veths: [], processes: {} };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Our own counter samples: the receiver's root-side veth tx_bytes of each path, every 20 ms. */
function sampleVeths(veths: Record<string, string>): { stop: () => Array<{ t: number; bytes: Record<string, number> }> } {
  const samples: Array<{ t: number; bytes: Record<string, number> }> = [];
  const read = () => samples.push({ t: performance.now(), bytes: Object.fromEntries(Object.entries(veths).map(([p, v]) => [p, vethBytes(v).txBytes])) });
  read();
  const timer = setInterval(read, 20);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return samples;
    },
  };
}

/** When the summed series first reached `bytes` (linear between samples), ms. */
function timeAt(samples: Array<{ t: number; total: number }>, bytes: number): number {
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (b.total >= bytes) return b.total === a.total ? b.t : a.t + ((bytes - a.total) / (b.total - a.total)) * (b.t - a.t);
  }
  return NaN;
}

describe('netns runtime: two-vlan as network namespaces, 200 MB over 2 x 1 Gbit/s', () => {
  let plan: Plan;
  let lab: (StartedLab & NetnsRunningLab) | undefined;
  let runId = '';
  let holderPids: number[] = [];
  let record: RunRecord;
  const own = { perPath: {} as Record<string, number>, total: 0, bps: 0, windowMs: 0 };

  beforeAll(async () => {
    // The one-time export (minutes on a cold cache) happens here, outside the bring-up timing.
    await ensureRootfs();
    plan = loadTopology('two-vlan', { size: 200e6 });
    lab = (await startLab(plan, { runtime: 'netns' })) as StartedLab & NetnsRunningLab;
    runId = lab.runId;
    holderPids = Object.values(lab.hosts).map((h) => h.pid);
    process.stdout.write(`netns bring-up ${lab.bringUp.totalMs} ms: ${lab.bringUp.steps.map((s) => `${s.step} ${s.ms} ms`).join(', ')}\n`);
  });

  afterAll(async () => {
    await lab?.stop();
    expect(await listNetnsLeftovers(runId)).toEqual(NOTHING);
  });

  it('brings the lab up from the exported image root, settings verified (its time is printed; speed is the bench\'s to judge)', () => {
    expect(lab!.rootfs).toMatch(/rootfs-[0-9a-f]+$/);
    // Measured 0.3-1.6 s warm, 4.7 s for the first Node start in a freshly used image root (CI dry run,
    // 2026-12-02): a speed target belongs in npm run bench, not in a test; this only rules out a hang.
    expect(lab!.bringUp.totalMs).toBeLessThan(30_000);
    expect(Object.keys(lab!.hosts)).toEqual(['pc1', 'pc2']);
    for (const h of Object.values(lab!.hosts)) expect(h.containerName).toBe(`mlab-${runId}-${h.name}`);
  });

  it('gives each host the plan address on ethN, its peer the root-side veth the lab reports', async () => {
    for (const host of plan.hosts) {
      const h = lab!.hosts[host.name]!;
      const addrs = JSON.parse(await sh(lab!, host.name, ['ip', '-j', '-4', 'addr', 'show'])) as Array<{ ifname: string; addr_info: Array<{ local: string; prefixlen: number }> }>;
      const held = addrs.filter((a) => a.ifname !== 'lo').map((a) => `${a.ifname} ${a.addr_info.map((i) => `${i.local}/${i.prefixlen}`).join(',')}`);
      expect(held).toEqual(plan.paths.map((p, k) => `eth${k} ${hostAddress(lab!.paths[p.name]!.subnet, host.index)}/24`));
      for (const p of plan.paths) {
        const iface = h.interfaces[p.name]!;
        const iflink = readFileSync(`/proc/${h.pid}/root/sys/class/net/${iface.ifname}/iflink`, 'utf8').trim();
        expect(readFileSync(`/sys/class/net/${iface.hostVeth}/ifindex`, 'utf8').trim()).toBe(iflink);
      }
      // The namespace is the host's: /proc/PID/net/dev lists its interfaces, not the machine's.
      expect(readFileSync(`/proc/${h.pid}/net/dev`, 'utf8').match(/^\s*(\w+):/gm)!.map((m) => m.trim().replace(':', '')).sort()).toEqual(['eth0', 'eth1', 'lo']);
    }
  });

  it('reads back the MPTCP endpoints, limits and sysctls of the plan, per namespace', async () => {
    for (const host of plan.hosts) {
      const endpoints = JSON.parse(await sh(lab!, host.name, ['ip', '-j', 'mptcp', 'endpoint', 'show'])) as Array<Record<string, unknown>>;
      const want = host.mptcp.endpoints.map((e) => ({ id: e.id, address: hostAddress(lab!.paths[e.path]!.subnet, host.index), flags: e.flags.join(',') }));
      expect(endpoints.map((e) => ({ id: e.id, address: e.address, flags: ['signal', 'subflow', 'backup', 'fullmesh'].filter((f) => e[f] === true).join(',') }))).toEqual(want);
      // iproute2 6.1 prints the limits as text even with -j: `add_addr_accepted 1 subflows 1`.
      const limits = (await sh(lab!, host.name, ['ip', 'mptcp', 'limits', 'show'])).trim();
      expect(limits.split(/\s+/)).toEqual(['add_addr_accepted', String(host.mptcp.limits.addAddrAccepted), 'subflows', String(host.mptcp.limits.subflows)]);
      expect((await sh(lab!, host.name, ['sysctl', '-n', 'net.mptcp.enabled', 'net.mptcp.checksum_enabled', 'net.mptcp.pm_type'])).trim().split('\n')).toEqual(['1', '0', '0']);
    }
    expect(plan.hosts.find((h) => h.name === 'pc1')!.mptcp.endpoints.length).toBeGreaterThanOrEqual(1);
  });

  it('shapes every egress with tbf at 1 Gbit/s', async () => {
    for (const host of plan.hosts) {
      for (const p of plan.paths) {
        const dev = lab!.hosts[host.name]!.interfaces[p.name]!.ifname;
        const qdiscs = JSON.parse(await sh(lab!, host.name, ['tc', '-j', 'qdisc', 'show', 'dev', dev])) as Array<{ kind: string; root?: boolean; options?: { rate?: number } }>;
        expect(qdiscs.filter((q) => q.root).map((q) => [q.kind, q.options?.rate])).toEqual([['tbf', 125_000_000]]);
      }
    }
    expect(lab!.shaping.map((s) => `${s.host}/${s.path} ${s.mechanism}`).sort()).toEqual(['pc1/vlan180 tbf', 'pc1/vlan181 tbf', 'pc2/vlan180 tbf', 'pc2/vlan181 tbf']);
  });

  it('carries the 200 MB download whole over both paths at ≥ 1.5 Gbit/s, by our own veth reading', async () => {
    const receiver = lab!.hosts[plan.traffic.receiver]!;
    const veths = Object.fromEntries(plan.paths.map((p) => [p.name, receiver.interfaces[p.name]!.hostVeth]));
    const sampler = sampleVeths(veths);
    ({ record } = await lab!.measure({ seed: `netns-${runId}` }));
    const samples = sampler.stop();
    const first = samples[0]!.bytes;
    const series = samples.map((s) => ({ t: s.t, total: Object.keys(veths).reduce((sum, p) => sum + (s.bytes[p]! - first[p]!), 0) }));
    for (const p of Object.keys(veths)) own.perPath[p] = samples[samples.length - 1]!.bytes[p]! - first[p]!;
    own.total = series[series.length - 1]!.total;
    // The rate over the middle 80 % of the bytes: the transfer proper, without the connection's first and last milliseconds.
    const t10 = timeAt(series, own.total * 0.1);
    const t90 = timeAt(series, own.total * 0.9);
    own.windowMs = t90 - t10;
    own.bps = (own.total * 0.8 * 8) / ((t90 - t10) / 1000);
    process.stdout.write(
      `netns transfer: ${mb(own.total)} on the receiver's root-side veths, ${rate(own.bps)} over the middle 80 % (${own.windowMs.toFixed(0)} ms); ` +
        `${Object.entries(own.perPath).map(([p, b]) => `${p} ${mb(b)}`).join(', ')}; recorded goodput ${rate(record.traffic.goodputBps)}\n`,
    );
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.bytesReceived).toBe(200e6);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false });
    expect(own.total).toBeGreaterThan(200e6);
    expect(own.total).toBeLessThan(200e6 * 1.1);
    // 1.5 Gbit/s is two-vlan's own aggregate bound (75 % of 2 x 1 Gbit/s), and still half as much
    // again as one path can carry. It was 1.7: runs alone here read 1.88, but CI's run on
    // 2026-12-03 read 1.62 Gbit/s (busybox wget near a full core, as in two-vlan's runs).
    expect(own.bps).toBeGreaterThanOrEqual(1.5e9);
    for (const [p, b] of Object.entries(own.perPath)) expect([p, b / own.total >= 0.3]).toEqual([p, true]);
    // The runner read the same counters: its per-path totals agree with ours within 5 %.
    for (const p of record.paths) expect(Math.abs(p.totalBytes - own.perPath[p.path]!) / own.perPath[p.path]!).toBeLessThan(0.05);
  });

  it('cut down unplugs the cable (NO-CARRIER inside), blackhole drops with the carrier up, restore brings both back', async () => {
    const server = lab!.hosts.pc1!.interfaces.vlan181!.address;
    const ping = (to: string) => lab!.exec('pc2', ['ping', '-n', '-c', '1', '-W', '1', to], { timeoutMs: 5000 }).then((r) => r.exitCode === 0);
    expect(await ping(server)).toBe(true);
    await lab!.cut('vlan181', 'down');
    expect(await waitCarrier(lab!, 'pc2', 'vlan181', 'down')).toBe('down');
    expect(await ping(server)).toBe(false);
    await lab!.restore('vlan181');
    expect(await waitCarrier(lab!, 'pc2', 'vlan181', 'up')).toBe('up');
    let back = false;
    for (let i = 0; i < 5 && !back; i++) back = await ping(server);
    expect(back).toBe(true);
    await lab!.cut('vlan181', 'blackhole');
    expect(carrierOf(lab!, 'pc2', 'vlan181')).toBe('up');
    expect(await ping(server)).toBe(false);
    expect(await ping(lab!.hosts.pc1!.interfaces.vlan180!.address)).toBe(true);
    await lab!.restore('vlan181');
    expect(await ping(server)).toBe(true);
  });

  it('impair replaces one direction\'s shaping through the agent, as Docker does', async () => {
    await lab!.impair('vlan180', { rateBps: 100e6 }, 'pc1');
    const dev = lab!.hosts.pc1!.interfaces.vlan180!.ifname;
    const rateOf = async (host: string, ifname: string) =>
      (JSON.parse(await sh(lab!, host, ['tc', '-j', 'qdisc', 'show', 'dev', ifname])) as Array<{ kind: string; root?: boolean; options?: { rate?: number } }>).find((q) => q.root)?.options?.rate;
    expect(await rateOf('pc1', dev)).toBe(12_500_000);
    expect(await rateOf('pc2', lab!.hosts.pc2!.interfaces.vlan180!.ifname)).toBe(125_000_000);
  });

  it('stop removes every namespace, veth and holder, in well under a second', async () => {
    const t0 = performance.now();
    await lab!.stop();
    const ms = performance.now() - t0;
    process.stdout.write(`netns teardown ${ms.toFixed(0)} ms\n`);
    expect(await listNetnsLeftovers(runId)).toEqual(NOTHING);
    expect(holderPids.filter(alive)).toEqual([]);
    for (const l of lab!.layout.hosts.flatMap((h) => h.links)) expect(existsSync(`/sys/class/net/${l.rootVeth}`)).toBe(false);
    expect(ms).toBeLessThan(1000);
    // Idempotent.
    await lab!.stop();
  });
});

/** A configure report with each address replaced by `<path>#<host index>`, so reports of two runs (other subnets) compare. */
function normalised(lab: NetnsRunningLab): unknown {
  const names = new Map<string, string>();
  for (const h of lab.layout.hosts) for (const l of h.links) names.set(l.address, `${l.path}#${h.index}`);
  const text = JSON.stringify(Object.fromEntries(Object.entries(lab.configureReports).map(([host, r]) => [host, { interfaces: r.interfaces.map((i) => ({ ...i, iflink: 0 })), sysctls: r.sysctls, endpoints: r.endpoints, limits: r.limits, qdiscs: r.qdiscs }])));
  return JSON.parse(text.replace(/\d+\.\d+\.\d+\.\d+/g, (a) => names.get(a) ?? a));
}

describe('netns runtime: configure run directly from the lab process', () => {
  it('reads back exactly what the agent reads back (times printed, not asserted: the machine is shared)', async () => {
    const { dir } = await ensureRootfs();
    const plan = loadTopology('two-vlan');
    const agent = await startNetnsLab(plan, { netem: false, rootfs: dir });
    let direct: NetnsRunningLab | undefined;
    try {
      direct = await startNetnsLab(plan, { netem: false, rootfs: dir, configure: 'direct' });
      const ms = (l: NetnsRunningLab) => l.bringUp.steps.find((s) => s.step === 'configure')!.ms;
      process.stdout.write(`netns configure: agent ${ms(agent)} ms (bring-up ${agent.bringUp.totalMs} ms), direct ${ms(direct)} ms (bring-up ${direct.bringUp.totalMs} ms)\n`);
      expect(normalised(direct)).toEqual(normalised(agent));
      expect(Object.keys(direct.configureReports)).toEqual(['pc1', 'pc2']);
    } finally {
      await direct?.stop();
      await agent.stop();
    }
    expect(await listNetnsLeftovers(agent.runId)).toEqual(NOTHING);
    if (direct) expect(await listNetnsLeftovers(direct.runId)).toEqual(NOTHING);
  });
});

/** Starts the bring-up child; resolves with what it printed and its exit, after `act` ran on the step line `at`. */
function bringUpChild(runId: string, rootfs: string, at: string, act: (child: ReturnType<typeof spawn>) => Promise<void>): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'lab/runtime/netns/__fixtures__/bring-up-child.ts'), runId, rootfs], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let acted = false;
  return new Promise((resolve) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!acted && (out.includes(`step ${at}\n`) || out.includes('\nup\n'))) {
        acted = true;
        void act(child);
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

/** PIDs inside the run's namespaces right now. */
async function pidsOfRun(runId: string): Promise<number[]> {
  const { namespaces } = await listNetnsLeftovers(runId);
  const pids = await Promise.all(namespaces.map(async (ns) => pidsInNetns((await netnsInode(`/run/netns/${ns}`)) ?? -1)));
  return pids.flat();
}

describe('netns runtime: interrupted bring-up leaves nothing', () => {
  let rootfs = '';
  beforeAll(async () => {
    rootfs = (await ensureRootfs()).dir;
  });

  for (const at of ['starting hosts and wiring paths', 'configuring MPTCP and shaping']) {
    it(`SIGINT at "${at}": the signal handler removes everything, exit 130`, async () => {
      const runId = newNetnsRunId();
      let seen: number[] = [];
      try {
        const r = await bringUpChild(runId, rootfs, at, async (child) => {
          seen = await pidsOfRun(runId);
          child.kill('SIGINT');
        });
        expect([r.code, r.signal, r.out.includes('\nup\n')]).toEqual([130, null, false]);
        expect(await listNetnsLeftovers(runId)).toEqual(NOTHING);
        expect(seen.filter(alive)).toEqual([]);
      } finally {
        await cleanNetnsLeftovers({ runId, all: true });
      }
    });
  }

  it('a crash (SIGKILL) mid bring-up leaves namespaces and veths with no process; cleanNetnsLeftovers removes them', async () => {
    const runId = newNetnsRunId();
    try {
      const r = await bringUpChild(runId, rootfs, 'configuring MPTCP and shaping', async (child) => {
        child.kill('SIGKILL');
      });
      expect(r.signal).toBe('SIGKILL');
      // The holders and the agent carry a parent-death signal: give the kernel a moment to deliver it.
      for (let i = 0; i < 50 && (await pidsOfRun(runId)).length > 0; i++) await new Promise((res) => setTimeout(res, 20));
      const left = await listNetnsLeftovers(runId);
      expect(left.namespaces).toEqual([`mlab-${runId}-pc1`, `mlab-${runId}-pc2`]);
      expect(left.veths.length).toBe(4);
      expect(left.processes).toEqual({});
      const report = await cleanNetnsLeftovers({ runId });
      expect(report.failures).toEqual([]);
      expect(report.namespaces).toEqual(left.namespaces);
      expect(await listNetnsLeftovers(runId)).toEqual(NOTHING);
    } finally {
      await cleanNetnsLeftovers({ runId, all: true });
    }
  });
});
