/**
 * Bad topologies: each problem must say where (file:line:col, 1-based), at which YAML path,
 * and what was expected. Lines and columns below are counted in the YAML shown.
 */
import { HEAD, onlyProblem, problemsOf, yaml } from './test-support';

function expectAt(p: { file: string; line?: number; col?: number; path: string; message: string }, line: number, col: number, path: string, message: string) {
  expect({ file: p.file, line: p.line, col: p.col, path: p.path }).toEqual({ file: 'lab.yaml', line, col, path });
  expect(p.message).toContain(message);
}

const HOSTS_BLOCK = yaml`
  description: t
  hosts:
    pc1:
      role: server
    pc2:
      role: client
`;

describe('unknown keys, at every depth, point at the key and list the allowed keys', () => {
  test('top level', () => {
    expectAt(onlyProblem(HEAD + 'extra: 1\n'), 5, 1, 'extra', 'unknown key "extra" (allowed: name, description, hosts, paths, traffic, timeline, checks)');
  });
  test('in a host, with a did-you-mean', () => {
    const p = onlyProblem(HOSTS_BLOCK.replace('role: server', 'role: server\n    rol: x') + 'paths: {a: {}}\ntraffic: {tool: iperf3, duration: 5s}\n');
    expectAt(p, 5, 5, 'hosts.pc1.rol', 'unknown key "rol" (did you mean "role"?) (allowed: role, mptcp)');
  });
  test('in a path', () => {
    const text = yaml`
      description: t
      hosts: {pc1: {role: server}, pc2: {role: client}}
      paths:
        vlan180:
          rate: 1gbit
          dealy: 10ms
      traffic: {tool: http, size: 1GB}
    `;
    expectAt(onlyProblem(text), 6, 5, 'paths.vlan180.dealy', 'unknown key "dealy" (did you mean "delay"?) (allowed: rate, delay, jitter, loss, corrupt, duplicate, reorder, limit, subnet, hosts, from)');
  });
  test('in a per-direction impairment (depth 4)', () => {
    const text = yaml`
      description: t
      hosts: {pc1: {role: server}, pc2: {role: client}}
      paths:
        vlan180:
          from:
            pc1:
              bandwidth: 1gbit
      traffic: {tool: http, size: 1GB}
    `;
    expectAt(onlyProblem(text), 7, 9, 'paths.vlan180.from.pc1.bandwidth', 'unknown key "bandwidth" (allowed: rate, delay, jitter, loss, corrupt, duplicate, reorder, limit)');
  });
  test('in a timeline event', () => {
    const p = onlyProblem(HEAD + 'timeline:\n  - at: 3s\n    kut: vlan181\n');
    expectAt(p, 7, 5, 'timeline[0].kut', 'unknown key "kut" (did you mean "cut"?) (allowed: at, cut, restore, impair, mode, set, from)');
  });
  test('in a check', () => {
    const p = onlyProblem(HEAD + 'checks:\n  aggregate:\n    min: 85%\n    max: 99%\n');
    expectAt(p, 8, 5, 'checks.aggregate.max', 'unknown key "max" (allowed: min)');
  });
});

