/**
 * The base image `debian:bookworm-slim`: present, pulled (users with a registry), or made
 * here with mmdebstrap (else debootstrap) and `docker import` (machines without a registry, like CI's).
 */
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import { EnvironmentError, LabError } from '../model/errors';
import { formatCommand } from '../runtime/exec';
import { BASE_IMAGE, BOOTSTRAPPERS, BOOTSTRAP_HINT, IMPORT_CHANGES, bootstrapArgv, findBootstrapper, finishTree, makeTreeDir, mirror, removeTree, type Bootstrapper, type BootstrapTool } from './base-tree';

export { BASE_IMAGE };
const PULL_IDLE_MS = 20_000;
const PULL_TOTAL_MS = 10 * 60_000;
const BOOTSTRAP_TIMEOUT_MS = 20 * 60_000;

type Progress = (msg: string, fraction?: number) => void;

/** How the base came to be there, and how long that took. */
export interface BaseOutcome {
  how: 'present' | 'pulled' | BootstrapTool;
  ms: number;
}

/** True when Docker has the image locally; errors other than "no such image" propagate. */
export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

/** Makes sure `debian:bookworm-slim` exists locally: pull with a bounded wait, else bootstrap a tree + import. */
export async function ensureBaseImage(docker: Docker, onProgress: Progress = () => {}): Promise<BaseOutcome> {
  const t0 = Date.now();
  if (await imageExists(docker, BASE_IMAGE)) return { how: 'present', ms: 0 };
  onProgress(`pulling ${BASE_IMAGE}`);
  try {
    await pull(docker, BASE_IMAGE);
    return { how: 'pulled', ms: Date.now() - t0 };
  } catch (e) {
    onProgress(`cannot pull ${BASE_IMAGE} (${(e as Error).message.split('\n')[0]}); building it locally`);
  }
  const how = await bootstrapBase(docker, onProgress);
  return { how, ms: Date.now() - t0 };
}

function pull(docker: Docker, ref: string): Promise<void> {
  const abort = new AbortController();
  return new Promise<void>((resolve, reject) => {
    // A hanging registry sends nothing: give up after a quiet spell, or a long total.
    let idle: NodeJS.Timeout;
    const quiet = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(new Error(`no progress for ${PULL_IDLE_MS / 1000} s`)), PULL_IDLE_MS);
    };
    const total = setTimeout(() => fail(new Error(`not done after ${PULL_TOTAL_MS / 1000} s`)), PULL_TOTAL_MS);
    const fail = (err: Error): void => {
      clearTimeout(idle);
      clearTimeout(total);
      abort.abort();
      reject(err);
    };
    quiet();
    docker.pull(ref, { abortSignal: abort.signal }).then(
      (stream: NodeJS.ReadableStream) =>
        docker.modem.followProgress(
          stream,
          (err, out) => {
            const failed = err ?? (out as Array<{ error?: string }>).find((o) => o.error)?.error;
            if (failed) return fail(failed instanceof Error ? failed : new Error(String(failed)));
            clearTimeout(idle);
            clearTimeout(total);
            resolve();
          },
          quiet,
        ),
      (err: Error) => fail(err),
    );
  });
}

function requireBootstrapper(): Bootstrapper {
  const found = findBootstrapper();
  if (found) return found;
  throw new EnvironmentError(
    BOOTSTRAPPERS.join(' or '),
    `${BOOTSTRAP_HINT}: it builds the Debian base image when no container registry is reachable`,
    `${BASE_IMAGE} is not present and cannot be pulled`,
  );
}

async function bootstrapBase(docker: Docker, onProgress: Progress): Promise<BootstrapTool> {
  const bootstrapper = requireBootstrapper();
  const { tool } = bootstrapper;
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError('root', `run the lab as root once to build ${BASE_IMAGE} with ${tool}, or give Docker a registry`);
  }
  const dir = makeTreeDir();
  try {
    const t0 = Date.now();
    onProgress(`lab image: making ${BASE_IMAGE} with ${tool} from ${mirror()} (no registry; about ${tool === 'mmdebstrap' ? '30-40' : '45-65'} s, once)`);
    await run(bootstrapArgv(bootstrapper, dir), BOOTSTRAP_TIMEOUT_MS, (line) => onProgress(`${tool}: ${line}`));
    onProgress(`${tool} done in ${((Date.now() - t0) / 1000).toFixed(1)} s; importing ${BASE_IMAGE}`);
    finishTree(dir);
    await importDir(docker, dir);
    return tool;
  } finally {
    removeTree(dir);
  }
}

function run(argv: string[], timeoutMs: number, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const take = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => reject(new LabError(`cannot run ${formatCommand(argv)}: ${e.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = signal === 'SIGKILL' ? `did not finish within ${timeoutMs / 1000} s` : `exited with ${code ?? signal}`;
      reject(new LabError(`\`${formatCommand(argv)}\` ${why}:\n${tail.join('\n')}`));
    });
  });
}

/** `tar -C DIR -c . | docker import - debian:bookworm-slim`, with tar's stdout streamed into the Engine API. */
async function importDir(docker: Docker, dir: string): Promise<void> {
  const argv = ['tar', '--numeric-owner', '-C', dir, '-c', '.'];
  const tar = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarErr = '';
  tar.stderr.on('data', (b: Buffer) => (tarErr += b.toString()));
  const tarDone = new Promise<number>((resolve) => tar.on('close', (code) => resolve(code ?? -1)));
  const [repo, tag] = BASE_IMAGE.split(':');
  const stream = await docker.importImage(tar.stdout, {
    repo,
    tag,
    changes: [...IMPORT_CHANGES],
  } as unknown as Record<string, unknown>);
  const out = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (err, res) => (err ? reject(err) : resolve(res))),
  );
  const code = await tarDone;
  const failed = out.find((o) => o.error)?.error;
  if (code !== 0 || failed) throw new LabError(`importing ${BASE_IMAGE} failed: ${failed ?? `tar exited ${code}: ${tarErr}`}`);
}
