/**
 * Several Docker engines for one sweep (`--engine NAME|URL`, repeatable; `--per-engine N`).
 *
 * A lab needs all its paths on one kernel, and the lab process reads its hosts' veths and
 * /proc on the Docker host itself, so engines share whole cells, never a lab. Each cell runs
 * as its own `npm run lab` process with that engine's DOCKER_HOST (and TLS variables) in its
 * environment: the run path's connectDocker() then talks to that engine with no change, and
 * every process-wide thing (the one cached client, signal handlers, the teardown registry,
 * the image progress) stays per cell. Cells are given to the engines round robin (cell k to
 * engine k mod E, at most N at a time on each); when an engine stops answering, its cell in
 * flight and its queue are dealt round robin to the engines still up, and each such move is
 * recorded in the cell's cell.json (and so in the summary).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, stat } from 'node:fs/promises';
import { hostname, homedir, release } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { EnvironmentError, UsageError } from '../model/errors';
import type { CellAttempt, EngineRef } from './shard';

/** An engine as `--engine` named it, with what a child process needs to reach it. */
export interface EngineSpec {
  /** As given (a context name or a URL), or `default`. */
  name: string;
  /** unix:///..., tcp://host:port, ssh://user@host. */
  endpoint: string;
  /** DOCKER_HOST, and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH when the engine uses TLS (undefined: unset it). */
  env: Record<string, string | undefined>;
}

const DEFAULT_SOCKET = 'unix:///var/run/docker.sock';
const SCHEMES = ['unix:', 'tcp:', 'ssh:'];

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

