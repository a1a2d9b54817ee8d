/**
 * The lab image's root filesystem as a directory, for the netns runtime: exported once per
 * image tag (`docker create` + export, unpacked by tar) into
 * /var/cache/mptcp-lab/rootfs-<tag hash>/, then reused without any Docker engine. The tag is
 * the hash of the Dockerfile and the agent, so the tools and the agent are the Docker
 * runtime's, version for version. A directory is complete when it holds `.mlab-complete`;
 * an interrupted export leaves only a `.partial-*` folder, removed on the next export.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { LabError } from '../../model/errors';
import { labImageTag, readImageInputs } from '../../image/hash';

export const ROOTFS_CACHE = process.env.MPTCP_LAB_ROOTFS_CACHE || '/var/cache/mptcp-lab';
const COMPLETE = '.mlab-complete';

/** `mptcp-lab/host:c1c007e98ffd` → `/var/cache/mptcp-lab/rootfs-c1c007e98ffd`. */
export function rootfsDirFor(imageTag: string, cache = ROOTFS_CACHE): string {
  const suffix = imageTag.split(':').pop() ?? '';
  if (!/^[A-Za-z0-9_.-]+$/.test(suffix)) throw new LabError(`image tag "${imageTag}" has no usable suffix for a rootfs folder`);
  return join(cache, `rootfs-${suffix}`);
}

async function isComplete(dir: string): Promise<boolean> {
  return stat(join(dir, COMPLETE)).then(() => true, () => false);
}

export interface RootfsResult {
  dir: string;
  imageTag: string;
  exported: boolean;
  ms: number;
}

/** The tag the current Dockerfile and agent give (no engine needed). */
export async function currentImageTag(): Promise<string> {
  return labImageTag(await readImageInputs());
}

/**
 * The rootfs directory for the current lab image: reused when complete, else the image is
 * ensured (lab/image, which needs Docker) and exported. Concurrent exports each write their
 * own partial folder; the first rename wins.
 */
export async function ensureRootfs(opts: { onStep?: (s: string) => void; cache?: string } = {}): Promise<RootfsResult> {
  const t0 = Date.now();
  const tag = await currentImageTag();
  const dir = rootfsDirFor(tag, opts.cache);
  if (await isComplete(dir)) return { dir, imageTag: tag, exported: false, ms: Date.now() - t0 };
  opts.onStep?.(`exporting the lab image ${tag} to ${dir} (once per image)`);
  const { ensureLabImage } = await import('../../image/build');
  const { connectDocker } = await import('../docker-client');
  const docker = await connectDocker();
  const image = await ensureLabImage({ docker });
  if (image.tag !== tag) throw new LabError(`the lab image is ${image.tag}, expected ${tag}`);
  await exportImage(docker, tag, dir);
  // Every Dockerfile or agent change makes a new tag (and 250 MB here): drop the ones no lab uses.
  const pruned = await pruneRootfsCache(dir);
  if (pruned.length > 0) opts.onStep?.(`removed unused image roots: ${pruned.join(', ')}`);
  return { dir, imageTag: tag, exported: true, ms: Date.now() - t0 };
}

/** Directories some process has as its root (a running netns lab's holders and commands), from /proc/PID/root. */
async function rootsInUse(): Promise<Set<string>> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((e) => /^\d+$/.test(e));
  const roots = await Promise.all(pids.map((p) => readlink(`/proc/${p}/root`).catch(() => '/')));
  return new Set(roots.filter((r) => r !== '/'));
}

/**
 * Removes every `rootfs-*` folder of the cache but `keep`, unless a process still has its
 * root there (another lab of an older image is running). Returns the folders removed.
 */
export async function pruneRootfsCache(keep: string, cache = join(keep, '..')): Promise<string[]> {
  const inUse = await rootsInUse();
  const removed: string[] = [];
  for (const e of await readdir(cache).catch(() => [] as string[])) {
    const dir = join(cache, e);
    if (!e.startsWith('rootfs-') || dir === keep) continue;
    if ([...inUse].some((r) => r === dir || r.startsWith(`${dir}/`))) continue;
    // Unmark first: a half-removed folder is then never taken for a complete one.
    await rm(join(dir, COMPLETE), { force: true });
    await rm(dir, { recursive: true, force: true });
    removed.push(e);
  }
  return removed;
}

async function exportImage(docker: Docker, tag: string, dir: string): Promise<void> {
  const cache = join(dir, '..');
  await mkdir(cache, { recursive: true });
  for (const e of await readdir(cache)) if (e.startsWith('.partial-')) await rm(join(cache, e), { recursive: true, force: true }).catch(() => undefined);
  const partial = join(cache, `.partial-${process.pid}-${Date.now()}`);
  await mkdir(partial);
  const container = await docker.createContainer({ Image: tag, Cmd: ['true'], Labels: { 'io.mptcp-lab.project': 'mptcp-lab', 'io.mptcp-lab.role': 'rootfs-export' } });
  try {
    const stream = await container.export();
    await untar(stream, partial);
    // Mount points the holder needs, present whatever the image's layers hold.
    for (const d of ['proc', 'sys', 'dev', 'tmp', 'run', 'srv/lab']) await mkdir(join(partial, d), { recursive: true });
    await writeFile(join(partial, COMPLETE), `${tag}\n`);
    await rename(partial, dir).catch(async (e: NodeJS.ErrnoException) => {
      // Another process finished first: keep its copy.
      if ((e.code === 'ENOTEMPTY' || e.code === 'EEXIST') && (await isComplete(dir))) return;
      throw e;
    });
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
  }
}

function untar(stream: NodeJS.ReadableStream, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-x', '-C', dir, '--numeric-owner'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    tar.stderr.on('data', (b: Buffer) => (err += b.toString()));
    tar.once('error', (e) => reject(new LabError(`cannot run tar to unpack the lab image: ${e.message}`, { cause: e })));
    tar.once('close', (code) => (code === 0 ? resolve() : reject(new LabError(`unpacking the lab image failed (tar exit ${code}): ${err.trim()}`))));
    stream.on('error', (e: Error) => {
      tar.kill();
      reject(new LabError(`exporting the lab image failed: ${e.message}`, { cause: e }));
    });
    stream.pipe(tar.stdin);
  });
}
