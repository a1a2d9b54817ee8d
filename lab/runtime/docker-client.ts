/**
 * The one way the lab gets a Docker client: dockerode configured from the environment
 * (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, as the docker CLI reads them), checked
 * with a bounded ping so an absent engine fails in seconds with a hint, not a hang.
 */
import Docker from 'dockerode';
import { EnvironmentError } from '../model/errors';
import { isEngineUnreachable } from './lifecycle';

const PING_TIMEOUT_MS = 5_000;
export const INSTALL_HINT = 'Install and start it: apt-get install docker.io && dockerd & (or see README)';
export const SOCKET_HINT = 'Run the lab as root (sudo npm run lab -- ...), or add the user to the docker group (sudo usermod -aG docker $USER, then log in again)';

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
    // The engine runs but this user may not talk to it: installing it again is the wrong advice.
    if ((err as NodeJS.ErrnoException).code === 'EACCES') throw new EnvironmentError('permission on the Docker socket', SOCKET_HINT, `${dockerEndpoint()}: ${reason}`);
    throw new EnvironmentError('Docker engine', INSTALL_HINT, `${dockerEndpoint()}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}

export { isEngineUnreachable };

/**
 * A lost engine's reason names where the client connected: `connect ENOENT /var/run/docker.sock`
 * does, but a connection the stopping engine reset mid-answer reads only `read ECONNRESET`.
 */
export function withEndpoint(message: string, endpoint = dockerEndpoint()): string {
  const where = endpoint.replace(/^unix:\/\//, '');
  return message.includes(where) ? message : `${message} (${endpoint})`;
}

export interface EngineWatch {
  /** The first time the engine did not answer (ms on the given clock) and why; undefined while it answers. */
  readonly lost: { atMs: number; reason: string } | undefined;
  /** Lab containers that died during the watch (a `die` event of the run's label), first first. */
  readonly died: ReadonlyArray<{ atMs: number; name: string; exitCode?: string }>;
  /**
   * Pings now (bounded) and returns `lost`: for the moment a failure is being explained. With
   * `graceMs`, keeps asking until the engine is lost or the grace is over: a stopping dockerd
   * kills its containers while its API still answers for a moment.
   */
  checkNow(graceMs?: number): Promise<EngineWatch['lost']>;
  stop(): void;
}

/**
 * Watches the engine during a run with a ping every `everyMs` (an unref'd timer: it never keeps
 * the process alive), so that when the engine goes away the FIRST cause can be reported instead
 * of the errors that follow from it (a failed transfer, a teardown's `connect ENOENT`).
 */
export function watchEngine(docker: Docker, opts: { clock?: () => number; everyMs?: number; runLabel?: string } = {}): EngineWatch {
  const clock = opts.clock ?? (() => performance.now());
  let lost: EngineWatch['lost'];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const died: Array<{ atMs: number; name: string; exitCode?: string }> = [];
  let events: NodeJS.ReadableStream & { destroy?: () => void } | undefined;
  if (opts.runLabel) {
    // Containers of this run that die (docker kill, OOM, the engine stopping them): the first cause of what follows.
    docker.getEvents({ filters: { type: ['container'], event: ['die'], label: [opts.runLabel] } }).then(
      (stream) => {
        events = stream as typeof events;
        if (stopped) return events?.destroy?.();
        let buf = '';
        stream.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            try {
              const ev = JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } };
              const a = ev.Actor?.Attributes ?? {};
              died.push({ atMs: clock(), name: a.name ?? '?', exitCode: a.exitCode });
            } catch {
              // Not an event line.
            }
          }
        });
        // The engine closing its event stream is the moment it went away (it kills the containers
        // first, so their die events arrive just before): ping then, not up to 500 ms later, when a
        // quick restart may already answer and the deaths would wrongly read as the first cause.
        const gone = () => void (stopped || lost ? undefined : ping());
        stream.on('end', gone);
        stream.on('close', gone);
        stream.on('error', gone);
      },
      () => undefined,
    );
  }
  const ping = async (): Promise<void> => {
    const at = clock();
    const abort = new AbortController();
    const t = setTimeout(() => abort.abort(), 2_000);
    try {
      await (docker.ping as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, { abortSignal: abort.signal });
    } catch (e) {
      // A slow answer on a loaded machine is not a lost engine; a refused or missing socket is.
      if (!lost && isEngineUnreachable(e)) lost = { atMs: at, reason: withEndpoint((e as Error).message) };
    } finally {
      clearTimeout(t);
    }
  };
  const loop = () => {
    if (stopped) return;
    void ping().then(() => {
      if (!stopped) timer = setTimeout(loop, opts.everyMs ?? 500).unref();
    });
  };
  timer = setTimeout(loop, opts.everyMs ?? 500).unref();
  return {
    get lost() {
      return lost;
    },
    died,
    async checkNow(graceMs = 0) {
      const until = clock() + graceMs;
      if (!lost) await ping();
      while (!lost && clock() < until) {
        await new Promise((r) => setTimeout(r, 250));
        await ping();
      }
      return lost;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      events?.destroy?.();
    },
  };
}
