/**
 * What the lab image is made of, and the tag that names it: `mptcp-lab/host:<12 hex>`,
 * a hash of the Dockerfile, the agent's source and the recipe version. Same inputs, same
 * tag: a present tag means the image is current and nothing needs building.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LabError } from '../model/errors';

/** Bump when build.ts or base.ts change what ends up in the image (the files alone do not show it). */
export const IMAGE_RECIPE_VERSION = 1;
export const LAB_IMAGE_REPO = 'mptcp-lab/host';
export const LAB_IMAGE_LATEST = `${LAB_IMAGE_REPO}:latest`;

const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DOCKERFILE_PATH = path.join(REPO_ROOT, 'lab', 'image', 'Dockerfile');
export const AGENT_SOURCE_PATH = path.join(REPO_ROOT, 'lab', 'agent', 'agent.ts');

export interface ImageInputs {
  dockerfile: string;
  agentSource: string;
  recipeVersion: number;
}

/** 12 hex digits of SHA-256 over the image's inputs, each length-prefixed so no two input sets collide by concatenation. */
export function imageInputHash(inputs: ImageInputs): string {
  const h = createHash('sha256');
  for (const part of [`recipe:${inputs.recipeVersion}`, inputs.dockerfile, inputs.agentSource]) {
    h.update(`${Buffer.byteLength(part)}:`).update(part);
  }
  return h.digest('hex').slice(0, 12);
}

/** The tag of the image built from these inputs. */
export function labImageTag(inputs: ImageInputs): string {
  return `${LAB_IMAGE_REPO}:${imageInputHash(inputs)}`;
}

/** Reads the Dockerfile and the agent source; a missing agent is a broken checkout, said plainly. */
export async function readImageInputs(
  paths: { dockerfile?: string; agent?: string } = {},
): Promise<ImageInputs> {
  const dockerfilePath = paths.dockerfile ?? DOCKERFILE_PATH;
  const agentPath = paths.agent ?? AGENT_SOURCE_PATH;
  const read = async (file: string, what: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      throw new LabError(
        `cannot read ${what} (${path.relative(process.cwd(), file) || file}): ${(e as Error).message}. ` +
          `The lab image is built from it; restore it from the repository.`,
        { cause: e },
      );
    }
  };
  const [dockerfile, agentSource] = await Promise.all([
    read(dockerfilePath, 'the lab image Dockerfile'),
    read(agentPath, 'the lab agent source'),
  ]);
  return { dockerfile, agentSource, recipeVersion: IMAGE_RECIPE_VERSION };
}
