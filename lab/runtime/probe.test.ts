import { EnvironmentError } from '../model/errors';
import type { Plan } from '../model/plan';
import { missingPrivileges, parseMptcpProc, parseProbeOutput, requireCapabilities, type HostCapabilities } from './probe';

// What the probe script printed on the build machine (kernel 6.18 without sch_netem).
const NO_NETEM_OUTPUT = [
  'mptcpNetns=1',
  'netem=fail Error: Specified qdisc kind is unknown. ',
  'tbf=ok',
  'htb=ok',
  'ingress=ok',
  'nftables=ok',
  'nftChain=ok',
  'nftNumgen=ok',
  '',
].join('\n');

describe('parseProbeOutput', () => {
  it('reads ok and fail lines, keeping the error text of failures', () => {
    const p = parseProbeOutput(NO_NETEM_OUTPUT);
    expect(p.qdiscs).toEqual({ netem: false, tbf: true, htb: true, ingress: true });
    expect(p.nftables).toBe(true);
    expect(p.nftNumgen).toBe(true);
    expect(p.containerMptcpEnabled).toBe(true);
    expect(p.failures).toEqual({ netem: 'Error: Specified qdisc kind is unknown.' });
  });

  it('counts anything not reported as missing', () => {
    const p = parseProbeOutput('tbf=ok\ngarbage line\n');
    expect(p.qdiscs).toEqual({ netem: false, tbf: true, htb: false, ingress: false });
    expect(p.nftables).toBe(false);
    expect(p.nftNumgen).toBe(false);
    expect(p.containerMptcpEnabled).toBeUndefined();
  });

  it('needs the table and chain for numgen to count', () => {
    expect(parseProbeOutput('nftables=fail x\nnftNumgen=ok\n').nftNumgen).toBe(false);
  });
});

describe('parseMptcpProc', () => {
  it('reads a 6.x kernel: lists of path managers and schedulers', () => {
    expect(parseMptcpProc({ enabled: '1', available_path_managers: 'kernel userspace', available_schedulers: 'default bpf_rr', pm_type: '0' })).toEqual({
      ok: true,
      enabled: true,
      pathManagers: ['kernel', 'userspace'],
      schedulers: ['default', 'bpf_rr'],
    });
  });

  it('infers path managers from pm_type on kernels without the list', () => {
    expect(parseMptcpProc({ enabled: '0', pm_type: '0' })).toEqual({
      ok: true,
      enabled: false,
      pathManagers: ['kernel', 'userspace'],
      schedulers: ['default'],
    });
  });

  it('reports a kernel without MPTCP', () => {
    const m = parseMptcpProc(undefined);
    expect(m.ok).toBe(false);
    expect(m.error).toMatch(/CONFIG_MPTCP/);
  });
});

function caps(over: Partial<HostCapabilities> = {}): HostCapabilities {
  return {
    docker: { ok: true, version: '20.10.24', apiVersion: '1.41' },
    kernel: '6.18.0',
    mptcp: { ok: true, enabled: true, pathManagers: ['kernel'], schedulers: ['default'] },
    qdiscs: { netem: false, tbf: true, htb: true, ingress: true },
    nftables: true,
    details: { qdiscProbe: 'ok', cached: false, probedAt: '', failures: {}, nftNumgen: true, mptcpSysctls: {} },
    ...over,
  };
}
const needs = (n: Partial<Plan['needs']>): Plan['needs'] => ({ netem: false, tbf: false, netemFeatures: [], ...n });

function thrown(fn: () => void): EnvironmentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EnvironmentError) return e;
    throw e;
  }
  throw new Error('expected an EnvironmentError');
}

