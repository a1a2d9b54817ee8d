/** probeHost against the real engine and kernel. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { describeUnless, dockerUnavailable } from '../image/docker-for-tests';
import { connectDocker } from './docker-client';
import { probeHost } from './probe';
import { LABELS } from './types';

const describeDocker = describeUnless(dockerUnavailable(), __filename);

jest.setTimeout(600_000);

describeDocker('probeHost', () => {
  let docker: Docker;
  beforeAll(async () => {
    docker = await connectDocker();
  });

  it('tries the qdiscs in a throwaway container and removes it', async () => {
    const caps = await probeHost({ fresh: true, docker });
    expect(caps.docker.ok).toBe(true);
    expect(caps.docker.apiVersion).toMatch(/^1\.\d+$/);
    expect(caps.details.qdiscProbe).toBe('ok');
    expect(caps.mptcp.ok).toBe(true);
    // tbf is in every kernel a lab can run on; netem varies by host, so only its explanation is checked.
    expect(caps.qdiscs.tbf).toBe(true);
    if (!caps.qdiscs.netem) expect(caps.details.failures.netem).toMatch(/unknown|not supported|No such/i);
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.role}=probe`, `${LABELS.owner}=${process.pid}`] } });
    expect(left).toEqual([]);
  });

  it('answers from the process cache afterwards', async () => {
    const t0 = Date.now();
    const memo = await probeHost({ docker });
    expect(Date.now() - t0).toBeLessThan(50);
    expect(memo.details.qdiscProbe).toBe('ok');
  });

  it('answers a later process from the disk cache, without a container', () => {
    const script = "require('./probe').probeHost().then(c => console.log(JSON.stringify({ cached: c.details.cached, qdiscs: c.qdiscs })))";
    const tsx = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const r = spawnSync(tsx, ['-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { cached: boolean; qdiscs: unknown };
    expect(out.cached).toBe(true);
  });
});
