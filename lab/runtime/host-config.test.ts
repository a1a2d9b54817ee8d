import { loadTopologyText } from '../loader';
import { EnvironmentError } from '../model/errors';
import { DEFAULT_TCP, type Impairment, type PlanHost } from '../model/plan';
import {
  buildConfigureRequest,
  hostSysctls,
  ingressLossRules,
  planEgress,
  requireCongestionControl,
  tcpSysctls,
  verifyHostConfig,
  type ConfigureReport,
  type ConfigureStep,
} from './host-config';

/** Three hosts; vlan181 joins all three with a loss per direction, vlan182 only pc1 and pc2 with 1 % both ways. */
const TOPOLOGY = `
description: ingress loss rules
hosts:
  pc1:
    role: server
  pc2:
    role: client
  pc3:
    role: client
paths:
  vlan180:
    subnet: 10.180.0.0/24
    rate: 1gbit
  vlan181:
    subnet: 10.181.0.0/24
    from:
      pc1:
        loss: 2%
      pc3:
        loss: 0.5%
  vlan182:
    subnet: 10.182.0.0/24
    hosts: [pc1, pc2]
    rate: 1gbit
    loss: 1%
traffic:
  tool: transfer
  direction: download
  size: 10MB
  client: pc2
`;
const plan = loadTopologyText(TOPOLOGY, 'ingress-loss.yaml');
const SUBNETS = { vlan180: '10.180.0.0/24', vlan181: '10.181.0.0/24', vlan182: '10.182.0.0/24' };
const host = (name: string) => plan.hosts.find((h) => h.name === name)!;
const runs = (steps: ConfigureStep[]) => steps.flatMap((s) => ('run' in s ? [s.run] : []));

describe('ingressLossRules', () => {
  it('gives each host one rule per OTHER host that sends it lossy traffic, on its own interface of that path', () => {
    expect(ingressLossRules(plan, host('pc2'), SUBNETS, planEgress(plan))).toEqual([
      { ifname: '@ifname:10.181.0.3', saddr: '10.181.0.2', lossPct: 2 },
      { ifname: '@ifname:10.181.0.3', saddr: '10.181.0.4', lossPct: 0.5 },
      { ifname: '@ifname:10.182.0.3', saddr: '10.182.0.2', lossPct: 1 },
    ]);
    expect(ingressLossRules(plan, host('pc1'), SUBNETS, planEgress(plan))).toEqual([
      { ifname: '@ifname:10.181.0.2', saddr: '10.181.0.4', lossPct: 0.5 },
      { ifname: '@ifname:10.182.0.2', saddr: '10.182.0.3', lossPct: 1 },
    ]);
    expect(ingressLossRules(plan, host('pc3'), SUBNETS, planEgress(plan))).toEqual([{ ifname: '@ifname:10.181.0.4', saddr: '10.181.0.2', lossPct: 2 }]);
  });

  it('reads the impairments in force from egressOf (a timeline impair), not the plan', () => {
    const now: Record<string, Impairment> = { 'vlan180/pc1': { rateBps: 1e9, lossPct: 3 }, 'vlan181/pc1': { lossPct: 0 }, 'vlan182/pc1': { rateBps: 1e9 } };
    expect(ingressLossRules(plan, host('pc2'), SUBNETS, (p, h) => now[`${p}/${h}`])).toEqual([{ ifname: '@ifname:10.180.0.3', saddr: '10.180.0.2', lossPct: 3 }]);
  });
});

describe('buildConfigureRequest and the loss', () => {
  it('without netem: the sender\'s tc carries no nft, the receiver gets one mlab_loss table with all its rules', () => {
    const { request, mechanisms } = buildConfigureRequest(plan, host('pc2'), SUBNETS, false);
    expect(mechanisms).toEqual({ vlan180: 'tbf', vlan181: 'none', vlan182: 'tbf+nft-loss' });
    const nft = runs(request.steps).filter((r) => r[0] === 'nft');
    expect(nft.map((r) => r.join(' '))).toEqual([
      'nft add table inet mlab_loss',
      'nft add chain inet mlab_loss ingress_loss { type filter hook prerouting priority -300 ; policy accept ; }',
      'nft flush chain inet mlab_loss ingress_loss',
      'nft add rule inet mlab_loss ingress_loss iifname @ifname:10.181.0.3 ip saddr 10.181.0.2 numgen random mod 10000 < 200 counter drop',
      'nft add rule inet mlab_loss ingress_loss iifname @ifname:10.181.0.3 ip saddr 10.181.0.4 numgen random mod 10000 < 50 counter drop',
      'nft add rule inet mlab_loss ingress_loss iifname @ifname:10.182.0.3 ip saddr 10.182.0.2 numgen random mod 10000 < 100 counter drop',
    ]);
    // After the tc steps, so a failing nft never leaves the rate unset.
    const all = runs(request.steps);
    expect(all.findIndex((r) => r[0] === 'nft')).toBeGreaterThan(all.map((r) => r[0]).lastIndexOf('tc'));
    expect(buildConfigureRequest(plan, host('pc1'), SUBNETS, false).mechanisms).toEqual({ vlan180: 'tbf', vlan181: 'nft-loss', vlan182: 'tbf+nft-loss' });
  });

  it('with netem: no nft at all (netem drops on the sender\'s egress)', () => {
    const { request, mechanisms } = buildConfigureRequest(plan, host('pc2'), SUBNETS, true);
    expect(runs(request.steps).filter((r) => r[0] === 'nft')).toEqual([]);
    expect(mechanisms.vlan182).toBe('tbf+netem');
  });

  it('emits nothing for a host that no one sends lossy traffic to (0 % is no loss)', () => {
    const clean = loadTopologyText(TOPOLOGY.replace(/loss: [\d.]+%/g, 'loss: 0%'), 'clean.yaml');
    for (const h of clean.hosts) expect(runs(buildConfigureRequest(clean, h, SUBNETS, false).request.steps).filter((r) => r[0] === 'nft')).toEqual([]);
  });
});