describe('requireCapabilities', () => {
  it('passes a rate-only plan on a host without netem', () => {
    expect(() => requireCapabilities(needs({ tbf: true }), caps())).not.toThrow();
  });

  it('names sch_netem, the features that need it, and how to get it', () => {
    const e = thrown(() => requireCapabilities(needs({ netem: true, tbf: true, netemFeatures: ['delay', 'loss'] }), caps()));
    expect(e.exitCode).toBe(3);
    expect(e.missing).toBe('sch_netem');
    expect(e.message).toContain('delay, loss');
    expect(e.message).toContain('modprobe sch_netem');
    expect(e.message).toContain('CONFIG_NET_SCH_NETEM');
    expect(e.message).toContain('linux-modules-extra');
  });

  it('passes loss alone without netem when nftables can drop at random (the nft fallback), not otherwise', () => {
    const lossOnly = needs({ netem: true, netemFeatures: ['loss'] });
    expect(() => requireCapabilities(lossOnly, caps())).not.toThrow();
    const noNumgen = caps();
    noNumgen.details = { ...noNumgen.details, nftNumgen: false };
    expect(thrown(() => requireCapabilities(lossOnly, noNumgen)).missing).toBe('sch_netem');
  });

  it('names MPTCP with the sysctl and the kernel it needs', () => {
    const e = thrown(() => requireCapabilities(needs({}), caps({ mptcp: { ok: false, enabled: false, error: 'no /proc/sys/net/mptcp' } })));
    expect(e.missing).toBe('MPTCP');
    expect(e.message).toContain('sysctl -w net.mptcp.enabled=1');
    expect(e.message).toMatch(/kernel ≥ 5\.6 with CONFIG_MPTCP/);
  });

  it('puts Docker first: without it nothing else was probed', () => {
    const e = thrown(() => requireCapabilities(needs({ netem: true }), caps({ docker: { ok: false, version: '', apiVersion: '', error: 'ECONNREFUSED' } })));
    expect(e.missing).toBe('Docker engine');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('a socket it may not use is a permission problem, not an engine to install', () => {
    const e = thrown(() => requireCapabilities(needs({}), caps({ docker: { ok: false, version: '', apiVersion: '', error: 'connect EACCES /var/run/docker.sock' } })));
    expect(e.missing).toBe('permission on the Docker socket');
    expect(e.message).toContain('usermod -aG docker');
    expect(e.message).not.toContain('apt-get install');
  });

  it('says the probe failed rather than claiming tbf is missing', () => {
    const c = caps({ qdiscs: { netem: false, tbf: false, htb: false, ingress: false } });
    c.details = { ...c.details, qdiscProbe: 'skipped', probeError: 'no lab image to probe with' };
    const e = thrown(() => requireCapabilities(needs({ tbf: true }), c));
    expect(e.missing).toBe('sch_tbf');
    expect(e.message).toContain('could not probe: no lab image');
  });
});

describe('missingPrivileges', () => {
  it('root with socket access lacks nothing', () => {
    expect(missingPrivileges({ uid: 0, socket: '/var/run/docker.sock' })).toBeUndefined();
  });

  it('a non-root user without socket access lacks both, and is told to run as root', () => {
    const m = missingPrivileges({ uid: 65534, socket: '/var/run/docker.sock', socketError: 'EACCES' })!;
    expect(m.missing).toEqual(['root', 'permission on the Docker socket /var/run/docker.sock']);
    expect(m.detail.join('; ')).toContain('uid 65534');
    expect(m.hint).toContain('sudo');
    expect(m.hint).not.toContain('apt-get');
  });

  it('a member of the docker group still lacks root (found before the transfer, not after)', () => {
    expect(missingPrivileges({ uid: 1000, socket: '/var/run/docker.sock' })!.missing).toEqual(['root']);
  });

  it('root denied the socket (a remote or rootless engine setup) is told about the socket only', () => {
    const m = missingPrivileges({ uid: 0, socket: '/run/user/1000/docker.sock', socketError: 'EACCES' })!;
    expect(m.missing).toEqual(['permission on the Docker socket /run/user/1000/docker.sock']);
    expect(m.hint).toContain('docker group');
  });
});
