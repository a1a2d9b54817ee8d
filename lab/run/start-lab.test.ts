import { loadTopologyText } from '../loader';
import { EnvironmentError } from '../model/errors';
import { requireKernelPathManager } from './start-lab';

const topology = (pm: string) => `
description: pm test
hosts:
  pc1: { role: server, mptcp: { pathManager: ${pm} } }
  pc2: { role: client }
paths:
  a: { rate: 1gbit }
  b: { rate: 1gbit }
traffic: { tool: transfer, size: 100MB }
`;

describe('requireKernelPathManager', () => {
  it('accepts the kernel path manager', async () => {
    const plan = await loadTopologyText(topology('kernel'), 'pm.yaml');
    expect(() => requireKernelPathManager(plan)).not.toThrow();
  });
  it('refuses userspace with what is missing and how to get it (exit 3)', async () => {
    const plan = await loadTopologyText(topology('userspace'), 'pm.yaml');
    expect(() => requireKernelPathManager(plan)).toThrow(EnvironmentError);
    expect(() => requireKernelPathManager(plan)).toThrow(/pc1 ask for pathManager: userspace.*mptcpd has no path-manager plugin.*Use pathManager: kernel/s);
  });
});
