/**
 * The agent as the image runs it: compiled by the image build's own compileAgent (CommonJS,
 * ES2020) and run by `node` as a child process, on 127.0.0.1 only. Its output is
 * read with lab/traffic's parser, so the two cannot drift apart. AGENT_NODE may name
 * another node binary (e.g. Debian's Node 18) to run it with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAgent } from '../image/build';
import { parseAgentLine, type AgentLine, type DoneLine, type ProgressLine } from '../traffic/agent-lines';
import { compareTransferEnds } from '../traffic/transfer';
import { PROGRESS_FLUSH_MS, streamSha256, transferDigest } from './agent';

jest.setTimeout(30_000);

let dir: string;
let agentJs: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mptcp-lab-agent-'));
  agentJs = join(dir, 'agent.js');
  writeFileSync(agentJs, await compileAgent(readFileSync(join(__dirname, 'agent.ts'), 'utf8')));
});

afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Agent {
  proc: ChildProcess;
  lines: AgentLine[];
  /** How many reads of stdout brought at least one progress line (a batch is one write). */
  progressReads: () => number;
  /** Resolves with the first line matching, or rejects after timeoutMs saying what was awaited. */
  waitFor<T extends AgentLine>(what: string, match: (l: AgentLine) => l is T, timeoutMs?: number): Promise<T>;
  exit: Promise<number | null>;
}