describe('per-host TCP settings', () => {
  const withTcp = (tcp: PlanHost['tcp']): PlanHost => ({ ...host('pc1'), tcp });
  const cubic: PlanHost['tcp'] = { congestionControl: 'cubic', rmem: [4096, 131072, 6291456], wmem: [4096, 16384, 4194304] };

  it('creates the container with the congestion control, and rmem/wmem only when given', () => {
    expect(tcpSysctls(withTcp(cubic))).toEqual({
      'net.ipv4.tcp_congestion_control': 'cubic',
      'net.ipv4.tcp_rmem': '4096 131072 6291456',
      'net.ipv4.tcp_wmem': '4096 16384 4194304',
    });
    expect(tcpSysctls(withTcp({ congestionControl: 'bbr' }))).toEqual({ 'net.ipv4.tcp_congestion_control': 'bbr' });
    expect(hostSysctls(withTcp(cubic))).toMatchObject({ 'net.mptcp.enabled': '1', 'net.ipv4.tcp_congestion_control': 'cubic' });
  });

  it('applies DEFAULT_TCP to a host whose plan names no TCP settings', () => {
    const bare: PlanHost = { ...host('pc1') };
    delete (bare as { tcp?: unknown }).tcp;
    expect(tcpSysctls(bare)['net.ipv4.tcp_congestion_control']).toBe(DEFAULT_TCP.congestionControl);
  });

  it('reads the TCP sysctls back and names each one that did not take (tabs as the kernel prints them are fine)', () => {
    const h = withTcp(cubic);
    const { request } = buildConfigureRequest(plan, h, SUBNETS, true);
    expect(request.readback.sysctls).toEqual(expect.arrayContaining(['net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']));
    const sysctls = { ...hostSysctls(h), 'net.ipv4.tcp_rmem': '4096\t131072\t6291456', 'net.ipv4.tcp_wmem': '4096\t16384\t4194304' };
    const report = { type: 'configured', interfaces: [], sysctls, endpoints: [], limits: {}, qdiscs: {} } as ConfigureReport;
    const sysctlProblems = (r: ConfigureReport) => verifyHostConfig(plan, h, SUBNETS, r, true).filter((p) => p.includes('sysctl'));
    expect(sysctlProblems(report)).toEqual([]);
    const wrong = { ...report, sysctls: { ...sysctls, 'net.ipv4.tcp_congestion_control': 'bbr', 'net.ipv4.tcp_wmem': '4096\t16384\t1048576' } };
    expect(sysctlProblems(wrong)).toEqual([
      'pc1: sysctl net.ipv4.tcp_congestion_control is bbr, expected cubic',
      'pc1: sysctl net.ipv4.tcp_wmem is 4096 16384 1048576, expected 4096 16384 4194304',
    ]);
    const { 'net.ipv4.tcp_rmem': _gone, ...missing } = sysctls;
    expect(sysctlProblems({ ...report, sysctls: missing })).toEqual(['pc1: sysctl net.ipv4.tcp_rmem could not be read back']);
  });

  it('refuses, before anything starts, a congestion control the namespaces may not use, naming what the kernel offers', () => {
    const two = { hosts: [withTcp({ congestionControl: 'cubic' }), { ...host('pc2'), tcp: { congestionControl: 'cubic' } }] };
    expect(() => requireCongestionControl(two, ['reno', 'bbr', 'cubic'], ['reno', 'bbr', 'cubic'])).not.toThrow();
    let err: unknown;
    try {
      requireCongestionControl(two, ['reno', 'bbr', 'cubic'], ['reno', 'bbr']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvironmentError);
    const env = err as EnvironmentError;
    expect(env.exitCode).toBe(3);
    expect(env.message).toContain('cubic (available but not allowed in a namespace; hosts pc1, pc2)');
    expect(env.message).toContain('this kernel offers reno bbr cubic');
    expect(env.message).toContain('may use reno bbr (tcp_allowed_congestion_control)');
    expect(env.message).toContain('sysctl -w net.ipv4.tcp_allowed_congestion_control="reno bbr cubic"');
    expect(() => requireCongestionControl({ hosts: [withTcp({ congestionControl: 'vegas' })] }, ['reno', 'bbr', 'cubic'], ['reno', 'bbr', 'cubic'])).toThrow(
      /vegas \(not available; hosts pc1\).*load tcp_vegas \(modprobe\)/s,
    );
  });
});
