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
    expectAt(p, 5, 5, 'hosts.pc1.rol', 'unknown key "rol" (did you mean "role"?) (allowed: role, mptcp, tcp)');
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
    expectAt(p, 7, 5, 'timeline[0].kut', 'unknown key "kut" (did you mean "cut"?) (allowed: at, cut, restore, impair, fault, unfault, mode, set, from, every)');
  });
  test('in a check', () => {
    const p = onlyProblem(HEAD + 'checks:\n  aggregate:\n    min: 85%\n    max: 99%\n');
    expectAt(p, 8, 5, 'checks.aggregate.max', 'unknown key "max" (allowed: min, perPath)');
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
    expectAt(onlyProblem('- pc1\n- pc2\n'), 1, 1, '', 'lab.yaml is not a topology (expected a YAML mapping with description, hosts, paths, traffic)');
  });
  test('a scalar instead of a mapping is not echoed back', () => {
    const p = onlyProblem('just text\n');
    expectAt(p, 1, 1, '', 'lab.yaml is not a topology');
    expect(p.message).not.toContain('just text');
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
    expectAt(onlyProblem(text), 9, 5, 'timeline[1].mode', 'mode applies to cut and fault events only');
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

const CUT_RESTORE = 'timeline:\n  - {at: 3s, cut: vlan181}\n  - {at: 6s, restore: vlan181}\n';
const IPERF_10S = HEAD.replace('tool: http, size: 2.5GB', 'tool: iperf3, duration: 10s');

describe('bounds that can never fail are refused, saying why (issue 9, item 8)', () => {
  test('aggregate min 0%', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  aggregate: {min: 0%}\n'), 6, 20, 'checks.aggregate.min', '0% can never fail: goodput is never below 0, so aggregate ≥ 0 always holds');
  });
  test('aggregate min 0bit', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  aggregate: {min: 0bit}\n'), 6, 20, 'checks.aggregate.min', '0 bit/s can never fail');
  });
  test('aggregate perPath 0mbit', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  aggregate: {min: 85%, perPath: 0mbit}\n'), 6, 34, 'checks.aggregate.perPath', "a path's throughput is never below 0");
  });
  test('failover min 0mbit', () => {
    expectAt(onlyProblem(HEAD + CUT_RESTORE + 'checks:\n  failover: {min: 0mbit, within: 2s}\n'), 9, 19, 'checks.failover.min', 'failover ≥ 0 is reached at the instant of the cut');
  });
  test('failover within 1h, beyond a size-limited transfer over shaped paths', () => {
    expectAt(
      onlyProblem(HEAD + CUT_RESTORE + 'checks:\n  failover: {min: 85%, within: 1h}\n'),
      9, 32, 'checks.failover.within',
      "within 3600 s can never fail: it is at or beyond the traffic's planned length (2.5 GB at 2 Gbit/s can end at 10 s), so no failover is ever late",
    );
  });
  test('failover within equal to a duration', () => {
    expectAt(onlyProblem(IPERF_10S + CUT_RESTORE + 'checks:\n  failover: {min: 85%, within: 10s}\n'), 9, 32, 'checks.failover.within', 'the traffic lasts 10 s');
  });
  test('stall below 0bit', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  stall: {below: 0bit, longerThan: 1s}\n'), 6, 18, 'checks.stall.below', 'it never stalls below 0');
  });
  test('stall longer than the whole duration', () => {
    expectAt(onlyProblem(IPERF_10S + 'checks:\n  stall: {below: 10%, longerThan: 10s}\n'), 6, 35, 'checks.stall.longerThan', 'the traffic lasts 10 s, so no stall can be longer');
  });
  test('kernelLog maxErrors 1000000 (the rule: at most 100)', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  kernelLog: {maxErrors: 1000000}\n'), 6, 26, 'checks.kernelLog.maxErrors', 'maxErrors 1000000 never fails in practice: a run that logs more than 100 MPTCP error lines has failed whatever the bound, so at most 100 is accepted');
  });
  test('kernelLog maxErrors 100 is still a bound', () => {
    expect(() => problemsOf(HEAD + 'checks:\n  kernelLog: {maxErrors: 100}\n')).toThrow('expected a TopologyError');
  });
  test('recovery min 0%', () => {
    expectAt(onlyProblem(HEAD + CUT_RESTORE + 'checks:\n  recovery: {within: 1s, min: 0%}\n'), 9, 31, 'checks.recovery.min', 'a restored path always carries ≥ 0');
  });
  test('subflows min 1 with no max', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  subflows: {min: 1}\n'), 6, 19, 'checks.subflows.min', 'subflows ≥ 1 with no max can never fail a run that moved data');
  });
  test('subflows min 1, max 1 can fail (a second subflow) and loads', () => {
    expect(() => problemsOf(HEAD + 'checks:\n  subflows: {min: 1, max: 1}\n')).toThrow('expected a TopologyError');
  });
  test('backupIdle maxBytes at or above the whole transfer', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  backupIdle: {path: vlan181, maxBytes: 3GB}\n'), 6, 41, 'checks.backupIdle.maxBytes', 'the whole transfer is 2.5 GB, so vlan181 cannot carry more than that');
  });
  test('backupIdle maxBytes above what the shaped path carries in the duration', () => {
    expectAt(onlyProblem(IPERF_10S + 'checks:\n  backupIdle: {path: vlan181, maxBytes: 2GB}\n'), 6, 41, 'checks.backupIdle.maxBytes', 'vlan181 is shaped to 1 Gbit/s, so in 10 s it carries at most 1.25 GB');
  });
});

