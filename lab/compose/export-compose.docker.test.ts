/**
 * export-compose on the real engine with Compose v1: the exported two-vlan comes up, one host
 * is configured through the agent with its JSON file, the other with the by-hand commands,
 * and both end up as a lab run leaves them: endpoints, limits, tbf on every path, and an
 * MPTCP connection that joins its second subflow. Removed with `down` afterwards.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeUnless, dockerUnavailable } from '../image/docker-for-tests';
import { connectDocker } from '../runtime/docker-client';
import { listLabObjects } from '../runtime/clean';
import { exportCompose, type ExportResult } from './export-compose';

const composeV1 = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
const skip =
  dockerUnavailable() ?? (composeV1.status !== 0 ? 'docker-compose (Compose v1) is not installed: apt-get install docker-compose' : undefined);
const describeCompose = describeUnless(skip, __filename);

jest.setTimeout(300_000);

describeCompose('an exported lab brought up with docker-compose', () => {
  const project = `mlabexport${process.pid}`;
  const compose = ['docker-compose', '-p', project];
  let dir: string;
  let r: ExportResult;

  const run = (argv: string[], stdin?: string): SpawnSyncReturns<string> =>
    spawnSync(argv[0]!, argv.slice(1), { cwd: dir, encoding: 'utf8', input: stdin ?? '', timeout: 60_000 });
  const ok = (argv: string[], stdin?: string): string => {
    const res = run(argv, stdin);
    if (res.status !== 0) throw new Error(`${argv.join(' ')} failed (${res.status}): ${res.stderr}`);
    return res.stdout;
  };
  const dc = (...args: string[]) => [...compose, '-f', path.basename(r.composeFile), ...args];
  const inHost = (host: string, ...argv: string[]) => ok(dc('exec', '-T', host, ...argv));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlab-export-up-'));
    r = await exportCompose('two-vlan', { out: path.join(dir, 'two-vlan.compose.yml'), composeCommand: compose });
    ok(dc('up', '-d'));
  });

  afterAll(async () => {
    if (r) run(dc('down', '-v', '--remove-orphans'));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('configures like a lab run, through the agent and by hand', async () => {
    const [pc1, pc2] = ['pc1', 'pc2'].map((h) => r.export.configures.find((c) => c.host === h)!);
    // pc1 through the agent, fed the file the header points at.
    const out = ok(pc1!.applyArgv, await readFile(path.join(dir, pc1!.file), 'utf8'));
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ type: 'configured' });
    // pc2 one step at a time, as printed in the header.
    pc2!.request.steps.forEach((step, i) => {
      const res = run(pc2!.byHand[i]!);
      if (!('allowFail' in step && step.allowFail)) expect({ argv: pc2!.byHand[i], status: res.status, stderr: res.stderr }).toMatchObject({ status: 0 });
    });

    const svc = r.export.document.services;
    const addr = (host: string, p: string) => svc[host]!.networks[p]!.ipv4_address;
    const endpoints = JSON.parse(inHost('pc1', 'ip', '-j', 'mptcp', 'endpoint', 'show'));
    expect(endpoints).toEqual([expect.objectContaining({ address: addr('pc1', 'vlan181'), id: 1, signal: true })]);
    expect(JSON.parse(inHost('pc2', 'ip', '-j', 'mptcp', 'endpoint', 'show'))).toEqual([]);
    expect(inHost('pc2', 'ip', 'mptcp', 'limits', 'show')).toMatch(/add_addr_accepted 1 subflows 1/);
    for (const host of ['pc1', 'pc2']) {
      for (const p of ['vlan180', 'vlan181']) {
        const ifname = inHost(host, 'ip', '-o', '-4', 'addr', 'show', 'to', addr(host, p)).split(' ')[1]!;
        const qd = JSON.parse(inHost(host, 'tc', '-j', 'qdisc', 'show', 'dev', ifname));
        expect(qd[0]).toEqual(expect.objectContaining({ kind: 'tbf', root: true }));
        expect(qd[0].options.rate).toBe(125_000_000);
      }
      expect(inHost(host, 'sysctl', '-n', 'net.mptcp.enabled').trim()).toBe('1');
    }

    // One MPTCP connection pc2 → pc1 over vlan180: pc1's signal endpoint adds vlan181.
    ok(dc('exec', '-d', '-T', 'pc1', 'mptcpize', 'run', 'iperf3', '-s', '-1'));
    const joinsBefore = Number(/MPTcpExtMPJoinSynAckRx\s+(\d+)/.exec(inHost('pc2', 'nstat', '-az'))?.[1] ?? 0);
    let iperf: SpawnSyncReturns<string> | undefined;
    for (let i = 0; i < 20 && iperf?.status !== 0; i++) {
      await new Promise((res) => setTimeout(res, 250));
      iperf = run(dc('exec', '-T', 'pc2', 'mptcpize', 'run', 'iperf3', '-c', addr('pc1', 'vlan180'), '-t', '2', '-J'));
    }
    expect(iperf?.status).toBe(0);
    const joinsAfter = Number(/MPTcpExtMPJoinSynAckRx\s+(\d+)/.exec(inHost('pc2', 'nstat', '-az'))?.[1] ?? 0);
    expect(joinsAfter).toBeGreaterThan(joinsBefore);
  });

  it('sits on internal networks that `lab clean` does not count as its own', async () => {
    const docker = await connectDocker();
    const nets = await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } });
    expect(nets.map((n) => n.Name).sort()).toEqual([`${project}_vlan180`, `${project}_vlan181`]);
    for (const n of nets) expect((await docker.getNetwork(n.Id).inspect()).Internal).toBe(true);
    const lab = await listLabObjects(docker);
    expect(lab.containers.filter((c) => c.startsWith(project))).toEqual([]);
    expect(lab.networks.filter((c) => c.startsWith(project))).toEqual([]);
  });
});