describe('units', () => {
  const pathWith = (field: string) => yaml`
    description: t
    hosts: {pc1: {role: server}, pc2: {role: client}}
    paths:
      vlan180:
        ${field}
    traffic: {tool: http, size: 1GB}
  `;
  test('1gb is a size, not a rate', () => {
    expectAt(onlyProblem(pathWith('rate: 1gb')), 5, 11, 'paths.vlan180.rate', 'expected a rate such as 1gbit or 100mbit (units: bit, kbit, mbit, gbit, tbit), got "1gb"');
  });
  test('a bare number delay has no unit', () => {
    expectAt(onlyProblem(pathWith('delay: 5')), 5, 12, 'paths.vlan180.delay', 'expected a duration with a unit (e.g. 30ms or 3s), got the bare number 5');
  });
  test('"3 seconds" is not a duration unit', () => {
    expectAt(onlyProblem(HEAD + 'timeline:\n  - at: 3 seconds\n    cut: vlan181\n'), 6, 9, 'timeline[0].at', 'expected a duration such as 30ms or 3s (units: us, ms, s, m, min, h), got "3 seconds"');
  });
  test('loss above 100%', () => {
    expectAt(onlyProblem(pathWith('loss: 150%')), 5, 11, 'paths.vlan180.loss', 'a percentage must be at most 100%, got "150%"');
  });
  test('a rate of 0', () => {
    expectAt(onlyProblem(pathWith('rate: 0gbit')), 5, 11, 'paths.vlan180.rate', 'a rate must be greater than 0 (to cut a path, use a timeline cut event)');
  });
  test('a negative rate', () => {
    expectAt(onlyProblem(pathWith('rate: -1gbit')), 5, 11, 'paths.vlan180.rate', 'got "-1gbit"');
  });
  test('a delay of 2h', () => {
    expectAt(onlyProblem(pathWith('delay: 2h')), 5, 12, 'paths.vlan180.delay', 'a delay above 60s is absurd');
  });
  test('a queue limit of 0', () => {
    expectAt(onlyProblem(pathWith('limit: 0')), 5, 12, 'paths.vlan180.limit', 'expected a number ≥ 1, got 0');
  });
  test('a size of 0', () => {
    const p = onlyProblem(HEAD.replace('size: 2.5GB', 'size: 0'));
    expectAt(p, 4, 29, 'traffic.size', 'a size must be greater than 0');
  });
  test('a size of 100TB', () => {
    const p = onlyProblem(HEAD.replace('size: 2.5GB', 'size: 100TB'));
    expectAt(p, 4, 29, 'traffic.size', 'a size above 64GB does not fit a RAM disk');
  });
  test('a mapping where a rate goes', () => {
    expectAt(onlyProblem(pathWith('rate: {gbit: 1}')), 5, 11, 'paths.vlan180.rate', 'expected a value such as 1gbit or 100mbit, got a mapping');
  });
});

describe('YAML itself', () => {
  test('duplicate keys: two hosts named pc1', () => {
    const text = HOSTS_BLOCK.replace('pc2:', 'pc1:') + 'paths: {a: {}}\ntraffic: {tool: iperf3, duration: 5s}\n';
    expectAt(onlyProblem(text), 5, 3, 'hosts.pc1', 'duplicate key');
  });
  test('an empty file', () => {
    expectAt(onlyProblem(''), 1, 1, '', 'the file is empty: expected a mapping with the keys name, description, hosts');
  });
  test('a file of comments only is empty too', () => {
    expectAt(onlyProblem('# nothing here\n'), 1, 1, '', 'the file is empty');
  });
  test('not YAML: {{{', () => {
    const problems = problemsOf('{{{');
    expect(problems.length).toBeGreaterThan(0);
    expectAt(problems[0] as never, 1, 4, '', 'YAML syntax error: Flow map');
  });
  test('a tab used for indentation', () => {
    const p = problemsOf('description: t\nhosts:\n\tpc1: {role: server}\n')[0];
    expectAt(p as never, 3, 1, '', 'YAML syntax error: Tabs are not allowed as indentation');
  });
  test('a list instead of a mapping', () => {
    expectAt(onlyProblem('- pc1\n- pc2\n'), 1, 1, '', 'expected a mapping with the keys name, description, hosts, paths, traffic, timeline, checks; got a list');
  });
  test('a scalar instead of a mapping', () => {
    expectAt(onlyProblem('just text\n'), 1, 1, '', 'got "just text"');
  });
  test('an alias without its anchor', () => {
    expectAt(onlyProblem(HEAD + 'timeline: *events\n'), 5, 11, 'timeline', 'unknown alias *events');
  });
});