describe('events and checks on a path the traffic does not use are refused (issue 9, item 9)', () => {
  const SIDE = yaml`
    description: t
    hosts: {pc1: {role: server}, pc2: {role: client}, pc3: {role: client}}
    paths: {lan: {rate: 1gbit}, side: {rate: 1gbit, hosts: [pc1, pc3]}}
    traffic: {tool: http, size: 2.5GB, client: pc2}
  `;
  test('a cut and a restore of a path the receiver has no interface on', () => {
    const problems = problemsOf(SIDE + 'timeline:\n  - {at: 3s, cut: side}\n  - {at: 6s, restore: side}\n');
    expect(problems).toHaveLength(2);
    expectAt(problems[0] as never, 6, 19, 'timeline[0].cut', 'path side joins pc1, pc3 only; the traffic goes pc1 → pc2 and pc2 has no interface on it, so it carries 0 B and a cut of it would pass trivially; use a path joining pc1 and pc2 (lan)');
    expectAt(problems[1] as never, 7, 23, 'timeline[1].restore', 'a restore of it would pass trivially');
  });
  test('backupIdle on such a path', () => {
    expectAt(onlyProblem(SIDE + 'checks:\n  backupIdle: {path: side, maxBytes: 1MB}\n'), 6, 22, 'checks.backupIdle.path', 'path side joins pc1, pc3 only');
  });
  test('an upload: the sender is the client', () => {
    const text = SIDE.replace('client: pc2', 'client: pc2, direction: upload') + 'timeline:\n  - {at: 3s, cut: side}\n  - {at: 6s, restore: side}\n';
    expect(problemsOf(text)[0]?.message).toContain('the traffic goes pc2 → pc1 and pc2 has no interface on it');
  });
});

