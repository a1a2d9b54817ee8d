/**
 * Who removes a lab when the process that made it dies without cleaning up (SIGKILL, an OOM,
 * a Jest worker killed at its timeout). testcontainers' reaper (Ryuk) does it from a container
 * of its own, but its image must come from a registry; this project's machines have none. So:
 * Ryuk when its image is here or can be pulled, else the lab's own sweep by label
 * (`npm run lab -- clean`, and the owner-pid label that lets `clean` skip live runs).
 * Decided once per process, before testcontainers reads its environment.
 */
import type Docker from 'dockerode';
import { getContainerRuntimeClient, getReaper, LABEL_TESTCONTAINERS_SESSION_ID } from 'testcontainers';

/** testcontainers 11.14's reaper image (its own default; RYUK_CONTAINER_IMAGE overrides it there too). */
export const RYUK_IMAGE = process.env.RYUK_CONTAINER_IMAGE ?? 'testcontainers/ryuk:0.14.0';

export interface ReaperChoice {
  kind: 'ryuk' | 'label-sweep';
  /** Why, in one line (doctor prints it). */
  reason: string;
  /** Labels that put an object under the reaper's watch (the session id), for what dockerode creates. */
  labels: Record<string, string>;
}

let chosen: Promise<ReaperChoice> | undefined;

async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  return docker.getImage(image).inspect().then(() => true, () => false);
}

async function tryPull(docker: Docker, image: string, timeoutMs: number): Promise<string | undefined> {
  const pulled = new Promise<string | undefined>((resolve) => {
    docker.pull(image, (err: Error | null, stream?: NodeJS.ReadableStream) => {
      if (err || !stream) return resolve(err?.message.split('\n')[0] ?? 'no stream');
      docker.modem.followProgress(stream, (e: Error | null) => resolve(e ? e.message : undefined));
    });
  });
  const late = new Promise<string>((r) => setTimeout(() => r(`no answer within ${timeoutMs} ms`), timeoutMs).unref());
  return Promise.race([pulled, late]);
}

/** Decides the reaper for this process (once) and sets testcontainers' environment to match. */
export function chooseReaper(docker: Docker, opts: { pullTimeoutMs?: number } = {}): Promise<ReaperChoice> {
  chosen ??= (async (): Promise<ReaperChoice> => {
    // Without this testcontainers pulls an alpine image to find the host address.
    process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
    if (process.env.TESTCONTAINERS_RYUK_DISABLED === 'true') {
      return { kind: 'label-sweep', reason: 'TESTCONTAINERS_RYUK_DISABLED=true is set: the label sweep (npm run lab -- clean) covers crashed runs', labels: {} };
    }
    let why = `${RYUK_IMAGE} is present`;
    if (!(await imagePresent(docker, RYUK_IMAGE))) {
      const failure = await tryPull(docker, RYUK_IMAGE, opts.pullTimeoutMs ?? 20_000);
      if (failure !== undefined) {
        process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
        return { kind: 'label-sweep', reason: `${RYUK_IMAGE} cannot be pulled (${failure}): the label sweep (npm run lab -- clean) covers crashed runs`, labels: {} };
      }
      why = `${RYUK_IMAGE} was pulled`;
    }
    const reaper = await getReaper(await getContainerRuntimeClient());
    return { kind: 'ryuk', reason: `testcontainers' reaper (${why}) removes a crashed run's containers and networks`, labels: { [LABEL_TESTCONTAINERS_SESSION_ID]: reaper.sessionId } };
  })();
  return chosen;
}