function startAgent(args: string[], stdin?: string): Agent {
  const proc = spawn(process.env.AGENT_NODE ?? process.execPath, [agentJs, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.push(proc);
  const lines: AgentLine[] = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  let progressReads = 0;
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    if (chunk.includes('"progress"')) progressReads++;
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const text of parts) {
      const line = parseAgentLine(text);
      if (line) lines.push(line);
      else if (text.trim()) throw new Error(`agent printed a line lab/traffic cannot parse: ${text}`);
    }
    waiters.forEach((w) => w());
  });
  proc.stdin?.end(stdin ?? '');
  const exit = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  const waitFor = <T extends AgentLine>(what: string, match: (l: AgentLine) => l is T, timeoutMs = 10_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} line within ${timeoutMs} ms; got ${JSON.stringify(lines)}`)), timeoutMs);
      const check = () => {
        const hit = lines.find(match);
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        }
      };
      waiters.push(check);
      check();
    });
  return { proc, lines, progressReads: () => progressReads, waitFor, exit };
}

const isType =
  <K extends AgentLine['type']>(type: K) =>
  (l: AgentLine): l is Extract<AgentLine, { type: K }> =>
    l.type === type;
const done = (a: Agent) => a.lines.find(isType('done')) as DoneLine | undefined;
const progress = (a: Agent) => a.lines.filter(isType('progress')) as ProgressLine[];

async function startPair(direction: 'download' | 'upload', amount: string[], extra: string[] = [], serverOnly: string[] = []) {
  const common = ['--direction', direction, ...amount, '--seed', 'e2e', ...extra];
  const server = startAgent(['transfer-server', '--port', '0', '--bind', '127.0.0.1', ...common, ...serverOnly]);
  const { port } = await server.waitFor('listening', isType('listening'));
  const client = startAgent(['transfer-client', '--connect', '127.0.0.1', '--port', String(port), ...common]);
  return { server, client };
}

function expectMonotonic(lines: ProgressLine[]) {
  for (let i = 1; i < lines.length; i++) {
    expect(lines[i]!.tMs).toBeGreaterThanOrEqual(lines[i - 1]!.tMs);
    expect(lines[i]!.bytes).toBeGreaterThanOrEqual(lines[i - 1]!.bytes);
  }
}

describe('transfer over loopback', () => {
  const SIZE = 50_000_000;

  it.each([
    ['download', 'server', 'client'],
    ['upload', 'client', 'server'],
  ] as const)('%s of 50 MB: the %s sends, the %s receives, both hashes agree', async (direction, senderSide, receiverSide) => {
    const pair = await startPair(direction, ['--size', String(SIZE)], ['--interval-ms', '10']);
    expect(await pair.client.exit).toBe(0);
    expect(await pair.server.exit).toBe(0);
    const sender = done(pair[senderSide]);
    const receiver = done(pair[receiverSide]);
    expect(sender).toMatchObject({ role: 'sender', bytes: SIZE, complete: true });
    expect(receiver).toMatchObject({ role: 'receiver', bytes: SIZE, complete: true });
    // Both ends report the digest of "SIZE bytes of seed e2e's stream", the receiver after checking every byte.
    expect(receiver?.sha256).toBe(transferDigest('e2e', SIZE));
    expect(receiver?.mismatchAt).toBeNull();
    expect((receiver as { cpuMs?: unknown } | undefined)?.cpuMs).toEqual({ user: expect.any(Number), system: expect.any(Number) });
    expect(compareTransferEnds(sender, receiver, SIZE)).toEqual({
      completed: true,
      integrity: { expected: sender?.sha256, actual: receiver?.sha256, ok: true },
      bytesReceived: SIZE,
    });
    expect(pair[receiverSide].lines.find(isType('connected'))).toMatchObject({ role: 'receiver', remoteAddress: '127.0.0.1' });
    expect(progress(pair[receiverSide]).length).toBeGreaterThan(0);
    expectMonotonic(progress(pair[receiverSide]));
    expectMonotonic(progress(pair[senderSide]));
  });

  it('duration mode: the sender stops after 1 s, the receiver gets every byte it sent', async () => {
    const pair = await startPair('download', ['--duration-ms', '1000'], ['--interval-ms', '100']);
    expect(await pair.client.exit).toBe(0);
    expect(await pair.server.exit).toBe(0);
    const sender = done(pair.server)!;
    const receiver = done(pair.client)!;
    expect(sender.ms).toBeGreaterThanOrEqual(1000);
    expect(sender.ms).toBeLessThan(5000);
    expect(sender.bytes).toBeGreaterThan(0);
    expect(compareTransferEnds(sender, receiver)).toMatchObject({ completed: true, integrity: { ok: true }, bytesReceived: sender.bytes });
    expect(progress(pair.client).length).toBeGreaterThanOrEqual(5);
  });

  it(`progress at 10 ms keeps its 10 ms resolution but is written in batches (about every ${PROGRESS_FLUSH_MS} ms)`, async () => {
    const pair = await startPair('download', ['--duration-ms', '1000'], ['--interval-ms', '10']);
    expect(await pair.client.exit).toBe(0);
    expect(await pair.server.exit).toBe(0);
    const lines = progress(pair.client);
    const gaps = lines.slice(1).map((l, i) => l.tMs - lines[i]!.tMs);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    const reads = pair.client.progressReads();
    // One write per line, read as it comes, would make reads ≈ lines (≥ 60 here).
    expect({ lines: lines.length, median, reads, batched: reads <= lines.length / 4 }).toEqual({ lines: lines.length, median: expect.any(Number), reads, batched: true });
    expect(lines.length).toBeGreaterThanOrEqual(60);
    expect(median).toBeLessThanOrEqual(15);
    expectMonotonic(lines);
  });

  it('a sender killed mid-way leaves the receiver incomplete, exit 1', async () => {
    const planned = 100_000_000_000; // far more than can move before the kill
    const pair = await startPair('download', ['--size', String(planned)], ['--interval-ms', '20']);
    await pair.client.waitFor('progress with data', (l): l is ProgressLine => l.type === 'progress' && l.bytes > 0);
    pair.server.proc.kill('SIGKILL');
    expect(await pair.client.exit).toBe(1);
    const receiver = done(pair.client)!;
    expect(receiver.complete).toBe(false);
    expect(receiver.bytes).toBeGreaterThan(0);
    expect(receiver.error).toMatch(new RegExp(`received ${receiver.bytes} of ${planned} bytes`));
    const outcome = compareTransferEnds(undefined, receiver, planned);
    expect(outcome).toMatchObject({ completed: false, integrity: null, bytesReceived: receiver.bytes });
    expect(outcome.error).toMatch(/the sender left no done line/);
  });

  it('a receiver killed mid-way leaves the sender incomplete, exit 1', async () => {
    const pair = await startPair('download', ['--duration-ms', '20000'], ['--interval-ms', '20']);
    await pair.server.waitFor('progress with data', (l): l is ProgressLine => l.type === 'progress' && l.bytes > 0);
    pair.client.proc.kill('SIGKILL');
    expect(await pair.server.exit).toBe(1);
    expect(done(pair.server)).toMatchObject({ role: 'sender', complete: false, error: expect.stringMatching(/ECONNRESET|EPIPE/) });
  });

  it('--verify (now always on) reports no mismatch on an intact stream', async () => {
    const pair = await startPair('upload', ['--size', '3000000'], ['--verify']);
    expect(await pair.server.exit).toBe(0);
    expect(done(pair.server)).toMatchObject({ role: 'receiver', complete: true, mismatchAt: null });
  });

  it('--timeout-ms cuts a transfer that runs too long', async () => {
    // 1 s: under load, the client's start (Node itself) can take most of 300 ms.
    const pair = await startPair('download', ['--duration-ms', '20000'], [], ['--timeout-ms', '1000']);
    expect(await pair.server.exit).toBe(1);
    expect(done(pair.server)).toMatchObject({ complete: false, error: 'timeout after 1000 ms' });
    // The cut is a reset, but a receiver that has read everything may still see it as an end
    // (Linux reports the reset or EOF, racily): the sender's line is what tells, as the lab compares both.
    await pair.client.exit;
    expect(compareTransferEnds(done(pair.server), done(pair.client))).toMatchObject({ completed: false, error: expect.stringMatching(/sender: timeout after 1000 ms/) });
  });

  it('--timeout-ms bounds a server that nobody connects to', async () => {
    const server = startAgent(['transfer-server', '--port', '0', '--bind', '127.0.0.1', '--direction', 'upload', '--size', '1', '--seed', 's', '--timeout-ms', '200']);
    expect(await server.exit).toBe(1);
    expect(server.lines).toEqual([
      { type: 'listening', port: expect.any(Number), address: '127.0.0.1' },
      { type: 'error', message: 'no connection within 200 ms' },
    ]);
  });

  it('a refused connection is an error line, exit 1', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const client = startAgent(['transfer-client', '--connect', '127.0.0.1', '--port', String(port), '--direction', 'upload', '--size', '1', '--seed', 's']);
    expect(await client.exit).toBe(1);
    expect(client.lines).toEqual([{ type: 'error', message: expect.stringMatching(/ECONNREFUSED/) }]);
  });

  it('bad usage is an error line, exit 2', async () => {
    const agent = startAgent(['transfer-client', '--port', '1']);
    expect(await agent.exit).toBe(2);
    expect(agent.lines).toEqual([{ type: 'error', message: '--direction is required' }]);
  });
});

/**
 * A proxy between the two agents that alters the download (server to client) stream: `alter`
 * gets the whole stream so far and the offset already forwarded, and returns how many more
 * bytes may go out (it may rewrite bytes after that offset in place).
 */
async function alteringProxy(target: number, alter: (data: Buffer, forwarded: number, ended: boolean) => number): Promise<{ port: number; server: Server }> {
  const server = createServer((down: Socket) => {
    const up = connect({ host: '127.0.0.1', port: target });
    down.pipe(up);
    let data = Buffer.alloc(0);
    let forwarded = 0;
    const flush = (ended: boolean) => {
      const upto = alter(data, forwarded, ended);
      if (upto > forwarded) down.write(data.subarray(forwarded, upto));
      forwarded = upto;
      if (ended) down.end();
    };
    up.on('data', (b: Buffer) => {
      data = Buffer.concat([data, b]);
      flush(false);
    });
    up.on('end', () => flush(true));
    const kill = () => (down.destroy(), up.destroy());
    up.on('error', kill);
    down.on('error', kill);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('an altered stream is caught by the receiver', () => {
  const SIZE = 4_000_000;
  const BLOCK = 64 * 1024;

  async function transferThrough(alter: Parameters<typeof alteringProxy>[1]) {
    const server = startAgent(['transfer-server', '--port', '0', '--bind', '127.0.0.1', '--direction', 'download', '--size', String(SIZE), '--seed', 'e2e']);
    const { port } = await server.waitFor('listening', isType('listening'));
    const proxy = await alteringProxy(port, alter);
    try {
      const client = startAgent(['transfer-client', '--connect', '127.0.0.1', '--port', String(proxy.port), '--direction', 'download', '--size', String(SIZE), '--seed', 'e2e']);
      await Promise.all([client.exit, server.exit]);
      return { sender: done(server)!, receiver: done(client)! };
    } finally {
      proxy.server.close();
    }
  }

  it('one byte changed: the receiver names its offset and the ends disagree', async () => {
    const AT = 3_000_001;
    const { sender, receiver } = await transferThrough((data, forwarded, ended) => {
      if (data.length > AT && forwarded <= AT) data[AT]! ^= 0x20;
      return ended || data.length > AT ? data.length : forwarded;
    });
    expect(receiver).toMatchObject({ complete: true, bytes: SIZE, mismatchAt: AT });
    expect(sender).toMatchObject({ complete: true, bytes: SIZE, sha256: transferDigest('e2e', SIZE) });
    expect(compareTransferEnds(sender, receiver, SIZE)).toMatchObject({
      completed: false,
      integrity: { ok: false },
      error: `byte ${AT} differs from the seed's stream: the data was altered in transit`,
    });
  });

  it('two 64 KiB blocks delivered in swapped order: the receiver names the first one', async () => {
    const AT = 10 * BLOCK;
    const { receiver, sender } = await transferThrough((data, forwarded, ended) => {
      if (forwarded < AT) return Math.min(data.length, AT);
      if (forwarded === AT && data.length >= AT + 2 * BLOCK) {
        const a = Buffer.from(data.subarray(AT, AT + BLOCK));
        data.copy(data, AT, AT + BLOCK, AT + 2 * BLOCK);
        a.copy(data, AT + BLOCK);
        return data.length;
      }
      return forwarded === AT && !ended ? AT : data.length;
    });
    expect(receiver).toMatchObject({ complete: true, bytes: SIZE, mismatchAt: AT });
    expect(compareTransferEnds(sender, receiver, SIZE)).toMatchObject({ completed: false, integrity: { ok: false } });
  });
});