describe('timeline gaps (issue 9, item 14)', () => {
  test('a cut at 0 s with a declared aggregate: no time with every path up', () => {
    const text = HEAD + 'timeline:\n  - {at: 0s, cut: vlan181}\n  - {at: 3s, restore: vlan181}\nchecks:\n  aggregate: {min: 85%}\n';
    expectAt(onlyProblem(text), 6, 10, 'timeline[0].at', 'the cut of vlan181 at 0 ms falls in the first 500 ms (the warm-up, TCP slow start), so the declared aggregate check has no time with every path up to measure');
  });
  test('a cut within the warm-up (500ms) with a declared aggregate', () => {
    const text = HEAD + 'timeline:\n  - {at: 500ms, cut: vlan181}\n  - {at: 3s, restore: vlan181}\nchecks:\n  aggregate: {min: 85%}\n';
    expectAt(onlyProblem(text), 6, 10, 'timeline[0].at', 'falls in the first 500 ms');
  });
  test('a zero-length outage: cut and restore at the same time', () => {
    expectAt(onlyProblem(HEAD + 'timeline:\n  - {at: 3s, cut: vlan181}\n  - {at: 3s, restore: vlan181}\n'), 7, 10, 'timeline[1].at', 'path vlan181 is restored at 3 s, the moment it is cut (timeline[0]): an outage of 0 ms tests nothing');
  });
  test('a declared failover where a cut leaves no data path up', () => {
    const text = HEAD + 'timeline:\n  - {at: 1s, cut: vlan180}\n  - {at: 1s, cut: vlan181}\n  - {at: 3s, restore: vlan180}\n  - {at: 3s, restore: vlan181}\nchecks:\n  failover: {min: 85%, within: 1s}\n';
    expectAt(onlyProblem(text), 11, 13, 'checks.failover', 'the cut of vlan180 at 1 s (timeline[0]) leaves no data path up: vlan181 (cut at 1 s) is cut too, so there is nothing to fail over to and failover can never be measured');
  });
  test('a single data path cut, with a declared failover', () => {
    const text = 'description: t\nhosts: {pc1: {role: server}, pc2: {role: client}}\npaths: {a: {rate: 1gbit}}\ntraffic: {tool: iperf3, duration: 10s}\ntimeline:\n  - {at: 3s, cut: a}\n  - {at: 5s, restore: a}\nchecks:\n  failover: {min: 100mbit, within: 1s}\n';
    expect(onlyProblem(text).message).toContain('the cut of a at 3 s (timeline[0]) leaves no data path up, so there is nothing to fail over to');
  });
});

describe('units the lab cannot honour (issue 9, item 15)', () => {
  const pathWith = (field: string) => yaml`
    description: t
    hosts: {pc1: {role: server}, pc2: {role: client}}
    paths:
      vlan180:
        ${field}
    traffic: {tool: http, size: 1GB}
  `;
  test('rate 0.4bit: not a whole number of bits', () => {
    expectAt(onlyProblem(pathWith('rate: 0.4bit')), 5, 11, 'paths.vlan180.rate', 'a rate is a whole number of bits per second: "0.4bit" is 0.4 bit/s');
  });
  test('rate 4bit: below what tc can shape', () => {
    expectAt(onlyProblem(pathWith('rate: 4bit')), 5, 11, 'paths.vlan180.rate', 'a rate below 8bit (1 byte per second) is below what tc can shape');
  });
  test('a bound of 0.5bit is not a whole number of bits either', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  aggregate: {min: 0.5bit}\n'), 6, 20, 'checks.aggregate.min', 'expected a percentage of the capacity (85%) or a rate (1.7gbit), got "0.5bit"');
  });
  test('traffic duration 0.5us', () => {
    expectAt(onlyProblem(HEAD.replace('tool: http, size: 2.5GB', 'tool: iperf3, duration: 0.5us')), 4, 35, 'traffic.duration', "0.5us is not a whole number of milliseconds, which is what the lab's clock counts");
  });
  test('an event at 1.5ms', () => {
    expectAt(onlyProblem(HEAD + 'timeline:\n  - {at: 1.5ms, cut: vlan181}\n'), 6, 10, 'timeline[0].at', '1.5ms is not a whole number of milliseconds');
  });
  test('failover within 500us', () => {
    expectAt(onlyProblem(HEAD + CUT_RESTORE + 'checks:\n  failover: {min: 85%, within: 500us}\n'), 9, 32, 'checks.failover.within', '500us is not a whole number of milliseconds');
  });
  test('stall longerThan 0.1ms', () => {
    expectAt(onlyProblem(HEAD + 'checks:\n  stall: {below: 10%, longerThan: 0.1ms}\n'), 6, 35, 'checks.stall.longerThan', '100us is not a whole number of milliseconds');
  });
  test('recovery hold 0ms', () => {
    expectAt(onlyProblem(HEAD + CUT_RESTORE + 'checks:\n  recovery: {within: 1s, hold: 0ms}\n'), 9, 32, 'checks.recovery.hold', 'a duration must be at least 1ms');
  });
  test('a delay of 0.5us: netem counts whole microseconds', () => {
    expectAt(onlyProblem(pathWith('delay: 0.5us')), 5, 12, 'paths.vlan180.delay', '0.5us is not a whole number of microseconds, the smallest step netem takes');
  });
  test('a delay of 1us is fine', () => {
    expect(() => problemsOf(pathWith('delay: 1us'))).toThrow('expected a TopologyError');
  });
  const twoSubnets = (a: string) => `description: t\nhosts: {pc1: {role: server}, pc2: {role: client}}\npaths:\n  a: {subnet: ${a}}\n  b: {subnet: 10.181.0.0/24}\ntraffic: {tool: iperf3, duration: 5s}\n`;
  test.each([
    ['127.0.0.0/24', 'is in 127.0.0.0/8, loopback'],
    ['224.1.0.0/16', 'is in 224.0.0.0/4, multicast'],
    ['169.254.3.0/24', 'is in 169.254.0.0/16, link-local'],
    ['0.0.0.0/16', 'is in 0.0.0.0/8, "this network"'],
    ['250.0.0.0/16', 'is in 240.0.0.0/4, reserved'],
  ])('a subnet in a reserved range: %s', (subnet, message) => {
    expectAt(onlyProblem(twoSubnets(subnet)), 4, 15, 'paths.a.subnet', `${subnet} ${message}`);
  });
});

