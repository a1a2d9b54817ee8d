/**
 * The one way the lab gets a Docker client: dockerode configured from the environment
 * (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, as the docker CLI reads them), checked
 * with a bounded ping so an absent engine fails in seconds with a hint, not a hang.
 */
import Docker from 'dockerode';
import { EnvironmentError } from '../model/errors';

const PING_TIMEOUT_MS = 5_000;
export const INSTALL_HINT = 'Install and start it: apt-get install docker.io && dockerd & (or see README)';

let connected: Promise<Docker> | undefined;

/** Where the client will connect, for error messages. */
export function dockerEndpoint(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** Returns a dockerode client whose engine answered a ping; throws EnvironmentError (exit 3) when it does not. */
export function connectDocker(opts: { timeoutMs?: number } = {}): Promise<Docker> {
  // One client per process: dockerode keeps no connection open, and a second ping buys nothing.
  connected ??= pingNew(opts.timeoutMs ?? PING_TIMEOUT_MS).catch((err: unknown) => {
    connected = undefined;
    throw err;
  });
  return connected;
}

async function pingNew(timeoutMs: number): Promise<Docker> {
  // No options: docker-modem then reads DOCKER_HOST and the TLS variables itself.
  const docker = new Docker();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`no answer to a ping within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    // The typings lack ping's options argument; dockerode 4 accepts { abortSignal }.
    const ping = (docker.ping as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, {
      abortSignal: abort.signal,
    });
    await Promise.race([ping, timeout]);
    return docker;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new EnvironmentError('Docker engine', INSTALL_HINT, `${dockerEndpoint()}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}
