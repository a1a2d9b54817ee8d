import type { DoneLine } from './agent-lines';
import { buildTransferClientArgv, buildTransferServerArgv, compareTransferEnds, goodputFromProgress, parseAgentLine } from './transfer';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const doneLine = (over: Partial<DoneLine>): DoneLine => ({ type: 'done', role: 'sender', bytes: 100, sha256: SHA_A, ms: 10, complete: true, ...over });

describe('transfer argv', () => {
  it('builds the server under mptcpize', () => {
    expect(
      buildTransferServerArgv({ protocol: 'mptcp', direction: 'download', port: 5201, seed: 'run-1', sizeBytes: 2_500_000_000, bind: '10.1.0.2' }),
    ).toEqual([
      'mptcpize', 'run', 'node', '/opt/mptcp-lab/agent.js', 'transfer-server', '--port', '5201',
      '--direction', 'download', '--seed', 'run-1', '--size', '2500000000', '--bind', '10.1.0.2',
    ]);
  });

  it('builds the client in duration mode with every option', () => {
    expect(
      buildTransferClientArgv({
        protocol: 'tcp', direction: 'upload', port: 5201, seed: 's', durationMs: 10_000, address: '10.1.0.2',
        intervalMs: 50, timeoutMs: 60_000, verify: true,
      }),
    ).toEqual([
      'node', '/opt/mptcp-lab/agent.js', 'transfer-client', '--connect', '10.1.0.2', '--port', '5201',
      '--direction', 'upload', '--seed', 's', '--duration-ms', '10000', '--interval-ms', '50', '--timeout-ms', '60000', '--verify',
    ]);
  });

  it.each([
    [{ sizeBytes: 1, durationMs: 1 }, /exactly one of sizeBytes and durationMs/],
    [{}, /exactly one of/],
    [{ sizeBytes: 1.5 }, /sizeBytes must be an integer >= 0/],
    [{ durationMs: 0 }, /durationMs must be an integer >= 1/],
    [{ sizeBytes: 1, port: 0 }, /port must be 1..65535/],
    [{ sizeBytes: 1, intervalMs: 5 }, /intervalMs must be an integer >= 10/],
  ])('rejects %j', (over, message) => {
    expect(() => buildTransferClientArgv({ protocol: 'tcp', direction: 'upload', port: 1, seed: 's', address: 'a', ...over })).toThrow(message);
  });

  it('lets the server ask for any free port (0)', () => {
    expect(buildTransferServerArgv({ protocol: 'tcp', direction: 'upload', port: 0, seed: 's', sizeBytes: 1 })).toContain('0');
  });
});

describe('parseAgentLine', () => {
  it.each([
    '{"type":"listening","port":5201,"address":"0.0.0.0"}',
    '{"type":"connected","role":"receiver","localAddress":"10.1.0.3","localPort":40000,"remoteAddress":"10.1.0.2","remotePort":5201}',
    '{"type":"progress","role":"receiver","tMs":100,"bytes":1048576}',
    `{"type":"done","role":"receiver","bytes":10,"sha256":"${SHA_A}","ms":5,"complete":false,"error":"received 10 of 20 bytes"}`,
    `{"type":"generated","bytes":10,"sha256":"${SHA_A}","ms":1,"mbPerS":0}`,
    '{"type":"configured","interfaces":[],"sysctls":{},"endpoints":[],"limits":null,"qdiscs":{},"steps":[],"readbackErrors":[]}',
    '{"type":"error","message":"boom","step":1,"argv":["ip"],"exitCode":2,"stderr":"x"}',
  ])('reads %s', (text) => {
    expect(parseAgentLine(text)).toEqual(JSON.parse(text));
  });

  it.each([
    '',
    'Warning: Ignoring extra certs from `/etc/ssl/certs/ca-certificates.crt`',
    '{"type":"progress"',
    '[1,2]',
    'null',
    '{"type":"unknown","x":1}',
    '{"type":"constructor"}',
    '{"type":"__proto__"}',
    '{"type":"progress","tMs":"100","bytes":1}',
    '{"type":"done","role":"receiver","bytes":1,"sha256":"x","ms":1}',
  ])('returns null for %j', (text) => {
    expect(parseAgentLine(text)).toBeNull();
  });
});

describe('compareTransferEnds', () => {
  const receiver = (over: Partial<DoneLine> = {}) => doneLine({ role: 'receiver', ...over });

  it('passes when both ends finished with the same bytes and hash', () => {
    expect(compareTransferEnds(doneLine({}), receiver(), 100)).toEqual({
      completed: true,
      integrity: { expected: SHA_A, actual: SHA_A, ok: true },
      bytesReceived: 100,
    });
  });

  it('flags altered data: same length, different hash', () => {
    expect(compareTransferEnds(doneLine({}), receiver({ sha256: SHA_B }))).toEqual({
      completed: false,
      integrity: { expected: SHA_A, actual: SHA_B, ok: false },
      bytesReceived: 100,
      error: 'SHA-256 differs: the data was altered in transit',
    });
  });

  it('names the first altered byte when the receiver reports it', () => {
    expect(compareTransferEnds(doneLine({}), receiver({ sha256: SHA_B, mismatchAt: 42 }), 100)).toMatchObject({
      completed: false,
      integrity: { ok: false },
      error: "byte 42 differs from the seed's stream: the data was altered in transit",
    });
  });

  it('flags a short transfer against the plan', () => {
    const r = compareTransferEnds(doneLine({ bytes: 60 }), receiver({ bytes: 60 }), 100);
    expect(r).toMatchObject({ completed: false, integrity: { ok: true }, error: 'received 60 of 100 planned bytes' });
  });

  it('reports both ends failing, and a byte count mismatch', () => {
    const r = compareTransferEnds(
      doneLine({ complete: false, error: 'write EPIPE', bytes: 80 }),
      receiver({ complete: false, error: 'read ECONNRESET', bytes: 50, sha256: SHA_B }),
    );
    expect(r).toEqual({
      completed: false,
      integrity: { expected: SHA_A, actual: SHA_B, ok: false },
      bytesReceived: 50,
      error: 'sender: write EPIPE; receiver: read ECONNRESET; sent 80 bytes, received 50',
    });
  });

  it('has no integrity verdict when an end left no done line (a killed process)', () => {
    expect(compareTransferEnds(undefined, receiver({ bytes: 40 }))).toEqual({
      completed: false,
      integrity: null,
      bytesReceived: 40,
      error: 'the sender left no done line',
    });
    expect(compareTransferEnds(doneLine({}), undefined)).toMatchObject({ completed: false, integrity: null, bytesReceived: 0 });
  });
});

describe('goodputFromProgress', () => {
  it('turns cumulative bytes into bit/s per interval, from the connection at 0', () => {
    const lines = [
      { type: 'progress' as const, tMs: 200, bytes: 3_000_000 },
      { type: 'progress' as const, tMs: 100, bytes: 1_000_000 },
      { type: 'progress' as const, tMs: 200, bytes: 3_000_000 },
    ];
    expect(goodputFromProgress(lines, 1000)).toEqual({ t: [1100, 1200], v: [80_000_000, 160_000_000], unit: 'bit/s' });
  });
});
