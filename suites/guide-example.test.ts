import { readFileSync } from 'node:fs';
import { loadTopology, startLab, writeReports } from '../lab';

test('two-vlan at 350 MB over 2 x 500 Mbit/s: vlan180 carried what its veth counted, and no check failed', async () => {
  const plan = loadTopology('two-vlan', { size: '350MB', rate: '500mbit' });
  await using lab = await startLab(plan);
  const veth = lab.hosts[plan.traffic.receiver]!.interfaces.vlan180!.hostVeth;
  const txBytes = () => Number(readFileSync(`/sys/class/net/${veth}/statistics/tx_bytes`, 'utf8'));
  const before = txBytes();
  const { record, checks } = await lab.measure();
  const own = txBytes() - before;
  await writeReports(record, checks, `reports/suites/guide-example/${lab.runId}`);
  const recorded = record.paths.find((p) => p.path === 'vlan180')!.totalBytes;
  expect({ recorded, own, within5pct: Math.abs(recorded - own) <= 0.05 * own }).toEqual({ recorded, own, within5pct: true });
  expect(checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => `${c.name}: ${c.measured}, expected ${c.expected}`)).toEqual([]);
}, 180_000);
