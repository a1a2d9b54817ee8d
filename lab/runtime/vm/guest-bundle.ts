/**
 * guest-main.ts as one CommonJS file, made on the host with esbuild (tsx's own compiler) so
 * the guest's Node starts it without compiling TypeScript under emulation: tsx compiles every
 * file on each start, and a TCG guest's fresh /tmp holds no tsx cache. Packages stay external
 * (resolved from the repo's node_modules, which the guest sees); each file's `__dirname` is
 * replaced by its own folder, so paths the lab finds next to its sources (topologies, the
 * report's assets, the image inputs) are the same as unbundled, and a module's
 * `require.main === module` (the agent's own command line) is false. Cached by the sources' hash.
 * Falls back to `--import tsx` when esbuild cannot be loaded.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashOf, vmCacheDir, writeAtomic } from './cache';

/** Bumped when the bundling itself changes (part of the cache key). */
const BUNDLE_FORMAT = 2;

/** Every .ts file under `dir` (tests and fixtures excluded), with its size and mtime. */
function sourceStamp(dir: string): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '__fixtures__' && e.name !== 'node_modules') out.push(...sourceStamp(p));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
      const st = statSync(p);
      out.push([p, st.size, Math.round(st.mtimeMs)]);
    }
  }
  return out;
}

/** The node argv (after the node binary) that starts `entry` in the guest: a cached bundle, or tsx. */
export async function guestEntryArgv(entry: string, labDir: string, cacheDir?: string): Promise<string[]> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return ['--import', 'tsx', entry];
  }
  const dir = vmCacheDir(cacheDir);
  const file = join(dir, `guest-main-${hashOf([entry, sourceStamp(labDir), esbuild.version, BUNDLE_FORMAT]).slice(0, 16)}.cjs`);
  try {
    statSync(file);
    return [file];
  } catch {
    /* build it */
  }
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    absWorkingDir: dirname(labDir),
    plugins: [
      {
        name: 'own-dirname',
        setup(build) {
          // A module's own `require.main === module` (the agent's command line) is the bundle's, so true for all: only the entry's may be.
          build.onLoad({ filter: /\.ts$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8')
              .replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path)))
              .replace(/require\.main === module/g, args.path === entry ? '$&' : 'false'),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  writeAtomic(file, Buffer.from(result.outputFiles[0]!.contents));
  return [file];
}
