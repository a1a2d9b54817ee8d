import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AgentUsageError,
  CHUNK_BYTES,
  parseAgentArgs,
  parseConfigureInput,
  parseIpAddrJson,
  parseLimits,
  resolveIfnameRefs,
  SeedStream,
  StreamVerifier,
  streamSha256,
  sysctlPath,
  TRANSFER_PERIOD,
  transferDigest,
  TransferStream,
} from './agent';

const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe('SeedStream', () => {
  it('is pinned: the first MiB of seed "lab" never changes (gen files and transfers depend on it)', () => {
    const first = new SeedStream('lab').next(1 << 20);
    expect(first.subarray(0, 16).toString('hex')).toBe('dabd753e61876e3dc69f03d323393cc2');
    expect(streamSha256('lab', 1 << 20)).toBe('20f03f27a98480393ec26bee5bb3596aba47c3db8a1e9249bb60c5a63ea05b6b');
  });

  it('gives the same bytes for the same seed and different bytes for another seed', () => {
    const a = new SeedStream('seed-1').next(4096);
    expect(new SeedStream('seed-1').next(4096).equals(a)).toBe(true);
    expect(new SeedStream('seed-2').next(4096).equals(a)).toBe(false);
  });

  it('does not depend on chunk boundaries', () => {
    const size = 3 * CHUNK_BYTES + 12345;
    const reference = streamSha256('boundaries', size);
    expect(streamSha256('boundaries', size, 1000)).toBe(reference);
    expect(streamSha256('boundaries', size, 4 * 1024 * 1024)).toBe(reference);
    // Odd, uneven pieces (not multiples of the AES block) as a socket would deliver them.
    const s = new SeedStream('boundaries');
    const parts: Buffer[] = [];
    for (let done = 0, i = 0; done < size; i++) {
      const n = Math.min(size - done, 1 + ((i * 7919) % 70_000));
      parts.push(s.next(n));
      done += n;
    }
    expect(createHash('sha256').update(Buffer.concat(parts)).digest('hex')).toBe(reference);
  });

  it('serves a piece larger than its 4 MiB zero buffer', () => {
    const size = 4 * 1024 * 1024 + 17;
    expect(createHash('sha256').update(new SeedStream('big').next(size)).digest('hex')).toBe(streamSha256('big', size));
  });
});

describe('TransferStream', () => {
  const stream = new TransferStream('lab');

  it('is the seed stream for its first period, then the same again: stream[x] = seed[x mod period]', () => {
    const seed = new SeedStream('lab').next(TRANSFER_PERIOD);
    expect(stream.slice(0, TRANSFER_PERIOD).equals(seed)).toBe(true);
    // A 1 MiB slice spans four periods and a bit: each piece is the seed stream again.
    const big = stream.slice(TRANSFER_PERIOD - 5, 1 << 20);
    for (let at = 5; at + TRANSFER_PERIOD <= big.length; at += TRANSFER_PERIOD) expect(big.subarray(at, at + TRANSFER_PERIOD).equals(seed)).toBe(true);
    const tail = seed.subarray(TRANSFER_PERIOD - 1000);
    // A slice across the end of the period is contiguous: the period's end, then its start.
    const across = stream.slice(TRANSFER_PERIOD - 1000, 5000);
    expect(across.subarray(0, 1000).equals(tail)).toBe(true);
    expect(across.subarray(1000).equals(stream.slice(0, 4000))).toBe(true);
    expect(stream.slice(3 * TRANSFER_PERIOD + 12345, 777).equals(stream.slice(12345, 777))).toBe(true);
  });

  it('has a prime period, so no power-of-two distance (a 32-bit wrap, a buffer size) is a whole number of periods', () => {
    for (let d = 2; d * d <= TRANSFER_PERIOD; d++) expect(TRANSFER_PERIOD % d).not.toBe(0);
    expect(2 ** 32 % TRANSFER_PERIOD).not.toBe(0);
  });

  it('hands out views, not copies, of at most 1 MiB', () => {
    const a = stream.slice(100, 10);
    expect(a.buffer).toBe(stream.slice(200, 10).buffer);
    expect(() => stream.slice(0, 1024 * 1024 + 1)).toThrow(RangeError);
  });
});

