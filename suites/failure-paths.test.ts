/**
 * Issue 18: the lab always exits, always cleans up, and refuses up front what it can know up
 * front. Each case breaks a real run on purpose (the CLI as a child process, on real Docker)
 * and asserts the exit code, the first error line, the time to exit (< 30 s) and that nothing
 * with the lab's labels is left. The engine case stops dockerd for a few seconds and always
 * starts it again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDocker, LABELS } from '../lab';
import { leftovers, REPO_ROOT } from './helpers';

jest.setTimeout(120_000);

const EXIT_BOUND_MS = 30_000;
// Long enough that the transfer is still running a second after it starts (about 4 s at 2 Gbit/s).
const SIZE = ['--size', '1GB'];
const scratch = join(tmpdir(), `mptcp-lab-failure-paths-${process.pid}`);
mkdirSync(scratch, { recursive: true });

interface Cli {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves when stderr has a line matching `re` (rejects after timeoutMs). */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

function startCli(argv: string[], opts: { npm?: boolean; wrap?: string[] } = {}): Cli {
  const cmd = opts.npm ? ['npm', 'run', '-s', 'lab', '--', ...argv] : [...(opts.wrap ?? []), process.execPath, '--import', 'tsx', 'lab/cli/main.ts', ...argv];
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal, atMs: performance.now() })),
  );
  const waitFor = async (re: RegExp, timeoutMs = 90_000) => {
    const start = Date.now();
    while (!re.test(err)) {
      if (child.exitCode !== null) throw new Error(`the lab exited (${child.exitCode}) before ${re}:\n${err}`);
      if (Date.now() - start > timeoutMs) throw new Error(`no ${re} within ${timeoutMs} ms:\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, stderr: () => err, stdout: () => out, waitFor, exited };
}

/** The first stderr line that is not progress (steps, notes, the transfer bar, blank lines). */
function firstErrorLine(stderr: string): string {
  return stderr.split('\n').find((l) => l.trim() !== '' && !/^(• |note: |two-vlan )/.test(l)) ?? '';
}

/** The pid of the lab process npm started (npm's only child, exec'd by the script). */
function childPidOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return Number(text.split(/\s+/)[0]);
}

async function labContainer(ownerPid: number, host: string): Promise<string> {
  const docker = await connectDocker();
  const list = await docker.listContainers({ filters: { label: [`${LABELS.owner}=${ownerPid}`, `${LABELS.role}=host:${host}`] } });
  if (!list[0]) throw new Error(`no running container of ${host} owned by ${ownerPid}`);
  return list[0].Id;
}

const dockerUp = () => spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

function startDockerd(): void {
  const log = openSync('/tmp/dockerd.log', 'a');
  spawn('setsid', ['dockerd'], { detached: true, stdio: ['ignore', log, log] }).unref();
}

async function waitForDocker(timeoutMs = 30_000): Promise<number> {
  const start = Date.now();
  while (!dockerUp()) {
    if (Date.now() - start > timeoutMs) throw new Error(`dockerd did not answer within ${timeoutMs} ms (see /tmp/dockerd.log)`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - start;
}

function report(name: string, figures: Record<string, number | string>): void {
  process.stderr.write(`failure-paths ${name}: ${Object.entries(figures).map(([k, v]) => `${k} ${typeof v === 'number' ? `${Math.round(v)} ms` : v}`).join(', ')}\n`);
}

describe('failure paths (real Docker)', () => {
  afterAll(async () => {
    // Whatever happened, leave a running engine behind for everyone else.
    if (!dockerUp()) {
      startDockerd();
      await waitForDocker();
    }
  });

  it('a container killed mid-transfer: exit 4 naming it, the lab removed, within 30 s', async () => {
    const cli = startCli(['two-vlan', ...SIZE, '--out', join(scratch, 'killed')]);
    await cli.waitFor(/• traffic running/);
    await new Promise((r) => setTimeout(r, 500));
    const pid = cli.child.pid!;
    await (await connectDocker()).getContainer(await labContainer(pid, 'pc1')).kill();
    const killedAt = performance.now();
    const end = await Promise.race([cli.exited, new Promise<null>((r) => setTimeout(() => r(null), EXIT_BOUND_MS))]);
    if (!end) cli.child.kill('SIGKILL');
    expect(end).not.toBeNull();
    report('killed container', { 'exit after the kill': end!.atMs - killedAt });
    expect(end!.code).toBe(4);
    expect(firstErrorLine(cli.stderr())).toMatch(/^lab failed: container mlab-\w+-pc1 died at t=[\d.]+ s \(exit 137: killed\)$/);
    expect(await leftovers(pid)).toEqual({ containers: [], networks: [] });
  });

  it('the engine stopped and started again mid-run: exit 4 naming the lost engine first, and the lab removed once it is back', async () => {
    const cli = startCli(['two-vlan', ...SIZE, '--out', join(scratch, 'engine')]);
    await cli.waitFor(/• traffic running/);
    await new Promise((r) => setTimeout(r, 500));
    const pid = cli.child.pid!;
    const dockerdPid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
    const stoppedAt = performance.now();
    let upAt = stoppedAt;
    try {
      process.kill(dockerdPid, 'SIGTERM');
      while (existsSync(`/proc/${dockerdPid}`)) await new Promise((r) => setTimeout(r, 100));
    } finally {
      startDockerd();
      await waitForDocker();
      upAt = performance.now();
    }
    const end = await Promise.race([cli.exited, new Promise<null>((r) => setTimeout(() => r(null), EXIT_BOUND_MS))]);
    if (!end) cli.child.kill('SIGKILL');
    expect(end).not.toBeNull();
    report('engine restart', { 'engine away (stop + start)': upAt - stoppedAt, 'exit after the stop': end!.atMs - stoppedAt, 'exit after the engine was back': end!.atMs - upAt });
    expect(end!.code).toBe(4);
    expect(firstErrorLine(cli.stderr())).toMatch(/^lab failed: the Docker engine went away at t=[\d.]+ s: (connect (ENOENT|ECONNREFUSED) \/var\/run\/docker\.sock|(read ECONNRESET|write EPIPE|socket hang up) \(unix:\/\/\/var\/run\/docker\.sock\))$/);
    expect(end!.atMs - stoppedAt).toBeLessThan(EXIT_BOUND_MS);
    expect(await leftovers(pid)).toEqual({ containers: [], networks: [] });
  });

  describe('an --out that cannot be written is refused before anything starts (exit 2)', () => {
    const file = join(scratch, 'a-file');
    const readOnly = join(scratch, 'ro');
    let mounted = false;
    beforeAll(() => {
      writeFileSync(file, 'not a folder\n');
      mkdirSync(readOnly, { recursive: true });
      mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]).status === 0;
    });
    afterAll(() => {
      if (mounted) spawnSync('umount', [readOnly]);
    });

    it.each([
      ['an existing file', () => file, /^--out \S+a-file: it exists and is not a folder$/],
      ['a folder on a read-only mount', () => join(readOnly, 'reports'), /^--out \S+\/ro\/reports: cannot create \S+: EROFS: read-only file system/],
      ['/proc/nope (Node\'s recursive mkdir spins forever there)', () => '/proc/nope', /^--out \/proc\/nope: cannot create \/proc\/nope: the filesystem of \/proc does not allow creating folders/],
    ])('%s', async (_what, dir, line) => {
      if (dir().startsWith(readOnly) && !mounted) throw new Error('could not mount a read-only tmpfs (needs root)');
      const began = performance.now();
      const cli = startCli(['two-vlan', ...SIZE, '--out', dir()]);
      const end = await cli.exited;
      report(`--out ${_what}`, { exit: end.atMs - began });
      expect(end.code).toBe(2);
      expect(firstErrorLine(cli.stderr())).toMatch(line);
      expect(end.atMs - began).toBeLessThan(EXIT_BOUND_MS);
      expect(await leftovers(cli.child.pid!)).toEqual({ containers: [], networks: [] });
    });
  });

  describe('a non-root user is told what is missing before anything starts (exit 3)', () => {
    const out = join(tmpdir(), `mptcp-lab-nobody-${process.pid}`);
    const dockerGid = spawnSync('getent', ['group', 'docker'], { encoding: 'utf8' }).stdout.split(':')[2];

    it('without access to the Docker socket: root and the socket, not "install Docker"', async () => {
      const began = performance.now();
      const cli = startCli(['two-vlan', ...SIZE, '--out', out], { wrap: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
      const end = await cli.exited;
      report('non-root', { exit: end.atMs - began });
      expect(end.code).toBe(3);
      const line = firstErrorLine(cli.stderr());
      expect(line).toMatch(/^environment: root and permission on the Docker socket \/var\/run\/docker\.sock is not available \(running as uid 65534/);
      expect(line).toContain('sudo');
      expect(line).not.toContain('apt-get install');
      expect(end.atMs - began).toBeLessThan(EXIT_BOUND_MS);
      expect(await leftovers(cli.child.pid!)).toEqual({ containers: [], networks: [] });
    });

    (dockerGid ? it : it.skip)('in the docker group: root, found before the transfer rather than after it', async () => {
      const cli = startCli(['two-vlan', ...SIZE, '--out', out], { wrap: ['setpriv', '--reuid=65534', '--regid=65534', `--groups=${dockerGid}`] });
      const end = await cli.exited;
      expect(end.code).toBe(3);
      expect(firstErrorLine(cli.stderr())).toMatch(/^environment: root is not available \(running as uid 65534/);
      expect(cli.stderr()).not.toContain('• creating networks');
      expect(await leftovers(cli.child.pid!)).toEqual({ containers: [], networks: [] });
    });
  });

  it('SIGTERM to the npm process (what a CI runner stops) stops the lab and removes it', async () => {
    const cli = startCli(['two-vlan', ...SIZE, '--out', join(scratch, 'sigterm')], { npm: true });
    await cli.waitFor(/• traffic running/);
    const labPid = childPidOf(cli.child.pid!);
    expect((await leftovers(labPid)).containers.length).toBeGreaterThan(0);
    const sentAt = performance.now();
    cli.child.kill('SIGTERM');
    const end = await Promise.race([cli.exited, new Promise<null>((r) => setTimeout(() => r(null), EXIT_BOUND_MS))]);
    expect(end).not.toBeNull();
    report('SIGTERM to npm', { 'npm exit after the signal': end!.atMs - sentAt });
    // npm waits for the lab it exec'd, then exits with its code (143) or by the signal.
    expect(end!.code === 143 || end!.signal === 'SIGTERM').toBe(true);
    expect(firstErrorLine(cli.stderr())).toMatch(/^SIGTERM: removing the lab's containers and networks/);
    expect(existsSync(`/proc/${labPid}`)).toBe(false);
    expect(await leftovers(labPid)).toEqual({ containers: [], networks: [] });
  });

  it('an empty topology name: one error line on stderr first, exit 2', async () => {
    const began = performance.now();
    const cli = startCli(['']);
    const end = await cli.exited;
    report('empty name', { exit: end.atMs - began });
    expect(end.code).toBe(2);
    expect(cli.stderr().split('\n')[0]).toBe('error: the topology name is empty');
    expect(cli.stdout()).toBe('');
    expect(await leftovers(cli.child.pid!)).toEqual({ containers: [], networks: [] });
  });
});