describe('names reach command lines: only [a-z][a-z0-9-]{0,14}', () => {
  const withHost = (name: string) => `description: t\nhosts:\n  ${name}: {role: server}\n  pc2: {role: client}\npaths: {a: {}}\ntraffic: {tool: iperf3, duration: 5s}\n`;
  test.each([
    ['"pc1;rm -rf /"', 'hosts["pc1;rm -rf /"]', 'invalid name "pc1;rm -rf /"'],
    ['"$(x)"', 'hosts["$(x)"]', 'invalid name "$(x)"'],
    ['pc 1', 'hosts["pc 1"]', 'invalid name "pc 1"'],
    ['PC1', 'hosts.PC1', 'invalid name "PC1": expected a name of 1-15 characters: a lowercase letter'],
    ['averyveryverylonghost', 'hosts.averyveryverylonghost', 'expected a name of 1-15 characters'],
  ])('host %s', (name, path, message) => {
    expectAt(onlyProblem(withHost(name)), 3, 3, path, message);
  });
  test('a path named $(x)', () => {
    const p = onlyProblem('description: t\nhosts: {pc1: {role: server}, pc2: {role: client}}\npaths:\n  "$(x)": {}\ntraffic: {tool: iperf3, duration: 5s}\n');
    expectAt(p, 4, 3, 'paths["$(x)"]', 'invalid name "$(x)"');
  });
  test('an invalid role lists the roles', () => {
    expectAt(onlyProblem(withHost('pc1').replace('role: server', 'role: master')), 3, 15, 'hosts.pc1.role', 'expected one of: server, client; got "master"');
  });
  test('a name both host and path', () => {
    const text = 'description: t\nhosts: {pc1: {role: server}, pc2: {role: client}}\npaths:\n  vlan180: {}\n  pc2: {}\ntraffic: {tool: iperf3, duration: 5s}\n';
    expectAt(onlyProblem(text), 5, 3, 'paths.pc2', '"pc2" names both a host and a path');
  });
  test('an invalid name: is one problem, not also one about the file name', () => {
    const problems = problemsOf('name: My Lab\n' + HEAD, {}, 'My_Lab.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'My_Lab.yaml', line: 1, col: 7, path: 'name' });
  });
  test('a file name that is not a valid lab name, without name:', () => {
    const [p] = problemsOf(HEAD, {}, 'topologies/My_Lab.yaml');
    expect(p).toMatchObject({ file: 'topologies/My_Lab.yaml', line: 1, col: 1, path: 'name' });
    expect(p?.message).toContain('add name: my-lab');
  });
});

describe('missing and contradictory keys', () => {
  test('missing traffic', () => {
    expectAt(onlyProblem(HEAD.replace('traffic: {tool: http, size: 2.5GB}\n', '')), 1, 1, 'traffic', 'missing required key "traffic"');
  });
  test('a missing key inside a mapping points at its parent key', () => {
    expectAt(onlyProblem(HOSTS_BLOCK.replace('    role: client\n', '    mptcp: {}\n') + 'paths: {a: {}}\ntraffic: {tool: iperf3, duration: 5s}\n'), 5, 3, 'hosts.pc2.role', 'missing required key "role"');
  });
  test('a key with no value points at the key', () => {
    expectAt(onlyProblem(HEAD.replace('traffic: {tool: http, size: 2.5GB}', 'traffic:')), 4, 1, 'traffic', 'expected a mapping, got nothing (null)');
  });
  test('both size and duration', () => {
    expectAt(onlyProblem(HEAD.replace('tool: http, size: 2.5GB', 'tool: iperf3, size: 1GB, duration: 5s')), 4, 46, 'traffic.duration', 'give either size or duration, not both');
  });
  test('http with a duration', () => {
    expectAt(onlyProblem(HEAD.replace('size: 2.5GB', 'duration: 10s')), 4, 33, 'traffic.duration', 'http downloads a file: give its size');
  });
  test('jitter without delay', () => {
    const text = HEAD.replace('vlan180: {rate: 1gbit}', 'vlan180: {rate: 1gbit, jitter: 5ms}');
    expectAt(onlyProblem(text), 3, 40, 'paths.vlan180.jitter', 'jitter needs a delay (traffic leaving pc1 or pc2 on vlan180 has none)');
  });
  test('reorder in a from override without any delay names that direction', () => {
    const text = yaml`
      description: t
      hosts: {pc1: {role: server}, pc2: {role: client}}
      paths:
        vlan180:
          from:
            pc2: {reorder: 1%}
      traffic: {tool: http, size: 1GB}
    `;
    expectAt(onlyProblem(text), 6, 22, 'paths.vlan180.from.pc2.reorder', 'reorder needs a delay (traffic leaving pc2 on vlan180 has none)');
  });
  test('impair without set', () => {
    expectAt(onlyProblem(HEAD + 'timeline:\n  - at: 3s\n    impair: vlan180\n'), 6, 5, 'timeline[0]', 'missing required key "set"');
  });
  test('impair with an empty set', () => {
    expectAt(onlyProblem(HEAD + 'timeline:\n  - at: 3s\n    impair: vlan180\n    set: {}\n'), 8, 10, 'timeline[0].set', 'set is empty');
  });
  test('mode on a restore', () => {
    const text = HEAD + 'timeline:\n  - {at: 3s, cut: vlan181}\n  - at: 6s\n    restore: vlan181\n    mode: down\n';
    expectAt(onlyProblem(text), 9, 5, 'timeline[1].mode', 'mode applies to cut events only');
  });
  test('an event that both cuts and restores', () => {
    expectAt(onlyProblem(HEAD + 'timeline:\n  - at: 3s\n    cut: vlan181\n    restore: vlan180\n'), 8, 5, 'timeline[0].restore', 'an event does one thing');
  });
});

describe('references: names must exist, and the message says which do', () => {
  test('a cut of a path that does not exist', () => {
    expectAt(onlyProblem(HEAD + 'timeline:\n  - at: 3s\n    cut: vlan182\n'), 7, 10, 'timeline[0].cut', 'no path named "vlan182" (paths: vlan180, vlan181)');
  });
  test('backupIdle of an unknown path', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  backupIdle: {path: lte, maxBytes: 1MB}\n'), 6, 22, 'checks.backupIdle.path', 'no path named "lte" (paths: vlan180, vlan181)');
  });
  test('an endpoint on an unknown path', () => {
    const text = yaml`
      description: t
      hosts:
        pc1:
          role: server
          mptcp:
            endpoints:
              - {path: wifi, flags: [signal]}
        pc2: {role: client}
      paths: {vlan180: {}, vlan181: {}}
      traffic: {tool: iperf3, duration: 5s}
    `;
    expectAt(onlyProblem(text), 7, 18, 'hosts.pc1.mptcp.endpoints[0].path', 'no path named "wifi" (paths: vlan180, vlan181)');
  });
  test('from naming a host that is not on the path', () => {
    const text = 'description: t\nhosts: {pc1: {role: server}, pc2: {role: client}}\npaths:\n  a:\n    from: {pc3: {rate: 1gbit}}\ntraffic: {tool: iperf3, duration: 5s}\n';
    expectAt(onlyProblem(text), 5, 12, 'paths.a.from.pc3', 'no host named "pc3" on path a (its hosts: pc1, pc2)');
  });
  test('traffic.server naming a client', () => {
    expectAt(onlyProblem(HEAD.replace('size: 2.5GB', 'size: 2.5GB, server: pc2')), 4, 44, 'traffic.server', 'host "pc2" has role client; traffic.server must name a server (servers: pc1)');
  });
  test('a host missing from the first path', () => {
    const text = 'description: t\nhosts: {pc1: {role: server}, pc2: {role: client}, pc3: {role: client}}\npaths:\n  a: {hosts: [pc1, pc2]}\ntraffic: {tool: iperf3, duration: 5s, client: pc2}\n';
    expectAt(onlyProblem(text), 4, 14, 'paths.a.hosts', 'host "pc3" is not on the first path a');
  });
  test('two servers and no traffic.server', () => {
    const text = 'description: t\nhosts: {pc1: {role: server}, pc2: {role: client}, pc3: {role: server}}\npaths: {a: {}}\ntraffic: {tool: iperf3, duration: 5s}\n';
    expectAt(onlyProblem(text), 2, 8, 'hosts', 'several hosts have role server (pc1, pc3); name the one the traffic uses with traffic.server');
  });
  test('a single host', () => {
    const text = 'description: t\nhosts: {pc1: {role: server}}\npaths: {a: {}}\ntraffic: {tool: iperf3, duration: 5s}\n';
    const problems = problemsOf(text);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).toEqual([
      '2:8 hosts: expected at least 2 hosts (a server and a client), got 1',
      '2:8 hosts: no host has role client; exactly one client is needed',
    ]);
  });
  test('more than 8 paths', () => {
    const paths = Array.from({ length: 9 }, (_, i) => `p${i}: {}`).join(', ');
    const text = `description: t\nhosts: {pc1: {role: server}, pc2: {role: client}}\npaths: {${paths}}\ntraffic: {tool: iperf3, duration: 5s}\n`;
    expectAt(onlyProblem(text), 3, 8, 'paths', 'expected at most 8 paths, got 9');
  });
});

