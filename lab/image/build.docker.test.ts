/** ensureLabImage against the real engine: warm path, labels, one build under concurrency, build errors. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { LabError } from '../model/errors';
import { connectDocker } from '../runtime/docker-client';
import { ensureLabImage } from './build';
import { describeUnless, dockerUnavailable } from './docker-for-tests';
import { AGENT_SOURCE_PATH, DOCKERFILE_PATH, LAB_IMAGE_REPO } from './hash';

const describeDocker = describeUnless(dockerUnavailable(), __filename);

jest.setTimeout(600_000);

describeDocker('ensureLabImage', () => {
  let docker: Docker;
  const made: string[] = [];
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mlab-build-test-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    docker = await connectDocker();
  });

  afterAll(async () => {
    // Only the tags this test made from its own inputs; the real image stays.
    for (const tag of made) await docker.getImage(tag).remove().catch(() => undefined);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('returns at once, with one inspect, when the image is there; it is labelled and tagged latest', async () => {
    const first = await ensureLabImage({ docker });
    expect(first.tag).toMatch(new RegExp(`^${LAB_IMAGE_REPO}:[0-9a-f]{12}$`));
    const warm = await ensureLabImage({ docker });
    expect(warm).toMatchObject({ tag: first.tag, built: false });
    expect(warm.ms).toBeLessThan(1_000);
    const info = await docker.getImage(first.tag).inspect();
    expect(info.Config.Labels?.['io.mptcp-lab.project']).toBe('mptcp-lab');
    if (first.built) expect((await docker.getImage(`${LAB_IMAGE_REPO}:latest`).inspect()).Id).toBe(info.Id);
  });

  it('builds once when two callers race for a missing image', async () => {
    const dir = await tempDir();
    const agent = path.join(dir, 'agent.ts');
    await writeFile(agent, `${await readFile(AGENT_SOURCE_PATH, 'utf8')}\n// build test ${process.pid} ${Date.now()}\n`);
    const sources = { dockerfile: DOCKERFILE_PATH, agent };
    const [a, b] = await Promise.all([ensureLabImage({ docker, sources }), ensureLabImage({ docker, sources })]);
    made.push(a.tag);
    expect(a.tag).toBe(b.tag);
    expect([a.built, b.built].sort()).toEqual([false, true]);
    const ran = spawnSync('docker', ['run', '--rm', '--network', 'none', '--label', 'io.mptcp-lab.project=mptcp-lab', a.tag, 'tail', '-n', '1', '/opt/mptcp-lab/agent.js'], { encoding: 'utf8' });
    expect(ran.stdout).toContain(`build test ${process.pid}`);
  });

  it("fails with the build's own error text", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'Dockerfile'), `FROM debian:bookworm-slim\nRUN echo boom-${process.pid} >&2; exit 3\n`);
    await writeFile(path.join(dir, 'agent.ts'), 'export {};\n');
    const err = await ensureLabImage({ docker, sources: { dockerfile: path.join(dir, 'Dockerfile'), agent: path.join(dir, 'agent.ts') } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as Error).message).toMatch(/docker build of mptcp-lab\/host:[0-9a-f]{12} failed: The command .* returned a non-zero code: 3/);
    expect((err as Error).message).toContain(`boom-${process.pid}`);
  });
});
