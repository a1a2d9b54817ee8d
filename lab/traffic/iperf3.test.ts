import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildIperfClientArgv, buildIperfServerArgv, parseIperfJson } from './iperf3';

const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe('iperf3 argv', () => {
  it('builds a one-off server under mptcpize', () => {
    expect(buildIperfServerArgv({ port: 5201, protocol: 'mptcp' })).toEqual(['mptcpize', 'run', 'iperf3', '-s', '-1', '-p', '5201']);
    expect(buildIperfServerArgv({ port: 5201, protocol: 'tcp', bind: '10.1.0.2' })).toEqual(['iperf3', '-s', '-1', '-p', '5201', '-B', '10.1.0.2']);
  });

  it('builds a download (-R) of a size', () => {
    expect(buildIperfClientArgv({ address: '10.1.0.2', port: 5201, protocol: 'mptcp', direction: 'download', sizeBytes: 2_500_000_000 })).toEqual([
      'mptcpize', 'run', 'iperf3', '-c', '10.1.0.2', '-p', '5201', '-n', '2500000000', '-J', '-R', '-i', '0.1',
    ]);
  });

  it('builds an upload of a duration, rounding up to whole seconds (3.12 truncates -t)', () => {
    expect(
      buildIperfClientArgv({ address: '10.1.0.2', port: 5201, protocol: 'tcp', direction: 'upload', durationMs: 1500, intervalS: 0.5, connectTimeoutMs: 3000 }),
    ).toEqual(['iperf3', '-c', '10.1.0.2', '-p', '5201', '-t', '2', '-J', '-i', '0.5', '--connect-timeout', '3000']);
  });

  it('keeps the interval at iperf3 minimum of 0.1 s and needs exactly one amount', () => {
    expect(buildIperfClientArgv({ address: 'a', port: 1, protocol: 'tcp', direction: 'upload', durationMs: 1, intervalS: 0.01 })).toContain('0.1');
    expect(() => buildIperfClientArgv({ address: 'a', port: 1, protocol: 'tcp', direction: 'upload' })).toThrow(/exactly one/);
  });
});

describe('parseIperfJson (iperf3 3.12 fixtures)', () => {
  it('reads an upload: the client is the sender, intervals are sent bytes', () => {
    const r = parseIperfJson(fixture('iperf3-3.12-upload-2s.json'));
    expect(r.intervalsFrom).toBe('sender');
    expect(r.intervals).toHaveLength(20);
    expect(r.intervals[0]).toEqual({ startS: 0, endS: 0.100048, bytes: 151912448, bitsPerSecond: 12147165427.70764 });
    expect(r.totalBytes).toBe(4748607488);
    expect(r.bitsPerSecond).toBeCloseTo(18918340386.96, 1);
    expect(r.retransmits).toBe(5);
    expect(r.error).toBeUndefined();
  });

  it('reads a download (-R): the client is the receiver', () => {
    const r = parseIperfJson(fixture('iperf3-3.12-download-2s.json'));
    expect(r.intervalsFrom).toBe('receiver');
    expect(r.intervals.length).toBeGreaterThanOrEqual(19);
    expect(r.intervals.reduce((s, i) => s + i.bytes, 0)).toBeLessThanOrEqual(r.totalBytes);
    expect(r.totalBytes).toBeGreaterThan(0);
    expect(typeof r.retransmits).toBe('number');
  });

  it('reports iperf3 own error', () => {
    expect(parseIperfJson(fixture('iperf3-3.12-refused.json'))).toEqual({
      intervals: [],
      intervalsFrom: 'unknown',
      totalBytes: 0,
      bitsPerSecond: 0,
      error: 'unable to connect to server: Connection refused',
    });
  });

  it('never throws on unreadable output (a killed iperf3)', () => {
    const r = parseIperfJson(fixture('iperf3-3.12-upload-2s.json').slice(0, 500));
    expect(r).toMatchObject({ intervals: [], totalBytes: 0, error: expect.stringMatching(/^iperf3 output is not JSON/) });
    expect(parseIperfJson('').error).toMatch(/not JSON/);
  });
});

// The argv above, run for real on 127.0.0.1 when iperf3 is installed (it is in the image).
const hasIperf3 = spawnSync('iperf3', ['--version']).status === 0;
(hasIperf3 ? it : it.skip)(`runs a 1 s loopback download with the built argv${hasIperf3 ? '' : ' (skipped: no iperf3 on this machine)'}`, async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const serverArgv = buildIperfServerArgv({ port, protocol: 'tcp', bind: '127.0.0.1' });
  const server = spawn(serverArgv[0] ?? '', serverArgv.slice(1), { stdio: 'ignore' });
  try {
    const argv = buildIperfClientArgv({ address: '127.0.0.1', port, protocol: 'tcp', direction: 'download', durationMs: 1000, connectTimeoutMs: 2000 });
    let r = parseIperfJson('');
    for (const deadline = Date.now() + 5000; Date.now() < deadline && r.totalBytes === 0; await new Promise((res) => setTimeout(res, 100))) {
      r = parseIperfJson(spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', timeout: 10_000 }).stdout); // the server may not listen yet
    }
    expect(r.error).toBeUndefined();
    expect(r.intervalsFrom).toBe('receiver');
    expect(r.intervals.length).toBeGreaterThanOrEqual(9);
    expect(r.totalBytes).toBeGreaterThan(0);
  } finally {
    server.kill('SIGKILL');
  }
}, 30_000);
