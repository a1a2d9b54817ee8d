/** exec.ts against a real container of the lab image (needs a Docker engine). */
import type Docker from 'dockerode';
import { LabError } from '../model/errors';
import { ensureLabImage } from '../image/build';
import { describeUnless, dockerUnavailable } from '../image/docker-for-tests';
import { connectDocker } from './docker-client';
import { dockerExec, dockerStream } from './exec';
import { LABELS } from './types';

const describeDocker = describeUnless(dockerUnavailable(), __filename);

jest.setTimeout(180_000);

describeDocker('exec in a lab image container', () => {
  let docker: Docker;
  let id = '';

  beforeAll(async () => {
    docker = await connectDocker();
    const { tag } = await ensureLabImage({ docker });
    const c = await docker.createContainer({
      Image: tag,
      name: `mptcp-lab-exec-test-${process.pid}`,
      Labels: { [LABELS.project]: 'mptcp-lab', [LABELS.role]: 'exec-test', [LABELS.owner]: String(process.pid) },
      HostConfig: { NetworkMode: 'none' },
    });
    id = c.id;
    await c.start();
  });

  afterAll(async () => {
    if (id) await docker.getContainer(id).remove({ force: true });
  });

  const running = async (pattern: string): Promise<boolean> =>
    (await dockerExec(docker, id, ['pgrep', '-f', pattern])).exitCode === 0;

  it('separates stdout and stderr and reports the exit code', async () => {
    const r = await dockerExec(docker, id, ['sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  it('passes values as arguments, never through a shell', async () => {
    const r = await dockerExec(docker, id, ['printf', '%s|', 'a b', '$(id)', "'; rm -rf /"]);
    expect(r.stdout).toBe("a b|$(id)|'; rm -rf /|");
  });

  it('writes stdin, closes it, and sets env', async () => {
    const big = 'x'.repeat(300_000);
    expect((await dockerExec(docker, id, ['sh', '-c', 'wc -c'], { stdin: big })).stdout.trim()).toBe('300000');
    expect((await dockerExec(docker, id, ['sh', '-c', 'cat; echo "$A"'], { stdin: 'in\n', env: { A: 'b c' } })).stdout).toBe('in\nb c\n');
  });

  it('gives a non-zero exit code for a command that does not exist', async () => {
    const r = await dockerExec(docker, id, ['/no/such/tool']);
    expect(r.exitCode).not.toBe(0);
  });

  it('times out naming the command, and kills it', async () => {
    const err = await dockerExec(docker, id, ['sleep', '31'], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as Error).message).toMatch(/^`sleep 31` in container [0-9a-f]{12} did not finish within 300 ms$/);
    expect(await running('sleep 31')).toBe(false);
  });

  it('streams stdout line by line with the lab clock, without the PID line', async () => {
    let now = 0;
    const h = await dockerStream(docker, id, ['sh', '-c', 'for i in 1 2 3; do echo "line $i"; sleep 0.2; done'], {}, () => (now += 10));
    const seen: Array<[string, number]> = [];
    h.onLine((line, t) => seen.push([line, t]));
    const r = await h.done;
    expect(seen.map(([l]) => l)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(seen.map(([, t]) => t)).toEqual([...seen.map(([, t]) => t)].sort((a, b) => a - b));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('line 1\nline 2\nline 3\n');
  });

  it('hands lines that came before onLine to the first listener', async () => {
    const h = await dockerStream(docker, id, ['echo', 'early'], {}, () => 1);
    await h.done;
    const seen: string[] = [];
    h.onLine((l) => seen.push(l));
    expect(seen).toEqual(['early']);
  });

  it('stop() kills the command in the container', async () => {
    const h = await dockerStream(docker, id, ['sleep', '41'], {}, () => 0);
    expect(await running('sleep 41')).toBe(true);
    const t0 = Date.now();
    const r = await h.stop();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(r.exitCode).toBe(143);
    expect(await running('sleep 41')).toBe(false);
  });

  it('stop() escalates to KILL when TERM is ignored', async () => {
    const h = await dockerStream(docker, id, ['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'], {}, () => 0);
    const r = await h.stop();
    expect(r.exitCode).toBe(137);
  });

  it('a stream with timeoutMs is stopped and done says why', async () => {
    const h = await dockerStream(docker, id, ['sleep', '42'], { timeoutMs: 300 }, () => 0);
    await expect(h.done).rejects.toThrow(/^`sleep 42` in container [0-9a-f]{12} did not finish within 300 ms; stopped it$/);
    expect(await running('sleep 42')).toBe(false);
  });
});
