/**
 * Scale over engines that exist (issue 16, docs/SCALE.md): a second real dockerd on its own
 * socket, data-root, exec-root, pidfile and no default bridge, started and stopped here
 * (always stopped, its data-root removed). The lab image is copied to it from the first
 * engine with docker save | load (no registry). A 4-cell matrix over the two engines runs 2
 * cells on each; stopping the second engine mid-sweep moves its remaining cells to the first,
 * and the summary says so. Then `merge` of the sweep's folder gives the same summary.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunsSummary } from '../lab';

const D2 = { sock: '/run/mlab-d2.sock', dataRoot: '/var/lib/mlab-d2', execRoot: '/run/mlab-d2', pidfile: '/run/mlab-d2.pid' };
const D2_URL = `unix://${D2.sock}`;
const MAIN = resolve(__dirname, '..', 'lab', 'cli', 'main.ts');
const MATRIX = ['--matrix', 'rate=200mbit,300mbit', '--matrix', 'loss=0,0.5%'];

let dockerd: ChildProcess | undefined;

function docker(args: string[], host?: string): string {
  return execFileSync('docker', [...(host ? ['-H', host] : []), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * d2's default bridge, its own. Not `--bridge none`: dockerd started with that removes the
 * interface named docker0 at start, which is the main engine's bridge (its `docker run` then fails
 * with "could not find bridge docker0"). 10.254.213.0/24: outside the lab's pool and private.
 */
const D2_BRIDGE = { name: 'mlabd2br0', cidr: '10.254.213.1/24' };

function ensureD2Bridge(): void {
  if (existsSync(`/sys/class/net/${D2_BRIDGE.name}`)) return;
  execFileSync('ip', ['link', 'add', D2_BRIDGE.name, 'type', 'bridge']);
  execFileSync('ip', ['addr', 'add', D2_BRIDGE.cidr, 'dev', D2_BRIDGE.name]);
  execFileSync('ip', ['link', 'set', D2_BRIDGE.name, 'up']);
}

async function startD2(): Promise<void> {
  ensureD2Bridge();
  dockerd = spawn('dockerd', ['--host', D2_URL, '--data-root', D2.dataRoot, '--exec-root', D2.execRoot, '--pidfile', D2.pidfile, '--bridge', D2_BRIDGE.name, '--iptables=false'], { stdio: 'ignore' });
  for (let i = 0; i < 120; i++) {
    try {
      docker(['info', '--format', '{{.ServerVersion}}'], D2_URL);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error('the second dockerd did not answer within 60 s');
}

/** Networks d2 had when it was stopped: a stopped dockerd leaves their bridges on the host, removed in afterAll. */
const d2Networks = new Set<string>();

async function stopD2(): Promise<void> {
  try {
    for (const id of docker(['network', 'ls', '-q', '--filter', 'driver=bridge'], D2_URL).split('\n').filter(Boolean)) d2Networks.add(id.slice(0, 12));
  } catch {
    // Not answering: nothing to list.
  }
  const d = dockerd;
  dockerd = undefined;
  if (d && d.exitCode === null) {
    d.kill('SIGTERM');
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        d.kill('SIGKILL');
        r();
      }, 20_000);
      d.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
}

function lab(args: string[], onLine?: (line: string) => void): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      const text = b.toString();
      stderr += text;
      if (onLine) for (const l of text.split('\n')) if (l) onLine(l);
    });
    child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
  });
}

const readSummary = async (dir: string) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunsSummary;

const enginesOfRuns = (s: RunsSummary) => s.variants.flatMap((v) => v.runs.map((r) => [r.cell, r.engine]));

const skip = process.getuid?.() !== 0 || !existsSync('/usr/sbin/dockerd');

