import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabError } from '../model/errors';
import { IMAGE_RECIPE_VERSION, imageInputHash, labImageTag, readImageInputs, type ImageInputs } from './hash';

const base: ImageInputs = { dockerfile: 'FROM debian:bookworm-slim\n', agentSource: 'console.log(1);\n', recipeVersion: 1 };

describe('imageInputHash', () => {
  it('is 12 hex digits and stable for the same inputs', () => {
    expect(imageInputHash(base)).toMatch(/^[0-9a-f]{12}$/);
    expect(imageInputHash({ ...base })).toBe(imageInputHash(base));
  });

  it('changes when the Dockerfile, the agent or the recipe version changes', () => {
    const h = imageInputHash(base);
    expect(imageInputHash({ ...base, dockerfile: base.dockerfile + 'RUN true\n' })).not.toBe(h);
    expect(imageInputHash({ ...base, agentSource: 'console.log(2);\n' })).not.toBe(h);
    expect(imageInputHash({ ...base, recipeVersion: 2 })).not.toBe(h);
  });

  it('does not confuse inputs that only move text from one file to the other', () => {
    const a = imageInputHash({ ...base, dockerfile: 'AB', agentSource: 'C' });
    const b = imageInputHash({ ...base, dockerfile: 'A', agentSource: 'BC' });
    expect(a).not.toBe(b);
  });

  it('names the image mptcp-lab/host:<hash>', () => {
    expect(labImageTag(base)).toBe(`mptcp-lab/host:${imageInputHash(base)}`);
  });
});

describe('readImageInputs', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  it('reads both files and the current recipe version', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mlab-hash-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM x\n');
    await writeFile(path.join(dir, 'agent.ts'), 'export {};\n');
    const inputs = await readImageInputs({ dockerfile: path.join(dir, 'Dockerfile'), agent: path.join(dir, 'agent.ts') });
    expect(inputs).toEqual({ dockerfile: 'FROM x\n', agentSource: 'export {};\n', recipeVersion: IMAGE_RECIPE_VERSION });
  });

  it('says plainly that the agent source is missing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mlab-hash-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM x\n');
    const err = await readImageInputs({ dockerfile: path.join(dir, 'Dockerfile'), agent: path.join(dir, 'agent.ts') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as Error).message).toMatch(/cannot read the lab agent source .*agent\.ts.*ENOENT.*restore it/s);
  });
});
