/**
 * ensureLabImage: the lab host image for the current Dockerfile and agent, built only when
 * its tag is missing. Warm path: one image inspect. Cold path: base image (pull or
 * debootstrap), then `docker build` of a two-file context, under a machine-wide lock.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { LabError } from '../model/errors';
import { connectDocker } from '../runtime/docker-client';
import { BASE_IMAGE, ensureBaseImage, imageExists, type BaseOutcome } from './base';
import { IMAGE_RECIPE_VERSION, LAB_IMAGE_REPO, labImageTag, readImageInputs, type ImageInputs } from './hash';
import { acquireLock } from './lock';
import { IMAGE_PREFIX, isProgressMilestone, realClock, startHeartbeat, type Progress, type ProgressClock } from './progress';

export { isProgressMilestone };

export interface EnsureImageOptions {
  /** Progress lines (`Step 3/6 : RUN ...`), with a 0..1 fraction when one is known. */
  onProgress?: (msg: string, fraction?: number) => void;
  /** Build even if the tag exists, without Docker's layer cache. */
  force?: boolean;
  /** A client to reuse; otherwise connectDocker(). */
  docker?: Docker;
  /** Other input files (tests): the result is then neither tagged `latest` nor allowed to prune older images. */
  sources?: { dockerfile?: string; agent?: string };
  /** Tests: the clock behind the heartbeat, and the lock file (default: the machine-wide one). */
  clock?: ProgressClock;
  lockFile?: string;
}

export interface EnsureImageResult {
  tag: string;
  built: boolean;
  ms: number;
  /** Set when a build happened: how the base image was obtained. */
  base?: BaseOutcome;
}

let defaultProgress: Progress | undefined;

/**
 * Where builds started without `onProgress` report: the CLI sets it, because the first
 * build of a run can happen deep inside another step (the host probe needs the image too).
 */
export function setDefaultImageProgress(fn: Progress | undefined): void {
  defaultProgress = fn;
}

/** Returns the tag of a lab image matching the current inputs, building it (and its base) only when missing. */
export async function ensureLabImage(opts: EnsureImageOptions = {}): Promise<EnsureImageResult> {
  const t0 = Date.now();
  const inputs = await readImageInputs(opts.sources);
  const tag = labImageTag(inputs);
  const docker = opts.docker ?? (await connectDocker());
  if (!opts.force && (await imageExists(docker, tag))) return { tag, built: false, ms: Date.now() - t0 };

  // From here on a first run may take a minute or two: say so now, then never go quiet for long.
  const heartbeat = startHeartbeat(opts.onProgress ?? defaultProgress ?? (() => {}), { clock: opts.clock ?? realClock });
  const say = heartbeat.say;
  say(`${IMAGE_PREFIX}${tag} ${opts.force ? 'rebuilding (--force)' : 'is not built yet: building it once'} (base image ${BASE_IMAGE}, apt packages, the lab agent; about 1-2 min)`, 0);
  const release = await acquireLock(opts.lockFile, (holder) => say(`waiting for another image build (${holder})`)).catch((e: unknown) => {
    heartbeat.stop();
    throw e;
  });
  try {
    // Whoever held the lock may just have built it.
    if (!opts.force && (await imageExists(docker, tag))) return { tag, built: false, ms: Date.now() - t0 };
    const base = await ensureBaseImage(docker, say);
    const previous = opts.force ? await docker.getImage(tag).inspect().then((i) => i.Id, () => undefined) : undefined;
    await buildFromInputs(docker, inputs, tag, !!opts.force, say);
    if (!opts.sources || previous) say(`${IMAGE_PREFIX}tagging ${tag}${opts.sources ? '' : ` as ${LAB_IMAGE_REPO}:latest`} and removing older lab images`);
    if (!opts.sources) {
      await docker.getImage(tag).tag({ repo: LAB_IMAGE_REPO, tag: 'latest' });
      await pruneOldLabImages(docker, tag);
    }
    // A forced rebuild leaves the old image untagged; drop it unless a container still uses it.
    if (previous) await docker.getImage(previous).remove().catch(() => undefined);
    say(`built ${tag} in ${((Date.now() - t0) / 1000).toFixed(1)} s`, 1);
    return { tag, built: true, ms: Date.now() - t0, base };
  } finally {
    heartbeat.stop();
    await release();
  }
}

/** Keeps the two newest earlier lab images (a run may still use one) and removes the rest; images in use refuse removal. */
async function pruneOldLabImages(docker: Docker, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [`${LAB_IMAGE_REPO}:*`] } }).catch(() => []);
  const older = images
    .filter((i) => !(i.RepoTags ?? []).includes(keep) && !(i.RepoTags ?? []).includes(`${LAB_IMAGE_REPO}:latest`))
    .sort((a, b) => b.Created - a.Created)
    .slice(2);
  for (const image of older) {
    for (const ref of image.RepoTags ?? []) await docker.getImage(ref).remove().catch(() => undefined);
  }
}

/**
 * The agent as the image's Node 18 runs it: CommonJS, ES2020, types erased. TypeScript is
 * loaded here, only when an image is built: loading it costs about 0.4 s of CPU, which every
 * lab run paid at start when it was imported at the top.
 */
export async function compileAgent(source: string): Promise<string> {
  const { default: ts } = await import('typescript');
  const out = ts.transpileModule(source, {
    fileName: 'agent.ts',
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, removeComments: false },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ');
    throw new LabError(`lab/agent/agent.ts does not compile: ${text}`);
  }
  return out.outputText;
}

async function buildFromInputs(
  docker: Docker,
  inputs: ImageInputs,
  tag: string,
  noCache: boolean,
  say: NonNullable<EnsureImageOptions['onProgress']>,
): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mptcp-lab-image-'));
  try {
    await writeFile(path.join(dir, 'Dockerfile'), inputs.dockerfile);
    say(`${IMAGE_PREFIX}compiling the lab agent, then docker build (apt-get installs the lab tools: the longest step)`);
    await writeFile(path.join(dir, 'agent.js'), await compileAgent(inputs.agentSource));
    // dockerode packs {context, src} with tar-fs itself; no tar CLI, no extra dependency.
    const stream = await docker.buildImage(
      { context: dir, src: ['Dockerfile', 'agent.js'] },
      {
        t: tag,
        rm: true,
        forcerm: true,
        nocache: noCache,
        labels: { 'io.mptcp-lab.project': 'mptcp-lab', 'io.mptcp-lab.input-hash': tag.split(':')[1] ?? '', 'io.mptcp-lab.recipe': String(IMAGE_RECIPE_VERSION) },
      },
    );
    await followBuild(docker, stream, tag, say);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

function followBuild(docker: Docker, stream: NodeJS.ReadableStream, tag: string, say: NonNullable<EnsureImageOptions['onProgress']>): Promise<void> {
  const tail: string[] = [];
  let fraction: number | undefined;
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err, events: BuildEvent[]) => {
        const failed = err?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new LabError(`docker build of ${tag} failed: ${failed}\n${tail.join('\n')}`));
        else resolve();
      },
      (e: BuildEvent) => {
        for (const line of (e.stream ?? '').split('\n').map((l) => l.trimEnd()).filter(Boolean)) {
          tail.push(line);
          if (tail.length > 25) tail.shift();
          const step = /^Step (\d+)\/(\d+) :/.exec(line);
          if (step) fraction = (Number(step[1]) - 1) / Number(step[2]);
          say(line, fraction);
        }
      },
    );
  });
}