describe('gen', () => {
  it('writes the seed stream and reports its hash', async () => {
    const out = join(dir, 'file.bin');
    const size = 3 * 1024 * 1024 * 3 + 5; // not a multiple of the 4 MiB piece
    const agent = startAgent(['gen', '--size', String(size), '--seed', 'file', '--out', out]);
    expect(await agent.exit).toBe(0);
    const content = readFileSync(out);
    const sha = createHash('sha256').update(content).digest('hex');
    expect(content.length).toBe(size);
    expect(sha).toBe(streamSha256('file', size));
    expect(agent.lines).toEqual([{ type: 'generated', bytes: size, sha256: sha, ms: expect.any(Number), mbPerS: expect.any(Number) }]);
  });

  it('fails with an error line when the file cannot be written', async () => {
    const agent = startAgent(['gen', '--size', '10', '--seed', 's', '--out', join(dir, 'missing', 'file.bin')]);
    expect(await agent.exit).toBe(1);
    expect(agent.lines).toEqual([{ type: 'error', message: expect.stringMatching(/ENOENT/) }]);
  });
});

// Only harmless steps: this runs on the test host, whose configuration must not change.
describe('configure (read-only steps on this host)', () => {
  it('resolves @ifname:, runs steps in order, reads everything back', async () => {
    const input = {
      steps: [{ run: ['echo', '@ifname:127.0.0.1'] }, { run: ['sh', '-c', 'echo nope >&2; exit 3'], allowFail: true }],
      readback: { sysctls: ['net.ipv4.ip_forward'], devices: ['@ifname:127.0.0.1'] },
    };
    const agent = startAgent(['configure'], JSON.stringify(input));
    expect(await agent.exit).toBe(0);
    const line = agent.lines[0];
    expect(line).toMatchObject({
      type: 'configured',
      sysctls: { 'net.ipv4.ip_forward': expect.stringMatching(/^[01]$/) },
      steps: [
        { argv: ['echo', 'lo'], ms: expect.any(Number) },
        { argv: ['sh', '-c', 'echo nope >&2; exit 3'], exitCode: 3, stderr: 'nope\n', failed: true },
      ],
      qdiscs: { lo: expect.any(Array) },
    });
    expect(line?.type === 'configured' && line.interfaces).toContainEqual({ address: '127.0.0.1', ifname: 'lo', prefixLength: 8, iflink: 1 });
  });

  it('stops at the first failing step and reports its argv, exit code and stderr', async () => {
    const marker = join(dir, 'must-not-exist');
    const input = { steps: [{ run: ['sh', '-c', 'echo broken >&2; exit 4'] }, { run: ['touch', marker] }] };
    const agent = startAgent(['configure'], JSON.stringify(input));
    expect(await agent.exit).toBe(1);
    expect(agent.lines).toEqual([
      {
        type: 'error',
        message: 'step 0 (sh -c echo broken >&2; exit 4) exited 4: broken',
        step: 0,
        argv: ['sh', '-c', 'echo broken >&2; exit 4'],
        exitCode: 4,
        stderr: 'broken\n',
        completedSteps: [],
      },
    ]);
    expect(existsSync(marker)).toBe(false);
  });

  it('fails on an unknown address before running any step', async () => {
    const marker = join(dir, 'must-not-exist-either');
    const agent = startAgent(['configure'], JSON.stringify({ steps: [{ run: ['touch', marker] }, { run: ['echo', '@ifname:203.0.113.9'] }] }));
    expect(await agent.exit).toBe(1);
    expect(agent.lines).toEqual([{ type: 'error', message: expect.stringMatching(/^no interface holds address 203\.0\.113\.9 \(known: 127\.0\.0\.1=lo/) }]);
    expect(existsSync(marker)).toBe(false);
  });

  it('rejects a sysctl outside net.mptcp / net.ipv4 with exit 2', async () => {
    const agent = startAgent(['configure'], JSON.stringify({ steps: [{ sysctl: 'kernel.panic', value: '1' }] }));
    expect(await agent.exit).toBe(2);
    expect(agent.lines).toEqual([{ type: 'error', message: expect.stringMatching(/sysctl "kernel.panic" is not allowed/) }]);
  });
});