/** The docker CLI's config folder: $DOCKER_CONFIG or ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

/** The contexts `docker context create` made: meta/<sha256 of the name>/meta.json, their TLS files under tls/<same>/docker/. */
export async function listContexts(configDir: string): Promise<Array<{ name: string; host: string; skipTlsVerify: boolean; tlsDir?: string }>> {
  const metaRoot = join(configDir, 'contexts', 'meta');
  const dirs = await readdir(metaRoot).catch(() => [] as string[]);
  const out: Array<{ name: string; host: string; skipTlsVerify: boolean; tlsDir?: string }> = [];
  for (const d of dirs) {
    const meta = await readFile(join(metaRoot, d, 'meta.json'), 'utf8').then((t) => JSON.parse(t) as ContextMeta, () => undefined);
    const host = meta?.Endpoints?.docker?.Host;
    if (!meta?.Name || !host) continue;
    const tlsDir = join(configDir, 'contexts', 'tls', d, 'docker');
    const hasTls = await stat(join(tlsDir, 'ca.pem')).then(() => true, () => false);
    out.push({ name: meta.Name, host, skipTlsVerify: !!meta.Endpoints?.docker?.SkipTLSVerify, ...(hasTls ? { tlsDir } : {}) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The folder name the docker CLI gives a context: the SHA-256 of its name. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/**
 * `--engine` text → an engine: a URL (unix://, tcp:// with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH
 * from the environment as the docker CLI reads them, ssh://), `default`, or a context name.
 * Bad input (exit 2) for anything else, naming the contexts there are.
 */
export async function resolveEngine(text: string, env: NodeJS.ProcessEnv = process.env): Promise<EngineSpec> {
  const name = text.trim();
  if (name === '') throw new UsageError('--engine: empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) {
    let url: URL;
    try {
      url = new URL(name);
    } catch {
      throw new UsageError(`--engine ${name}: not a URL`);
    }
    if (!SCHEMES.includes(url.protocol)) throw new UsageError(`--engine ${name}: expected unix://, tcp:// or ssh://, got ${url.protocol}//`);
    if (url.protocol === 'unix:' && !url.pathname) throw new UsageError(`--engine ${name}: no socket path`);
    if (url.protocol !== 'unix:' && !url.hostname) throw new UsageError(`--engine ${name}: no host`);
    const tls = url.protocol === 'tcp:' ? { DOCKER_TLS_VERIFY: env.DOCKER_TLS_VERIFY || undefined, DOCKER_CERT_PATH: env.DOCKER_CERT_PATH || undefined } : { DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined };
    return { name, endpoint: name, env: { DOCKER_HOST: name, ...tls } };
  }
  if (name === 'default') {
    const host = env.DOCKER_HOST || DEFAULT_SOCKET;
    return { name, endpoint: host, env: { DOCKER_HOST: host, DOCKER_TLS_VERIFY: env.DOCKER_TLS_VERIFY || undefined, DOCKER_CERT_PATH: env.DOCKER_CERT_PATH || undefined } };
  }
  const contexts = await listContexts(dockerConfigDir(env));
  const ctx = contexts.find((c) => c.name === name);
  if (!ctx) {
    const known = contexts.map((c) => c.name);
    throw new UsageError(`--engine ${name}: no such Docker context in ${join(dockerConfigDir(env), 'contexts')} (${known.length ? `there are: ${known.join(', ')}` : 'there are none'}); give a context name, default, or a URL: unix:///path, tcp://host:2376, ssh://user@host`);
  }
  const tls = ctx.tlsDir && !ctx.skipTlsVerify ? { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: ctx.tlsDir } : { DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: ctx.tlsDir };
  return { name, endpoint: ctx.host, env: { DOCKER_HOST: ctx.host, ...tls } };
}

/** A dockerode client for the engine (docker-modem reads DOCKER_HOST and the TLS variables the way the docker CLI does). */
export async function dockerFor(spec: EngineSpec): Promise<Docker> {
  const url = new URL(spec.endpoint);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  if (url.protocol === 'ssh:') return new Docker({ protocol: 'ssh', host: url.hostname, port: url.port ? Number(url.port) : 22, username: url.username || undefined });
  const certPath = spec.env.DOCKER_CERT_PATH;
  const tls = spec.env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  const read = (f: string) => (certPath ? readFile(join(certPath, f)).catch(() => undefined) : Promise.resolve(undefined));
  const [ca, cert, key] = tls ? await Promise.all([read('ca.pem'), read('cert.pem'), read('key.pem')]) : [];
  return new Docker({ protocol: tls ? 'https' : 'http', host: url.hostname, port: url.port ? Number(url.port) : tls ? 2376 : 2375, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) });
}

export interface EngineProbe {
  ok: boolean;
  reason?: string;
  serverVersion?: string;
  /** The engine's machine (docker info's Name). */
  host?: string;
  kernel?: string;
  /** The engine shares this process's kernel: its labs' veths and /proc are readable from here. */
  local?: boolean;
}

/** One bounded ping, then docker info. */
export async function probeEngine(spec: EngineSpec, timeoutMs = 5_000): Promise<EngineProbe> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const docker = await dockerFor(spec);
    await (docker.ping as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, { abortSignal: abort.signal });
    const info = (await docker.info()) as { Name?: string; KernelVersion?: string; ServerVersion?: string };
    const local = spec.endpoint.startsWith('unix://') || (info.Name === hostname() && info.KernelVersion === release());
    return { ok: true, serverVersion: info.ServerVersion, host: info.Name, kernel: info.KernelVersion, local };
  } catch (e) {
    return { ok: false, reason: abort.signal.aborted ? `no answer within ${timeoutMs} ms` : (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** The engine a lab process runs on, from its environment (the sweep sets MPTCP_LAB_ENGINE for each cell). */
export function engineFromEnv(env: NodeJS.ProcessEnv = process.env): EngineRef {
  return { name: env.MPTCP_LAB_ENGINE || 'default', endpoint: env.MPTCP_LAB_ENDPOINT || env.DOCKER_HOST || DEFAULT_SOCKET, host: env.MPTCP_LAB_HOST || hostname() };
}

/** The fields a RunRecord's environment gets for its engine (lab/run/run-lab.ts may spread this in). */
export function engineEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const e = engineFromEnv(env);
  return { engine: e.name, engineEndpoint: e.endpoint, engineHost: e.host };
}

/**
 * Makes sure every engine has the lab image `tag`: copied from an engine that has it with
 * `docker save | docker load` (streamed, no registry), else built once (`build`) on the first
 * engine and copied from there. Returns what each engine needed, with the time it took.
 */
export async function ensureImageOnEngines(
  engines: ReadonlyArray<{ spec: EngineSpec; docker: Docker }>,
  tag: string,
  build: (docker: Docker) => Promise<unknown>,
  say: (m: string) => void = () => undefined,
): Promise<Array<{ engine: string; action: 'present' | 'built' | 'loaded'; ms: number }>> {
  const has = await Promise.all(engines.map((e) => e.docker.getImage(tag).inspect().then(() => true, () => false)));
  const out: Array<{ engine: string; action: 'present' | 'built' | 'loaded'; ms: number }> = [];
  let source = engines.find((_, i) => has[i]);
  if (!source && engines[0]) {
    const t0 = Date.now();
    say(`building the lab image ${tag} on ${engines[0].spec.name}`);
    await build(engines[0].docker);
    source = engines[0];
    has[0] = true;
    out.push({ engine: source.spec.name, action: 'built', ms: Date.now() - t0 });
  }
  for (const [i, e] of engines.entries()) {
    if (has[i]) {
      if (!out.some((o) => o.engine === e.spec.name)) out.push({ engine: e.spec.name, action: 'present', ms: 0 });
      continue;
    }
    const t0 = Date.now();
    say(`copying the lab image ${tag} from ${source!.spec.name} to ${e.spec.name} (docker save | docker load)`);
    const saved = await source!.docker.getImage(tag).get();
    const loading = await e.docker.loadImage(saved as unknown as NodeJS.ReadableStream, { quiet: true });
    await new Promise<void>((res, rej) => e.docker.modem.followProgress(loading, (err, events: Array<{ error?: string }>) => {
      const failed = err?.message ?? events.find((ev) => ev.error)?.error;
      if (failed) rej(new EnvironmentError(`the lab image on ${e.spec.name}`, 'load it by hand: docker save TAG | docker -H ENGINE load', failed));
      else res();
    }));
    await e.docker.getImage(tag).inspect().catch((err: Error) => {
      throw new EnvironmentError(`the lab image on ${e.spec.name}`, 'load it by hand: docker save TAG | docker -H ENGINE load', `loaded, but not found: ${err.message}`);
    });
    out.push({ engine: e.spec.name, action: 'loaded', ms: Date.now() - t0 });
  }
  return out;
}

/** What running one cell on one engine gave. */
export interface CellRun {
  exitCode: number;
  /** The last lines of its stderr, for a failure's reason. */
  tail: string;
}

export interface PoolCell {
  index: number;
}

export interface PoolEvents<C extends PoolCell> {
  start?: (cell: C, engine: EngineSpec) => void;
  /** The engine failed under this cell (or before it started): the cell is dealt to another. */
  moved?: (cell: C, from: EngineSpec, reason: string) => void;
  done?: (cell: C, engine: EngineSpec, run: CellRun, attempts: CellAttempt[]) => Promise<void> | void;
  /** The cell gave no result and will not be tried again. */
  failed?: (cell: C, reason: string, attempts: CellAttempt[]) => void;
}

/**
 * Runs `cells` on `engines`: cell k goes to engine k mod E, at most `perEngine` at a time on
 * each, in order. A run whose exit code is neither 0 nor 1 is an engine failure when the
 * engine then does not answer a ping (`isEngineUp`): the engine is dropped and its cell and
 * its queue are dealt round robin to the engines still up. Otherwise it is the cell's own
 * failure (no retry: a lab that fails on one engine would fail on the next).
 */
export async function runOnEngines<C extends PoolCell>(opts: {
  cells: readonly C[];
  engines: readonly EngineSpec[];
  perEngine: number;
  run: (cell: C, engine: EngineSpec) => Promise<CellRun>;
  isEngineUp: (engine: EngineSpec) => Promise<{ ok: boolean; reason?: string }>;
  /** Engines already known to be down (their cells move before anything starts). */
  down?: ReadonlyMap<string, string>;
  events?: PoolEvents<C>;
  /** Checked before each start: true stops handing out cells (a signal). */
  stopped?: () => boolean;
}): Promise<void> {
  const { engines, perEngine, events = {} } = opts;
  const up = engines.filter((e) => !opts.down?.has(e.name));
  const queues = new Map<string, C[]>(engines.map((e) => [e.name, []]));
  const attempts = new Map<number, CellAttempt[]>();
  const busy = new Map<string, number>(engines.map((e) => [e.name, 0]));
  const noteAttempt = (cell: C, engine: EngineSpec, reason: string) => {
    attempts.set(cell.index, [...(attempts.get(cell.index) ?? []), { engine: engine.name, reason, at: new Date().toISOString() }]);
    events.moved?.(cell, engine, reason);
  };
  let rr = 0;
  const deal = (cell: C) => {
    if (up.length === 0) return false;
    const target = up[rr++ % up.length]!;
    queues.get(target.name)!.push(cell);
    return true;
  };
  // The first deal follows the cells' order over all engines; a dead engine's share moves at once.
  opts.cells.forEach((cell, k) => {
    const e = engines[k % engines.length]!;
    if (opts.down?.has(e.name)) {
      noteAttempt(cell, e, `did not answer before the sweep: ${opts.down.get(e.name)}`);
      if (!deal(cell)) events.failed?.(cell, 'no engine answers', attempts.get(cell.index) ?? []);
    } else queues.get(e.name)!.push(cell);
  });
  for (const e of up) queues.get(e.name)!.sort((a, b) => a.index - b.index);

  await new Promise<void>((finish) => {
    let inFlight = 0;
    const giveUp = (reason: string) => {
      for (const q of queues.values()) for (const c of q.splice(0)) events.failed?.(c, reason, attempts.get(c.index) ?? []);
    };
    const pump = () => {
      if (opts.stopped?.()) giveUp('the sweep was interrupted');
      for (const e of up) {
        const q = queues.get(e.name)!;
        while ((busy.get(e.name) ?? 0) < perEngine && q.length > 0 && !opts.stopped?.()) {
          const cell = q.shift()!;
          busy.set(e.name, (busy.get(e.name) ?? 0) + 1);
          inFlight++;
          events.start?.(cell, e);
          void runOne(cell, e);
        }
      }
      if (inFlight === 0) finish();
    };
    const runOne = async (cell: C, e: EngineSpec) => {
      let result: CellRun;
      try {
        result = await opts.run(cell, e);
      } catch (err) {
        result = { exitCode: 4, tail: (err as Error).message };
      }
      if (result.exitCode === 0 || result.exitCode === 1) {
        await events.done?.(cell, e, result, attempts.get(cell.index) ?? []);
      } else {
        const alive = up.includes(e) ? await opts.isEngineUp(e) : { ok: false, reason: 'dropped earlier in the sweep' };
        if (!alive.ok && !opts.stopped?.()) {
          const at = up.indexOf(e);
          if (at >= 0) up.splice(at, 1);
          noteAttempt(cell, e, `engine ${e.name} stopped answering (${alive.reason ?? 'no answer'}) while the cell ran: ${lastLine(result.tail)}`);
          // Its queue goes to the engines still up, in cell order.
          const left = queues.get(e.name)!.splice(0);
          for (const c of left) noteAttempt(c, e, `engine ${e.name} stopped answering (${alive.reason ?? 'no answer'}) before the cell started`);
          for (const c of [cell, ...left].sort((a, b) => a.index - b.index)) {
            if (!deal(c)) events.failed?.(c, `no engine left: ${e.name} stopped answering and no other engine is up`, attempts.get(c.index) ?? []);
          }
        } else {
          events.failed?.(cell, `exit ${result.exitCode} on ${e.name}: ${lastLine(result.tail)}`, attempts.get(cell.index) ?? []);
        }
      }
      busy.set(e.name, (busy.get(e.name) ?? 1) - 1);
      inFlight--;
      pump();
    };
    pump();
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('•'));
  return (lines.find((l) => /^(lab failed|environment|error):/.test(l)) ?? lines.at(-1) ?? 'no output').slice(0, 300);
}

/** The CLI's entry file, for the cell processes. */
export const MAIN_FILE = resolve(__dirname, '..', 'cli', 'main.ts');

/**
 * Runs `npm run lab -- ARGS` (node --import tsx lab/cli/main.ts ARGS) with the engine's
 * variables; its stderr lines go to `log` prefixed, its stdout is kept. `children` tracks it
 * so a signal can be passed on.
 */
export function spawnCell(args: readonly string[], spec: EngineSpec, opts: { log: (line: string) => void; children: Set<ChildProcess>; extraEnv?: Record<string, string> }): Promise<CellRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, MPTCP_LAB_ENGINE: spec.name, MPTCP_LAB_ENDPOINT: spec.endpoint, ...opts.extraEnv };
  for (const [k, v] of Object.entries(spec.env)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  delete env.DOCKER_CONTEXT;
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN_FILE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    opts.children.add(child);
    const tail: string[] = [];
    let buf = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (let i = buf.search(/[\r\n]/); i >= 0; i = buf.search(/[\r\n]/)) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        opts.log(line);
      }
    });
    child.stdout!.on('data', () => undefined);
    child.on('error', (e) => tail.push(`cannot start the cell: ${e.message}`));
    child.on('close', (code, signal) => {
      opts.children.delete(child);
      if (buf.trim()) tail.push(buf);
      res({ exitCode: code ?? (signal === 'SIGINT' ? 130 : 143), tail: tail.join('\n') });
    });
  });
}

/** Moves a failed try's folder aside (`run-2.failed-on-d2-1`): it has no cell.json, so no summary reads it, and it stays for a look. */
export async function setAside(dir: string, engine: string): Promise<string | undefined> {
  const exists = await stat(dir).then(() => true, () => false);
  if (!exists) return undefined;
  for (let n = 1; n < 100; n++) {
    const to = `${dir}.failed-on-${engine.replace(/[^A-Za-z0-9.-]+/g, '_')}-${n}`;
    if (await stat(to).then(() => false, () => true)) {
      await rename(dir, to);
      return to;
    }
  }
  return undefined;
}