(skip ? describe.skip : describe)('scale: a sweep over two local Docker engines', () => {
  jest.setTimeout(15 * 60_000);
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mptcp-lab-scale-'));
    await startD2();
    // The image must be on d2: the sweep copies it itself (save | load), timed in its output.
  });

  afterAll(async () => {
    await stopD2();
    for (const id of [...d2Networks].map((n) => `br-${n}`).concat(D2_BRIDGE.name)) {
      try {
        execFileSync('ip', ['link', 'delete', id], { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    }
    await rm(D2.dataRoot, { recursive: true, force: true });
    await rm(D2.execRoot, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  });

  it('leaves the main engine its own bridge (docker0)', () => {
    expect(existsSync('/sys/class/net/docker0')).toBe(true);
  });

  it('runs a 4-cell matrix on both engines, 2 cells each, and merge gives the same summary', async () => {
    const out = join(tmp, 'both');
    const t0 = Date.now();
    const r = await lab(['two-vlan', ...MATRIX, '--size', '100MB', '--engine', 'default', '--engine', D2_URL, '--out', out]);
    const ms = Date.now() - t0;
    process.stderr.write(`scale: 4 cells on 2 engines in ${(ms / 1000).toFixed(1)} s\n${r.stderr.split('\n').filter((l) => l.startsWith('•')).join('\n')}\n`);
    expect(r.stderr).not.toMatch(/has no result/);
    const s = await readSummary(out);
    expect(s.cells).toEqual({ total: 4, found: 4 });
    expect(s.engines?.map((e) => [e.name, e.cells]).sort()).toEqual([['default', 2], [D2_URL, 2]]);
    expect(enginesOfRuns(s)).toEqual([[0, 'default'], [1, D2_URL], [2, 'default'], [3, D2_URL]]);
    const result = JSON.parse(await readFile(join(out, 'rate=200mbit_loss=0.5pct', 'run-1', 'result.json'), 'utf8')) as { environment: Record<string, string> };
    expect(result.environment.engine).toBe(D2_URL);
    expect(r.stdout).toContain(`engines: default (unix:///var/run/docker.sock): 2 cells, ${D2_URL} (${D2_URL}): 2 cells`);

    const merged = await lab(['merge', out, '--out', join(tmp, 'merged')]);
    const m = await readSummary(join(tmp, 'merged'));
    const strip = (x: RunsSummary) => JSON.parse(JSON.stringify(x).replace(/"outDir":"[^"]*",?/g, '')) as unknown;
    expect(strip(m)).toEqual(strip(s));
    expect(await readFile(join(tmp, 'merged', 'junit.xml'), 'utf8')).toBe(await readFile(join(out, 'junit.xml'), 'utf8'));
    expect(merged.code).toBe(s.exitCode);
  });

  it('moves the cells of an engine stopped mid-sweep to the other, and the summary says so', async () => {
    if (!dockerd) await startD2();
    const out = join(tmp, 'failover');
    let stopping: Promise<void> | undefined;
    const r = await lab(['two-vlan', ...MATRIX, '--size', '100MB', '--engine', 'default', '--engine', D2_URL, '--out', out], (line) => {
      // As soon as d2's first cell has its traffic running, d2 goes away.
      if (!stopping && line.includes(`on ${D2_URL}]`) && /traffic running/.test(line)) stopping = stopD2();
    });
    await stopping;
    process.stderr.write(`scale (d2 stopped): ${r.stderr.split('\n').filter((l) => l.startsWith('•')).join('\n')}\n`);
    const s = await readSummary(out);
    expect(s.cells).toEqual({ total: 4, found: 4 });
    expect(s.engines?.map((e) => [e.name, e.cells])).toEqual([['default', 4]]);
    expect(s.moves?.map((m) => [m.cell, m.from, m.to])).toEqual([[1, D2_URL, 'default'], [3, D2_URL, 'default']]);
    expect(s.moves?.[0]?.reason).toMatch(/stopped answering .* while the cell ran/);
    expect(r.stdout).toMatch(new RegExp(`moved: cell 2 \\(rate=200mbit loss=0.5% run 1\\) from ${D2_URL.replace(/\//g, '\\/')} to default: engine .* stopped answering`));
    expect(r.stdout).toContain('moved: cell 4 (rate=300mbit loss=0.5% run 1)');
  });
});
