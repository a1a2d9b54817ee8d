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
  streamSha256,
  sysctlPath,
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
