/**
 * For the *.docker.test.ts files (lab/image, lab/runtime, lab/compose): whether a Docker
 * engine answers, decided SYNCHRONOUSLY while Jest collects tests (describe callbacks cannot
 * await), and a `describe` that skips with the reason in its name when something is missing.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** Why Docker tests cannot run here (`Docker engine not reachable (...)`), or undefined when an engine answered a ping. */
export function dockerUnavailable(): string | undefined {
  const ping = spawnSync(process.execPath, ['-e', "new (require('dockerode'))().ping().then(()=>process.exit(0),e=>{console.error(e.message);process.exit(1)})"], {
    cwd: __dirname,
    timeout: 10_000,
    encoding: 'utf8',
  });
  return ping.status === 0 ? undefined : `Docker engine not reachable (${(ping.stderr || ping.error?.message || '').trim()})`;
}

/**
 * `describe` when `skip` is undefined; otherwise `describe.skip` with `(skipped: REASON)` in the
 * name, and a warning naming the test file, so a skip is never silent.
 */
export function describeUnless(skip: string | undefined, testFile: string): (name: string, fn: () => void) => void {
  if (!skip) return describe;
  console.warn(`${path.basename(testFile)} skipped: ${skip}`);
  return (name, fn) => describe.skip(`${name} (skipped: ${skip})`, fn);
}