describe('the timeline', () => {
  test('a restore without a cut', () => {
    expectAt(onlyProblem(HEAD + 'timeline:\n  - at: 6s\n    restore: vlan181\n'), 7, 14, 'timeline[0].restore', 'path vlan181 is not cut at 6 s: a restore needs an earlier cut');
  });
  test('a double cut (events out of order in the file are taken in time order)', () => {
    const text = HEAD + 'timeline:\n  - {at: 5s, cut: vlan181}\n  - {at: 2s, cut: vlan181}\n';
    expectAt(onlyProblem(text), 6, 19, 'timeline[0].cut', 'path vlan181 is already cut at 5 s (by timeline[1]); restore it first');
  });
  test('an event after a duration-limited traffic ends', () => {
    const text = HEAD.replace('tool: http, size: 2.5GB', 'tool: iperf3, duration: 10s') + 'timeline:\n  - at: 12s\n    cut: vlan181\n';
    expectAt(onlyProblem(text), 6, 9, 'timeline[0].at', 'event at 12 s (cut vlan181) comes after the traffic ends: the traffic lasts 10 s');
  });
  test('an event after a size-limited transfer can end over shaped paths', () => {
    const text = HEAD.replace('2.5GB', '200MB') + 'timeline:\n  - at: 3s\n    cut: vlan181\n';
    expectAt(onlyProblem(text), 6, 9, 'timeline[0].at', 'event at 3 s (cut vlan181) comes after the traffic ends: 200 MB at 2 Gbit/s can end at 0.8 s');
  });
  test('no bound when a path is unshaped', () => {
    const text = HEAD.replace('2.5GB', '200MB').replace('vlan181: {rate: 1gbit}', 'vlan181: {}') + 'timeline:\n  - {at: 3s, cut: vlan181}\n';
    expect(() => problemsOf(text)).toThrow('expected a TopologyError');
  });
  test('failover without a cut', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  failover: {min: 85%, within: 1s}\n'), 6, 13, 'checks.failover', 'failover needs at least one cut');
  });
});

