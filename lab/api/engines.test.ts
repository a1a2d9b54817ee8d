import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextDirName, resolveEngine, runOnEngines, type EngineSpec } from './engines';

describe('resolveEngine', () => {
  it('takes unix://, tcp:// (TLS from the environment) and ssh:// URLs, and default', async () => {
    expect(await resolveEngine('unix:///run/mlab-d2.sock', {})).toEqual({ name: 'unix:///run/mlab-d2.sock', endpoint: 'unix:///run/mlab-d2.sock', env: { DOCKER_HOST: 'unix:///run/mlab-d2.sock', DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined } });
    expect((await resolveEngine('tcp://10.0.0.5:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' })).env).toEqual({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' });
    expect((await resolveEngine('ssh://lab@runner-2', {})).env.DOCKER_HOST).toBe('ssh://lab@runner-2');
    expect((await resolveEngine('default', {})).endpoint).toBe('unix:///var/run/docker.sock');
    await expect(resolveEngine('http://x', {})).rejects.toThrow(/unix:\/\/, tcp:\/\/ or ssh:\/\//);
  });

  it('reads Docker contexts (meta.json, TLS files) from DOCKER_CONFIG and lists them when the name is unknown', async () => {
    const cfg = await mkdtemp(join(tmpdir(), 'mptcp-lab-ctx-'));
    const id = contextDirName('lab-b');
    await mkdir(join(cfg, 'contexts', 'meta', id), { recursive: true });
    await writeFile(join(cfg, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'lab-b', Metadata: {}, Endpoints: { docker: { Host: 'tcp://lab-b:2376', SkipTLSVerify: false } } }));
    await mkdir(join(cfg, 'contexts', 'tls', id, 'docker'), { recursive: true });
    await writeFile(join(cfg, 'contexts', 'tls', id, 'docker', 'ca.pem'), 'x');
    const e = await resolveEngine('lab-b', { DOCKER_CONFIG: cfg });
    expect(e).toEqual({ name: 'lab-b', endpoint: 'tcp://lab-b:2376', env: { DOCKER_HOST: 'tcp://lab-b:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(cfg, 'contexts', 'tls', id, 'docker') } });
    await expect(resolveEngine('nope', { DOCKER_CONFIG: cfg })).rejects.toThrow(/no such Docker context .*there are: lab-b/);
  });
});

const spec = (name: string): EngineSpec => ({ name, endpoint: `unix:///run/${name}.sock`, env: {} });

describe('runOnEngines', () => {
  const cells = [0, 1, 2, 3].map((index) => ({ index }));

  it('deals 4 cells to 2 engines round robin, 2 each, at most one at a time per engine', async () => {
    const ran: Array<[number, string]> = [];
    const busy = new Map<string, number>();
    let overlap = false;
    await runOnEngines({
      cells,
      engines: [spec('d1'), spec('d2')],
      perEngine: 1,
      isEngineUp: async () => ({ ok: true }),
      run: async (c, e) => {
        busy.set(e.name, (busy.get(e.name) ?? 0) + 1);
        if ((busy.get(e.name) ?? 0) > 1) overlap = true;
        await new Promise((r) => setTimeout(r, c.index === 0 ? 30 : 5));
        busy.set(e.name, (busy.get(e.name) ?? 1) - 1);
        ran.push([c.index, e.name]);
        return { exitCode: 0, tail: '' };
      },
    });
    expect([...ran].sort((a, b) => a[0] - b[0])).toEqual([[0, 'd1'], [1, 'd2'], [2, 'd1'], [3, 'd2']]);
    expect(overlap).toBe(false);
  });

  it('moves a failed engine\'s cell in flight and its queue to the engine still up, and says so', async () => {
    const done: Array<[number, string, string[]]> = [];
    let d2Alive = true;
    await runOnEngines({
      cells,
      engines: [spec('d1'), spec('d2')],
      perEngine: 1,
      isEngineUp: async (e) => (e.name === 'd2' && !d2Alive ? { ok: false, reason: 'connect ENOENT /run/d2.sock' } : { ok: true }),
      run: async (c, e) => {
        if (e.name === 'd2' && c.index === 1) {
          d2Alive = false;
          return { exitCode: 4, tail: 'lab failed: the Docker engine went away at t=3.1 s' };
        }
        return { exitCode: 0, tail: '' };
      },
      events: { done: (c, e, _r, attempts) => void done.push([c.index, e.name, attempts.map((a) => `${a.engine}: ${a.reason}`)]) },
    });
    expect(done.map(([c, e]) => [c, e]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([[0, 'd1'], [1, 'd1'], [2, 'd1'], [3, 'd1']]);
    expect(done.find(([c]) => c === 1)?.[2]).toEqual(['d2: engine d2 stopped answering (connect ENOENT /run/d2.sock) while the cell ran: lab failed: the Docker engine went away at t=3.1 s']);
    expect(done.find(([c]) => c === 3)?.[2]).toEqual(['d2: engine d2 stopped answering (connect ENOENT /run/d2.sock) before the cell started']);
  });

  it('does not retry a cell that failed on an engine that still answers, and fails cells when no engine is left', async () => {
    const failed: Array<[number, string]> = [];
    await runOnEngines({
      cells: cells.slice(0, 2),
      engines: [spec('d1')],
      perEngine: 1,
      down: new Map(),
      isEngineUp: async () => ({ ok: true }),
      run: async (c) => ({ exitCode: 4, tail: c.index === 0 ? 'lab failed: agent crashed' : 'x' }),
      events: { failed: (c, reason) => void failed.push([c.index, reason]) },
    });
    expect(failed[0]).toEqual([0, 'exit 4 on d1: lab failed: agent crashed']);
    expect(failed[1]?.[1]).toBe('exit 4 on d1: x');
  });
});