describe('StreamVerifier', () => {
  const stream = new TransferStream('verify');
  // 3 MiB from somewhere in the fourth period: a dozen wraps are checked too.
  const START = 3 * TRANSFER_PERIOD + 4567;
  const SIZE = 3 << 20;
  const intact = () => Buffer.concat([stream.slice(START, 1 << 20), stream.slice(START + (1 << 20), 1 << 20), stream.slice(START + (2 << 20), 1 << 20)]);

  /** Feeds `data` in uneven pieces (1 byte to 1.5 MiB, as sockets deliver) to a verifier that starts at START. */
  function verify(data: Buffer): StreamVerifier {
    const v = new StreamVerifier(stream);
    v.bytes = START; // as if the first START bytes had arrived intact
    for (let off = 0, i = 0; off < data.length; i++) {
      const n = Math.min(data.length - off, 1 + ((i * 104_729) % (3 << 19)));
      v.update(data.subarray(off, off + n));
      off += n;
    }
    return v;
  }

  it('passes the intact stream whatever the piece sizes, and counts every byte', () => {
    const v = verify(intact());
    expect(v.mismatchAt).toBeNull();
    expect(v.bytes).toBe(START + SIZE);
  });

  it('finds one changed byte (one bit flipped), at its offset', () => {
    const data = intact();
    data[1_234_567]! ^= 0x01;
    expect(verify(data).mismatchAt).toBe(START + 1_234_567);
  });

  it('finds two 64 KiB blocks delivered in swapped order, at the first one', () => {
    const data = intact();
    const B = 64 * 1024;
    const at = 20 * B;
    const swapped = Buffer.concat([data.subarray(0, at), data.subarray(at + B, at + 2 * B), data.subarray(at, at + B), data.subarray(at + 2 * B)]);
    expect(swapped.length).toBe(data.length);
    expect(verify(swapped).mismatchAt).toBe(START + at);
  });

  it('finds a missing byte, a duplicated segment and an extra byte, at the first byte out of place', () => {
    const data = intact();
    const missing = Buffer.concat([data.subarray(0, 500_000), data.subarray(500_001)]);
    expect(verify(missing).mismatchAt).toBe(START + 500_000);
    const dup = Buffer.concat([data.subarray(0, 2_000_000), data.subarray(2_000_000 - 1448, 2_000_000), data.subarray(2_000_000)]);
    expect(verify(dup).mismatchAt).toBe(START + 2_000_000);
    const extra = Buffer.concat([data.subarray(0, 9), Buffer.from([data[9]! ^ 0xff]), data.subarray(9)]);
    expect(verify(extra).mismatchAt).toBe(START + 9);
  });

  it('cannot see data displaced by exactly one period (the stream is equal to itself there): the documented limit', () => {
    const v = new StreamVerifier(stream);
    v.update(stream.slice(0, 1000));
    v.update(stream.slice(1000 + TRANSFER_PERIOD, 1000)); // the bytes one period later: identical
    expect(v.mismatchAt).toBeNull();
  });
});

describe('transferDigest', () => {
  it('is equal for the same seed and length, and differs with another length, seed or a mismatch', () => {
    const d = transferDigest('s', 1000);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(transferDigest('s', 1000)).toBe(d);
    expect(transferDigest('s', 1000, null)).toBe(d);
    expect(transferDigest('s', 999)).not.toBe(d);
    expect(transferDigest('t', 1000)).not.toBe(d);
    expect(transferDigest('s', 1000, 0)).not.toBe(d);
    expect(transferDigest('s', 1000, 5)).not.toBe(transferDigest('s', 1000, 6));
  });

  it('is pinned: changing what it covers is a deliberate change of the transfer stream', () => {
    expect(transferDigest('lab', 1 << 20)).toBe('a3f3186b3ff21889e8abe166b1fd8bb88cf5a6b1f383b4183ec3be804616930a');
  });
});

