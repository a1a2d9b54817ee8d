import { LabError } from '../model/errors';
import { formatCommand, runHostCommand } from './exec';

describe('runHostCommand', () => {
  it('returns stdout, stderr and a non-zero exit code without throwing', async () => {
    const r = await runHostCommand(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('passes values as arguments, never through a shell', async () => {
    const r = await runHostCommand(['printf', '%s|', 'a b', '$(id)', ';rm -rf /']);
    expect(r.stdout).toBe('a b|$(id)|;rm -rf /|');
  });

  it('writes stdin then closes it, and adds env', async () => {
    const r = await runHostCommand(['sh', '-c', 'cat; echo "$X"'], { stdin: 'hello\n', env: { X: 'yes' } });
    expect(r.stdout).toBe('hello\nyes\n');
  });

  it('kills on timeout and says what ran and how long it waited', async () => {
    const err = await runHostCommand(['sleep', '5'], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as Error).message).toBe('`sleep 5` on the host did not finish within 200 ms; killed it');
  });

  it('says which command could not start', async () => {
    await expect(runHostCommand(['/nonexistent/tool', '-x'])).rejects.toThrow(/cannot run `\/nonexistent\/tool -x` on the host: .*ENOENT/);
  });
});

describe('formatCommand', () => {
  it('quotes only what a shell reader would need quoted', () => {
    expect(formatCommand(['tc', 'qdisc', 'add', 'dev', 'eth0'])).toBe('tc qdisc add dev eth0');
    expect(formatCommand(['sh', '-c', "echo 'x' $y"])).toBe(`sh -c 'echo '\\''x'\\'' $y'`);
  });
});
