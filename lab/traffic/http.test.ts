import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeedStream, streamSha256 } from '../agent/agent';
import {
  buildFileSizeArgv,
  buildHttpClientArgv,
  buildHttpFileArgv,
  buildHttpServerArgv,
  buildSha256Argv,
  parseFileSize,
  parseSha256sum,
} from './http';

describe('http argv', () => {
  it('generates the served file with the agent', () => {
    expect(buildHttpFileArgv({ sizeBytes: 2_500_000_000, seed: 'run-1' })).toEqual([
      'node', '/opt/mptcp-lab/agent.js', 'gen', '--size', '2500000000', '--seed', 'run-1', '--out', '/srv/lab/file.bin',
    ]);
    expect(() => buildHttpFileArgv({ sizeBytes: -1, seed: 's' })).toThrow(RangeError);
  });

  it('serves /srv/lab with busybox httpd in the foreground', () => {
    expect(buildHttpServerArgv({ port: 8080, protocol: 'mptcp' })).toEqual(['mptcpize', 'run', 'busybox', 'httpd', '-f', '-p', '8080', '-h', '/srv/lab']);
    expect(buildHttpServerArgv({ port: 8080, protocol: 'tcp', bind: '10.1.0.2' })).toEqual(['busybox', 'httpd', '-f', '-p', '10.1.0.2:8080', '-h', '/srv/lab']);
  });

  it('downloads with busybox wget, and resumes with -c', () => {
    expect(buildHttpClientArgv({ address: '10.1.0.2', port: 8080, protocol: 'mptcp' })).toEqual([
      'mptcpize', 'run', 'busybox', 'wget', '-q', '-O', '/srv/lab/download.bin', 'http://10.1.0.2:8080/file.bin',
    ]);
    expect(buildHttpClientArgv({ address: '10.1.0.2', port: 8080, protocol: 'tcp', resume: true })).toEqual([
      'busybox', 'wget', '-q', '-c', '-O', '/srv/lab/download.bin', 'http://10.1.0.2:8080/file.bin',
    ]);
  });

  it('hashes and sizes the received file', () => {
    expect(buildSha256Argv()).toEqual(['sha256sum', '/srv/lab/download.bin']);
    expect(buildFileSizeArgv()).toEqual(['stat', '-c', '%s', '/srv/lab/download.bin']);
  });
});

describe('output parsers', () => {
  it('reads sha256sum output (text and binary mode markers)', () => {
    const sha = '1734a99f0646505cdcb03030c9a18bc6804275f803d592fb66fefa597baddf3d';
    expect(parseSha256sum(`${sha}  /srv/lab/download.bin\n`)).toEqual({ sha256: sha, path: '/srv/lab/download.bin' });
    expect(parseSha256sum(`${sha} */srv/lab/x y.bin\n`)).toEqual({ sha256: sha, path: '/srv/lab/x y.bin' });
    expect(parseSha256sum('sha256sum: /srv/lab/download.bin: No such file or directory\n')).toBeNull();
  });

  it('reads stat -c %s output', () => {
    expect(parseFileSize('2500000000\n')).toBe(2_500_000_000);
    expect(parseFileSize("stat: cannot statx 'x': No such file or directory")).toBeNull();
  });
});

// The argv above, run for real on 127.0.0.1 when busybox is installed (it is in the image).
const hasBusybox = spawnSync('busybox', ['--help']).status === 0;
(hasBusybox ? describe : describe.skip)(`busybox httpd + wget on loopback${hasBusybox ? '' : ' (skipped: no busybox on this machine)'}`, () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'mptcp-lab-http-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
  const run = (argv: string[]) => spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', timeout: 20_000 });

  it('downloads, resumes a truncated download with -c, and the hash matches the seed stream', async () => {
    const size = 5_000_000;
    writeFileSync(join(dir, 'file.bin'), new SeedStream('http').next(size));
    const port = await freePort();
    const server = spawn('busybox', buildHttpServerArgv({ port, protocol: 'tcp', bind: '127.0.0.1', root: dir }).slice(1), { stdio: 'ignore' });
    try {
      const out = join(dir, 'download.bin');
      const client = { address: '127.0.0.1', port, protocol: 'tcp' as const, out };
      let fetched = { status: -1 as number | null, stderr: '' };
      for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        fetched = run(buildHttpClientArgv(client)); // httpd may not listen yet right after spawn
        if (fetched.status === 0) break;
      }
      expect(fetched).toMatchObject({ status: 0, stderr: '' });
      const expected = streamSha256('http', size);
      expect(parseSha256sum(run(buildSha256Argv(out)).stdout)?.sha256).toBe(expected);

      truncateSync(out, 1_234_567);
      expect(parseFileSize(run(buildFileSizeArgv(out)).stdout)).toBe(1_234_567);
      expect(run(buildHttpClientArgv({ ...client, resume: true })).status).toBe(0);
      expect(parseFileSize(run(buildFileSizeArgv(out)).stdout)).toBe(size);
      expect(parseSha256sum(run(buildSha256Argv(out)).stdout)?.sha256).toBe(expected);
    } finally {
      server.kill('SIGKILL');
    }
  }, 30_000);
});