describe('parseAgentArgs', () => {
  it('parses gen', () => {
    expect(parseAgentArgs(['gen', '--size', '2500000000', '--seed', 's', '--out', '/srv/lab/file.bin'])).toEqual({
      cmd: 'gen',
      size: 2_500_000_000,
      seed: 's',
      out: '/srv/lab/file.bin',
    });
  });

  it('parses a server with defaults (bind 0.0.0.0, 100 ms interval)', () => {
    expect(parseAgentArgs(['transfer-server', '--port', '0', '--direction', 'download', '--size', '10', '--seed', 's'])).toEqual({
      cmd: 'transfer-server',
      bind: '0.0.0.0',
      port: 0,
      direction: 'download',
      size: 10,
      durationMs: undefined,
      seed: 's',
      intervalMs: 100,
      timeoutMs: undefined,
      verify: false,
    });
  });

  it('parses a client in duration mode with every option', () => {
    const c = parseAgentArgs([
      'transfer-client', '--connect', '10.1.0.2', '--port', '5201', '--direction', 'upload', '--duration-ms', '1000',
      '--seed', 's', '--interval-ms', '50', '--timeout-ms', '9000', '--verify',
    ]);
    expect(c).toMatchObject({ cmd: 'transfer-client', connect: '10.1.0.2', port: 5201, durationMs: 1000, intervalMs: 50, timeoutMs: 9000, verify: true });
  });

  it.each([
    [[], /unknown command ""/],
    [['serve'], /unknown command "serve"; expected one of configure, gen/],
    [['gen', '--size', '1', '--seed', 's'], /--out is required/],
    [['gen', '--size', '1e9', '--seed', 's', '--out', 'f'], /--size expects an integer from 0/],
    [['gen', '--size', '-5', '--seed', 's', '--out', 'f'], /--size expects an integer/],
    [['gen', '--size'], /--size needs a value/],
    [['gen', '--size', '1', '--size', '2'], /--size given twice/],
    [['gen', 'extra'], /unknown argument "extra"/],
    [['gen', '--port', '1'], /gen: unknown argument "--port"/],
    [['transfer-server', '--port', '1', '--direction', 'sideways', '--size', '1', '--seed', 's'], /--direction expects download or upload/],
    [['transfer-server', '--port', '1', '--direction', 'upload', '--seed', 's'], /exactly one of --size and --duration-ms/],
    [['transfer-server', '--port', '1', '--direction', 'upload', '--size', '1', '--duration-ms', '5', '--seed', 's'], /exactly one of/],
    [['transfer-server', '--port', '70000', '--direction', 'upload', '--size', '1', '--seed', 's'], /--port expects an integer from 0 to 65535/],
    [['transfer-client', '--connect', 'a', '--port', '0', '--direction', 'upload', '--size', '1', '--seed', 's'], /--port expects an integer from 1/],
    [['transfer-client', '--port', '1', '--direction', 'upload', '--size', '1', '--seed', 's'], /--connect is required/],
    [['transfer-client', '--connect', 'a', '--port', '1', '--direction', 'upload', '--size', '1', '--seed', 's', '--bind', 'x'], /unknown argument "--bind"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseAgentArgs(argv)).toThrow(AgentUsageError);
    expect(() => parseAgentArgs(argv)).toThrow(message);
  });
});

describe('configure input', () => {
  it('accepts sysctl and run steps, defaulting readback', () => {
    const input = parseConfigureInput(
      JSON.stringify({ steps: [{ sysctl: 'net.mptcp.enabled', value: '1' }, { run: ['ip', 'mptcp', 'limits', 'set', 'subflows', '1'], allowFail: true }] }),
    );
    expect(input).toEqual({
      steps: [
        { sysctl: 'net.mptcp.enabled', value: '1' },
        { run: ['ip', 'mptcp', 'limits', 'set', 'subflows', '1'], allowFail: true },
      ],
      readback: { sysctls: [], devices: [] },
    });
  });

  it.each([
    ['not json', /stdin is not JSON/],
    ['{}', /"steps" must be an array/],
    ['{"steps":[{"run":[]}]}', /steps\[0\] must be/],
    ['{"steps":[{"sysctl":"net.mptcp.enabled","value":1}]}', /steps\[0\] must be/],
    ['{"steps":[{"sysctl":"kernel.core_pattern","value":"x"}]}', /sysctl "kernel.core_pattern" is not allowed/],
    ['{"steps":[],"readback":{"sysctls":["vm.swappiness"]}}', /not allowed/],
    ['{"steps":[],"readback":{"devices":"eth0"}}', /must be arrays of strings/],
  ])('rejects %s before running anything', (text, message) => {
    expect(() => parseConfigureInput(text)).toThrow(AgentUsageError);
    expect(() => parseConfigureInput(text)).toThrow(message);
  });
});

