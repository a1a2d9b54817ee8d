/**
 * The runtime on real Docker: bring-up matches the plan, cuts and blackholes act on the
 * path, and every test leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connectDocker, loadTopology, startLab } from '../lab';
import { carrierOf, expectNothingLeft, leftovers, pingOk, reachable, sh, waitCarrier } from './helpers';

jest.setTimeout(180_000);

afterEach(expectNothingLeft);

describe('two-vlan bring-up', () => {
  it('puts both hosts on internal networks with the planned addresses, endpoints and qdiscs', async () => {
    await using lab = await startLab('two-vlan');
    const plan = lab.plan;
    expect(Object.keys(lab.hosts).sort()).toEqual(['pc1', 'pc2']);
    for (const path of plan.paths) {
      const net = lab.paths[path.name]!;
      const info = await (await connectDocker()).getNetwork(net.networkId).inspect();
      expect(info.Internal).toBe(true);
      expect(info.IPAM?.Config?.[0]?.Subnet).toBe(net.subnet);
      for (const host of Object.values(lab.hosts)) {
        const iface = host.interfaces[path.name]!;
        const addr = await sh(lab, host.name, ['ip', '-4', '-br', 'addr', 'show', 'dev', iface.ifname]);
        expect(addr).toContain(`${iface.address}/24`);
      }
    }
    // The server signals its second path; the client has no endpoints (the planned defaults).
    const endpoints = JSON.parse(await sh(lab, 'pc1', ['ip', '-j', 'mptcp', 'endpoint', 'show']));
    expect(endpoints).toEqual([
      expect.objectContaining({ address: lab.hosts.pc1!.interfaces.vlan181!.address, id: 1, signal: true }),
    ]);
    expect(JSON.parse(await sh(lab, 'pc2', ['ip', '-j', 'mptcp', 'endpoint', 'show']))).toEqual([]);
    expect(await sh(lab, 'pc2', ['ip', 'mptcp', 'limits', 'show'])).toMatch(/add_addr_accepted 1 subflows 1/);
    for (const host of ['pc1', 'pc2']) {
      for (const path of ['vlan180', 'vlan181']) {
        const qd = JSON.parse(await sh(lab, host, ['tc', '-j', 'qdisc', 'show', 'dev', lab.hosts[host]!.interfaces[path]!.ifname]));
        expect(qd[0]).toEqual(expect.objectContaining({ kind: 'tbf', root: true }));
        expect(qd[0].options.rate).toBe(125_000_000); // 1 Gbit/s in bytes per second
      }
    }
    // No way out of the lab: Docker's default bridge (an address on this machine) is unreachable.
    expect(await pingOk(lab, 'pc2', '172.17.0.1')).toBe(false);
  });

  it('a down cut gives NO-CARRIER and stops traffic on that path; restore brings it back', async () => {
    await using lab = await startLab('two-vlan');
    const pc1On181 = lab.hosts.pc1!.interfaces.vlan181!.address;
    expect(await reachable(lab, 'pc2', pc1On181)).toBe(true);
    await lab.cut('vlan181', 'down');
    expect(await waitCarrier(lab, 'pc2', 'vlan181', 'down')).toBe('down');
    const link = await sh(lab, 'pc2', ['ip', '-br', 'link', 'show', 'dev', lab.hosts.pc2!.interfaces.vlan181!.ifname]);
    expect(link).toContain('NO-CARRIER');
    expect(await pingOk(lab, 'pc2', pc1On181)).toBe(false);
    expect(await reachable(lab, 'pc2', lab.hosts.pc1!.interfaces.vlan180!.address)).toBe(true);
    await lab.restore('vlan181');
    expect(await waitCarrier(lab, 'pc2', 'vlan181', 'up')).toBe('up');
    expect(await reachable(lab, 'pc2', pc1On181)).toBe(true);
  });

  it('a blackhole drops traffic with the carrier up', async () => {
    await using lab = await startLab('two-vlan');
    const pc1On181 = lab.hosts.pc1!.interfaces.vlan181!.address;
    await lab.cut('vlan181', 'blackhole');
    expect(carrierOf(lab, 'pc2', 'vlan181')).toBe('up');
    expect(await pingOk(lab, 'pc2', pc1On181)).toBe(false);
    expect(await pingOk(lab, 'pc1', lab.hosts.pc2!.interfaces.vlan181!.address)).toBe(false);
    await lab.restore('vlan181');
    expect(await reachable(lab, 'pc2', pc1On181)).toBe(true);
  });

  it('runs two labs of the same topology at once, on different subnets', async () => {
    const [a, b] = await Promise.all([startLab('two-vlan'), startLab('two-vlan')]);
    try {
      expect(a.paths.vlan180!.subnet).not.toBe(b.paths.vlan180!.subnet);
      expect(await reachable(a, 'pc2', a.hosts.pc1!.interfaces.vlan181!.address)).toBe(true);
      expect(await reachable(b, 'pc2', b.hosts.pc1!.interfaces.vlan181!.address)).toBe(true);
      // Each lab's hosts only see their own networks.
      expect(await pingOk(a, 'pc2', b.hosts.pc1!.interfaces.vlan180!.address)).toBe(false);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('changes a path impairment at run time (replace, not add)', async () => {
    await using lab = await startLab('two-vlan');
    await lab.impair('vlan180', { rateBps: 100e6 }, 'pc1');
    const qd = JSON.parse(await sh(lab, 'pc1', ['tc', '-j', 'qdisc', 'show', 'dev', lab.hosts.pc1!.interfaces.vlan180!.ifname]));
    expect(qd.filter((q: { root?: boolean }) => q.root)).toHaveLength(1);
    expect(qd[0].options.rate).toBe(12_500_000);
  });
});

describe('cleanup', () => {
  it('a SIGINT mid-bring-up leaves nothing behind', async () => {
    const plan = loadTopology('two-vlan');
    expect(plan.name).toBe('two-vlan');
    // One process (tsx as a loader, not its CLI wrapper), so the lab's owner label is child.pid.
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'lab', 'cli', 'main.ts'), 'two-vlan'], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until the run has created at least one container, then interrupt it.
    const start = Date.now();
    for (;;) {
      const left = await leftovers(child.pid);
      if (left.containers.length > 0) break;
      if (Date.now() - start > 60_000) throw new Error(`no container appeared within 60 s; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain('SIGINT');
    expect(await leftovers(child.pid)).toEqual({ containers: [], networks: [] });
  });
});
