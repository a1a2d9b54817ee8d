import { loadTopologyFile } from '../loader';
import { hostAddress } from '../model/plan';
import { buildConfigureRequest, mptcpSysctls } from '../runtime/host-config';
import { BASELINE_ROLE, dockerRunCommands, scriptCommands, type ScriptInput } from './script';

const plan = loadTopologyFile('two-vlan');
const input: ScriptInput = { runId: 'bx1', image: 'mptcp-lab/host:abc', subnets: { vlan180: '10.180.1.0/24', vlan181: '10.180.2.0/24' }, tmpfsBytes: 1234, ownerPid: 77 };
const cmds = scriptCommands(plan, input);
const lines = cmds.up.map((s) => s.argv.join(' '));

describe('scriptCommands (the plain-script baseline)', () => {
  it('creates the internal networks first, with the subnets and labels the clean command finds', () => {
    const nets = cmds.up.filter((s) => s.argv[0] === 'network' && s.argv[1] === 'create').map((s) => s.argv);
    expect(nets).toHaveLength(2);
    for (const [i, n] of nets.entries()) {
      const path = plan.paths[i]!.name;
      expect(n).toEqual(expect.arrayContaining(['--internal', '--subnet', input.subnets[path], '--gateway', hostAddress(input.subnets[path]!, -1)]));
      expect(n).toEqual(expect.arrayContaining(['--label', 'io.mptcp-lab.project=mptcp-lab', '--label', `io.mptcp-lab.role=${BASELINE_ROLE}`, '--label', 'io.mptcp-lab.owner-pid=77']));
      expect(n[n.length - 1]).toBe(`mlab-bx1-${path}`);
    }
    expect(lines.slice(0, 2).every((l) => l.startsWith('network create'))).toBe(true);
  });

  it('creates each container as the lab does: NET_ADMIN, the MPTCP sysctls, the first path with its address, the RAM disk, init', () => {
    for (const h of plan.hosts) {
      const c = cmds.up.find((s) => s.argv[0] === 'create' && s.argv.includes(`mlab-bx1-${h.name}`))!.argv;
      expect(c).toEqual(expect.arrayContaining(['--cap-add', 'NET_ADMIN', '--init', '--tmpfs', '/srv/lab:rw,size=1234']));
      for (const [k, v] of Object.entries(mptcpSysctls(h))) expect(lines.join('\n')).toContain(`--sysctl ${k}=${v}`);
      const ip = c[c.indexOf('--ip') + 1];
      expect(ip).toBe(hostAddress(input.subnets.vlan180!, h.index));
      expect(c[c.indexOf('--network') + 1]).toBe('mlab-bx1-vlan180');
      expect(c[c.length - 1]).toBe(input.image);
    }
  });

  it('starts, then connects the other paths after the start (Docker 20.10 reorders interfaces otherwise)', () => {
    const firstConnect = lines.findIndex((l) => l.startsWith('network connect'));
    const lastStart = lines.map((l) => l.startsWith('start ')).lastIndexOf(true);
    expect(lastStart).toBeGreaterThan(0);
    expect(firstConnect).toBeGreaterThan(lastStart);
    expect(lines).toContain(`network connect --ip ${hostAddress(input.subnets.vlan181!, 0)} mlab-bx1-vlan181 mlab-bx1-pc1`);
    expect(lines).toContain(`network connect --ip ${hostAddress(input.subnets.vlan181!, 1)} mlab-bx1-vlan181 mlab-bx1-pc2`);
  });

  it('runs each configure step of the lab as its own docker exec, on eth0/eth1 in path order', () => {
    expect(cmds.ifnames).toEqual({ pc1: { vlan180: 'eth0', vlan181: 'eth1' }, pc2: { vlan180: 'eth0', vlan181: 'eth1' } });
    for (const h of plan.hosts) {
      const { request } = buildConfigureRequest(plan, h, input.subnets, false);
      const expected = request.steps.filter((s) => 'run' in s && s.run.join(' ') !== 'ip mptcp endpoint flush');
      const execs = cmds.up.filter((s) => s.argv[0] === 'exec' && s.argv[1] === `mlab-bx1-${h.name}`);
      expect(execs).toHaveLength(expected.length);
      expect(execs.every((s) => !s.argv.some((a) => a.startsWith('@ifname:')))).toBe(true);
    }
    expect(lines).toContain(`exec mlab-bx1-pc1 ip mptcp endpoint add ${hostAddress(input.subnets.vlan181!, 0)} dev eth1 id 1 signal`);
    expect(lines.filter((l) => /^exec mlab-bx1-pc\d tc qdisc replace dev eth[01] root handle 1: tbf rate 1gbit /.test(l))).toHaveLength(4);
    expect(lines.some((l) => l.includes('endpoint flush'))).toBe(false);
  });

  it('keeps the lab\'s allowFail as `|| true`', () => {
    const { request } = buildConfigureRequest(plan, plan.hosts[0]!, input.subnets, false);
    const mayFail = request.steps.filter((s) => 'run' in s && s.allowFail).map((s) => ('run' in s ? s.run.join(' ') : ''));
    const scriptMayFail = cmds.up.filter((s) => s.allowFail && s.argv[1] === 'mlab-bx1-pc1').map((s) => s.argv.slice(2).join(' '));
    expect(scriptMayFail).toEqual(mayFail);
  });

  it('tears down containers first, then networks', () => {
    expect(cmds.down.map((s) => s.argv.join(' '))).toEqual(['rm -f mlab-bx1-pc1', 'rm -f mlab-bx1-pc2', 'network rm mlab-bx1-vlan180', 'network rm mlab-bx1-vlan181']);
  });

  it('wants a subnet for every path', () => {
    expect(() => scriptCommands(plan, { ...input, subnets: { vlan180: '10.180.1.0/24' } })).toThrow(/vlan181/);
  });
});

describe('dockerRunCommands', () => {
  it('runs and removes one plain labelled container of the image per host', () => {
    const four = loadTopologyFile('bench-4x4');
    const r = dockerRunCommands(four, input);
    expect(r.containers).toEqual(['mlab-bx1-srv', 'mlab-bx1-c1', 'mlab-bx1-c2', 'mlab-bx1-c3']);
    expect(r.up.every((s) => s.argv[0] === 'run' && s.argv[1] === '-d' && s.argv[s.argv.length - 1] === input.image)).toBe(true);
    expect(r.up[0]!.argv).toEqual(expect.arrayContaining(['--label', `io.mptcp-lab.role=${BASELINE_ROLE}`]));
    expect(r.down.map((s) => s.argv.join(' '))).toEqual(r.containers.map((c) => `rm -f ${c}`));
  });
});