describe('interfaces and @ifname: references', () => {
  const interfaces = parseIpAddrJson(fixture('ip-4-addr-show.json'));

  it('reads every IPv4 address of `ip -j -4 addr show` (iproute2 6.1)', () => {
    expect(interfaces).toEqual([
      { address: '127.0.0.1', ifname: 'lo', prefixLength: 8, iflink: null },
      { address: '192.0.2.2', ifname: 'eth0', prefixLength: 24, iflink: null },
      { address: '172.17.0.1', ifname: 'docker0', prefixLength: 16, iflink: null },
    ]);
  });

  it('lists an interface once per address and skips links without IPv4', () => {
    const text = JSON.stringify([
      { ifname: 'eth1', addr_info: [{ family: 'inet', local: '10.1.0.2', prefixlen: 24 }, { family: 'inet', local: '10.9.0.2', prefixlen: 24 }] },
      { ifname: 'eth2', addr_info: [] },
      { ifname: 'eth3', addr_info: [{ family: 'inet6', local: 'fe80::1', prefixlen: 64 }] },
    ]);
    expect(parseIpAddrJson(text).map((i) => `${i.address}=${i.ifname}`)).toEqual(['10.1.0.2=eth1', '10.9.0.2=eth1']);
  });

  it('replaces exact @ifname:<ipv4> elements only', () => {
    expect(resolveIfnameRefs(['tc', 'qdisc', 'replace', 'dev', '@ifname:192.0.2.2', 'root', 'x@ifname:127.0.0.1'], interfaces)).toEqual([
      'tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'x@ifname:127.0.0.1',
    ]);
  });

  it('names an unknown address and the known ones', () => {
    expect(() => resolveIfnameRefs(['@ifname:10.1.0.2'], interfaces)).toThrow(
      'no interface holds address 10.1.0.2 (known: 127.0.0.1=lo, 192.0.2.2=eth0, 172.17.0.1=docker0)',
    );
  });

  it('rejects a malformed reference', () => {
    expect(() => resolveIfnameRefs(['@ifname:eth0'], interfaces)).toThrow(/not a valid reference/);
  });
});

describe('sysctlPath', () => {
  it.each([
    ['net.mptcp.enabled', '/proc/sys/net/mptcp/enabled'],
    ['net.mptcp.checksum_enabled', '/proc/sys/net/mptcp/checksum_enabled'],
    ['net.ipv4.tcp_rmem', '/proc/sys/net/ipv4/tcp_rmem'],
    ['net.ipv4.conf.eth1.rp_filter', '/proc/sys/net/ipv4/conf/eth1/rp_filter'],
  ])('maps %s', (name, path) => expect(sysctlPath(name)).toBe(path));

  it.each(['net.mptcp.', 'net.mptcp.Enabled', 'net.mptcp.a.b', 'net.ipv6.conf.all.forwarding', 'net.ipv4..x', 'net.ipv4./etc', 'net.ipv4', 'kernel.x'])(
    'rejects %s',
    (name) => expect(() => sysctlPath(name)).toThrow(AgentUsageError),
  );
});

describe('parseLimits', () => {
  it('reads the text of iproute2 6.1 (which ignores -j)', () => {
    expect(parseLimits(fixture('ip-mptcp-limits-show-6.1.txt'))).toEqual({ subflows: 2, add_addr_accepted: 0 });
    expect(parseLimits('add_addr_accepted 8 subflows 8\n')).toEqual({ subflows: 8, add_addr_accepted: 8 });
  });

  it('reads the JSON of newer iproute2', () => {
    expect(parseLimits('{"add_addr_accepted":4,"subflows":2}')).toEqual({ subflows: 2, add_addr_accepted: 4 });
  });

  it('leaves missing numbers null', () => {
    expect(parseLimits('subflows 3')).toEqual({ subflows: 3, add_addr_accepted: null });
    expect(parseLimits('')).toEqual({ subflows: null, add_addr_accepted: null });
  });
});
