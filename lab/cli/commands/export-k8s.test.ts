import { TopologyError } from '../../model/errors';
import { exportK8sCommand } from './export-k8s';

describe('export-k8s', () => {
  it('writes one Job for every cell of the sweep', async () => {
    const r = await exportK8sCommand(['two-vlan', '--matrix', 'rate=100mbit,1gbit', '--repeat', '2']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('kind: Job');
    expect(r.stdout).toMatch(/completions: 4\b/);
  });

  it('refuses a cell the loader refuses before any pod would start: jitter on two-vlan, which has no delay', async () => {
    await expect(exportK8sCommand(['two-vlan', '--matrix', 'jitter=5ms'])).rejects.toThrow(TopologyError);
  });
});