describe('subnets and bounds', () => {
  const twoSubnets = (a: string, b: string) =>
    `description: t\nhosts: {pc1: {role: server}, pc2: {role: client}}\npaths:\n  a: {subnet: ${a}}\n  b: {subnet: ${b}}\ntraffic: {tool: iperf3, duration: 5s}\n`;
  test('overlapping subnets', () => {
    expectAt(onlyProblem(twoSubnets('10.180.0.0/16', '10.180.1.0/24')), 5, 15, 'paths.b.subnet', '10.180.1.0/24 overlaps 10.180.0.0/16 of path a');
  });
  test('a subnet with host bits set', () => {
    expectAt(onlyProblem(twoSubnets('10.180.0.1/24', '10.181.0.0/24')), 4, 15, 'paths.a.subnet', 'not a network address (its host bits are set); did you mean 10.180.0.0/24?');
  });
  test('a subnet with an octet above 255', () => {
    expectAt(onlyProblem(twoSubnets('10.300.0.0/24', '10.181.0.0/24')), 4, 15, 'paths.a.subnet', 'octet 300 is above 255');
  });
  test('a subnet prefix out of range', () => {
    expectAt(onlyProblem(twoSubnets('10.180.0.0/8', '10.181.0.0/24')), 4, 15, 'paths.a.subnet', 'prefix from /16 to /28');
  });
  test('a percentage bound on unshaped paths', () => {
    const text = HEAD.replace('vlan181: {rate: 1gbit}', 'vlan181: {}') + 'checks:\n  aggregate: {min: 85%}\n';
    expectAt(onlyProblem(text), 6, 20, 'checks.aggregate.min', 'percent of what? path vlan181 has no rate; give an absolute rate such as 1.7gbit');
  });
  test('subflows max below min', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  subflows: {min: 3, max: 2}\n'), 6, 27, 'checks.subflows.max', 'max (2) must be at least min (3)');
  });
});

describe('all problems at once', () => {
  test('schema and semantic problems from different sections are reported together, in file order', () => {
    const text = yaml`
      description: t
      hosts:
        pc1: {role: server, colour: red}
        pc2: {role: client}
      paths:
        vlan180: {rate: 1gb}
        vlan181: {delay: 5}
      traffic: {tool: http, duration: 10s}
      timeline:
        - {at: 1s, restore: vlan181}
        - {at: 2s, cut: vlan999}
      checks:
        backupIdle: {path: lte, maxBytes: 1MB}
    `;
    const problems = problemsOf(text);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual([
      '3:23 hosts.pc1.colour',
      '6:19 paths.vlan180.rate',
      '7:20 paths.vlan181.delay',
      '8:33 traffic.duration',
      '10:23 timeline[0].restore',
      '11:19 timeline[1].cut',
      '13:22 checks.backupIdle.path',
    ]);
  });
});

describe('--size', () => {
  test('a size override of 0 is reported against --size', () => {
    expect(problemsOf(HEAD, { sizeOverride: 0 })).toEqual([{ file: '--size', path: '', message: 'expected a size greater than 0, such as 200MB; got 0 bytes' }]);
  });
  test('a size override above 64 GB', () => {
    expect(problemsOf(HEAD, { sizeOverride: 100e12 })[0]?.message).toContain('above 64 GB');
  });
});