describe('a schema problem does not hide the semantic problems of the same section (issue 9, item 15)', () => {
  test('an unknown key in one host, a traffic.server naming no host', () => {
    const text = yaml`
      description: t
      hosts:
        pc1: {role: server, colour: red}
        pc2: {role: client}
      paths: {vlan180: {rate: 1gbit}}
      traffic: {tool: http, size: 1GB, server: pc9}
    `;
    expect(problemsOf(text).map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).toEqual([
      '3:23 hosts.pc1.colour: unknown key "colour" (allowed: role, mptcp, tcp)',
      '6:42 traffic.server: no host named "pc9" (hosts: pc1, pc2)',
    ]);
  });
  test('an unknown key in a path, an overlapping subnet in another', () => {
    const text = yaml`
      description: t
      hosts: {pc1: {role: server}, pc2: {role: client}}
      paths:
        a: {subnet: 10.180.0.0/16, bandwith: 1gbit}
        b: {subnet: 10.180.1.0/24}
      traffic: {tool: iperf3, duration: 5s}
    `;
    expect(problemsOf(text).map((p) => p.path)).toEqual(['paths.a.bandwith', 'paths.b.subnet']);
  });
  test('a typo of the only cut is one problem, not also "failover needs a cut"', () => {
    const p = onlyProblem(HEAD + 'timeline:\n  - {at: 3s, kut: vlan181}\nchecks:\n  failover: {min: 85%, within: 1s}\n');
    expectAt(p, 6, 14, 'timeline[0].kut', 'unknown key "kut"');
  });
  test('a typo of a rate is one problem, not also "percent of what?"', () => {
    const text = HEAD.replace('vlan181: {rate: 1gbit}', 'vlan181: {rte: 1gbit}') + 'checks:\n  aggregate: {min: 85%}\n';
    expectAt(onlyProblem(text), 3, 43, 'paths.vlan181.rte', 'unknown key "rte" (did you mean "rate"?)');
  });
});

describe('a file that is not a topology is not echoed back (issue 18, item 5)', () => {
  const SHADOW = [
    'root:$y$j9T$abcdefghijklmnopqrstuv$0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabc:19000:0:99999:7:::',
    'daemon:*:19000:0:99999:7:::',
    'bin:*:19000:0:99999:7:::',
    '',
  ].join('\n');
  test('one problem, naming the file, quoting none of its lines', () => {
    const problems = problemsOf(SHADOW, {}, '../../etc/shadow');
    expect(problems).toEqual([{ file: '../../etc/shadow', line: 1, col: 1, path: '', message: '../../etc/shadow is not a topology (expected a YAML mapping with description, hosts, paths, traffic)' }]);
    const shown = JSON.stringify(problems);
    for (const word of ['root', 'daemon', '19000', '$y$']) expect(shown).not.toContain(word);
  });
  test('a long unknown key in a topology is cut to 40 characters', () => {
    const key = 'k'.repeat(60);
    const p = onlyProblem(HEAD + `${key}: 1\n`);
    expect(p.path).toBe('k'.repeat(40) + '…');
    expect(p.message).toContain(`unknown key "${'k'.repeat(40)}…"`);
    expect(p.message).not.toContain('k'.repeat(41));
  });
});
