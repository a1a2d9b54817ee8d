import { buildSeedPlan } from '../checks/__fixtures__/seed-plan';
import { buildLabSpec, newRunId, objectName } from './lab-spec';
import { LABELS } from './types';

describe('buildLabSpec', () => {
  const plan = buildSeedPlan();
  const spec = buildLabSpec(plan, { runId: 'r1', image: 'mptcp-lab/host:abc', subnets: { vlan180: '10.180.0.0/24', vlan181: '10.181.0.0/24' }, tmpfsBytes: 1e9 });

  it('names every network and host from the run id, with the project labels that clean finds', () => {
    expect(spec.networks.map((n) => [n.name, n.subnet, n.gateway, n.internal])).toEqual([
      ['mlab-r1-vlan180', '10.180.0.0/24', '10.180.0.1', true],
      ['mlab-r1-vlan181', '10.181.0.0/24', '10.181.0.1', true],
    ]);
    expect(spec.hosts.map((h) => h.name)).toEqual(['mlab-r1-pc1', 'mlab-r1-pc2']);
    for (const o of [...spec.networks, ...spec.hosts]) {
      expect(o.labels[LABELS.project]).toBe('mptcp-lab');
      expect(o.labels[LABELS.runId]).toBe('r1');
      expect(o.labels[LABELS.owner]).toBe(String(process.pid));
    }
  });
  it('gives each host its address on every path (index + 2), its first path, sysctls, RAM disk and one capability', () => {
    const pc2 = spec.hosts[1]!;
    expect(pc2.addresses).toEqual([
      { path: 'vlan180', network: 'mlab-r1-vlan180', address: '10.180.0.3' },
      { path: 'vlan181', network: 'mlab-r1-vlan181', address: '10.181.0.3' },
    ]);
    expect(pc2.firstPath).toBe('vlan180');
    expect(pc2.sysctls['net.mptcp.enabled']).toBe('1');
    expect(pc2.sysctls['net.ipv4.tcp_congestion_control']).toBe('cubic');
    expect(pc2.tmpfs).toEqual({ path: '/srv/lab', bytes: 1e9 });
    expect(pc2.capabilities).toEqual(['NET_ADMIN']);
  });
  it('adds a reaper session label to every object when given one', () => {
    const s = buildLabSpec(plan, { runId: 'r1', image: 'i', subnets: { vlan180: '10.180.0.0/24', vlan181: '10.181.0.0/24' }, tmpfsBytes: 1, extraLabels: { 'org.testcontainers.session-id': 'abc' } });
    expect([...s.networks, ...s.hosts].every((o) => o.labels['org.testcontainers.session-id'] === 'abc')).toBe(true);
  });
  it('refuses a path with no subnet allocated', () => {
    expect(() => buildLabSpec(plan, { runId: 'r1', image: 'i', subnets: { vlan180: '10.180.0.0/24' }, tmpfsBytes: 1 })).toThrow(/no subnet allocated for path vlan181/);
  });
  it('makes short, distinct run ids that fit interface and Docker names', () => {
    // Thousands in the same few milliseconds: with 2 random bytes, 50 of them collided 2 % of the time (a CI dry run hit it).
    const ids = new Set(Array.from({ length: 20_000 }, () => newRunId()));
    expect(ids.size).toBe(20_000);
    for (const id of ids) expect(objectName(id, 'vlan180').length).toBeLessThanOrEqual(30);
  });
});
