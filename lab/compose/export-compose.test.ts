/**
 * export-compose: the generated document read back with the yaml package (internal networks,
 * subnets, addresses, sysctls, caps), the by-hand commands run through a real shell against
 * stand-in `ip` and `tc`, subnet allocation, and `docker-compose config` on the written file.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { loadTopologyFile, loadTopologyText } from '../loader';
import { yaml } from '../loader/test-support';
import { buildConfigureRequest, hostSysctls } from '../runtime/host-config';
import { exportComposeCommand } from '../cli/commands/export-compose';
import { AGENT_PATH } from '../runtime/lab-spec';
import {
  buildComposeExport,
  byHandArgv,
  COMPOSE_PROJECT_LABEL,
  exportCompose,
  planSubnets,
  type ComposeDocument,
} from './export-compose';

const TWO_VLAN_SUBNETS = { vlan180: '10.180.7.0/24', vlan181: '10.180.8.0/24' };
const IMAGE = 'mptcp-lab/host:0123456789ab';

function twoVlan(opts: { netem?: boolean; composeCommand?: string[] } = {}) {
  const plan = loadTopologyFile('two-vlan');
  const ex = buildComposeExport({ plan, image: IMAGE, subnets: TWO_VLAN_SUBNETS, netem: opts.netem ?? false, composeFile: 'two-vlan.compose.yml', composeCommand: opts.composeCommand });
  return { plan, ex, doc: YAML.parse(ex.yaml) as ComposeDocument };
}

/** Three hosts, a path that only two of them are on, a given subnet, and delay (netem). */
const PARTIAL = yaml`
  description: t
  hosts: {a: {role: server}, b: {role: client}, c: {role: client}}
  paths:
    p1: {rate: 100mbit, delay: 10ms}
    p2: {subnet: 192.168.77.0/24, hosts: [a, b]}
  traffic: {tool: transfer, direction: download, duration: 5s, client: b}
`;

describe('buildComposeExport', () => {
  it('writes one service per host on internal networks with the planned subnets and addresses', () => {
    const { plan, doc } = twoVlan();
    expect(Object.keys(doc.services).sort()).toEqual(['pc1', 'pc2']);
    expect(Object.keys(doc.networks).sort()).toEqual(['vlan180', 'vlan181']);
    for (const [name, subnet] of Object.entries(TWO_VLAN_SUBNETS)) {
      const net = doc.networks[name]!;
      expect(net.internal).toBe(true);
      expect(net.driver).toBe('bridge');
      expect(net.ipam.config).toEqual([{ subnet, gateway: subnet.replace(/0\/24$/, '1') }]);
    }
    expect(doc.services.pc1!.networks).toEqual({ vlan180: { ipv4_address: '10.180.7.2' }, vlan181: { ipv4_address: '10.180.8.2' } });
    expect(doc.services.pc2!.networks).toEqual({ vlan180: { ipv4_address: '10.180.7.3' }, vlan181: { ipv4_address: '10.180.8.3' } });
    for (const host of plan.hosts) {
      const s = doc.services[host.name]!;
      expect(s.image).toBe(IMAGE);
      expect(s.hostname).toBe(host.name);
      expect(s.cap_add).toEqual(['NET_ADMIN']);
      expect(s.init).toBe(true);
      // Strings in the YAML (Compose wants "1", not 1), equal to what a lab run sets.
      expect(s.sysctls).toEqual(hostSysctls(host));
      expect(Object.values(s.sysctls).every((v) => typeof v === 'string')).toBe(true);
      expect(s.tmpfs).toEqual([`/srv/lab:rw,size=${2_500_000_000 + 64 * 1024 * 1024}`]);
    }
  });

  it('labels everything so that `lab clean` leaves it to Compose', () => {
    const { doc } = twoVlan();
    for (const obj of [...Object.values(doc.services), ...Object.values(doc.networks)]) {
      expect(obj.labels['io.mptcp-lab.project']).toBe(COMPOSE_PROJECT_LABEL);
      expect(obj.labels['io.mptcp-lab.project']).not.toBe('mptcp-lab');
      expect(obj.labels['io.mptcp-lab.topology']).toBe('two-vlan');
    }
  });

  it('writes the configure request a lab run uses, and the commands that apply it', () => {
    const { plan, ex } = twoVlan();
    expect(AGENT_PATH).toBe(AGENT_PATH);
    for (const host of plan.hosts) {
      const c = ex.configures.find((x) => x.host === host.name)!;
      expect(c.file).toBe(`two-vlan.configure.${host.name}.json`);
      expect(c.request).toEqual(buildConfigureRequest(plan, host, TWO_VLAN_SUBNETS, false).request);
      expect(c.applyArgv).toEqual(['docker', 'compose', '-f', 'two-vlan.compose.yml', 'exec', '-T', host.name, 'node', AGENT_PATH, 'configure']);
      expect(ex.yaml).toContain(`# docker compose -f two-vlan.compose.yml exec -T ${host.name} node ${AGENT_PATH} configure < two-vlan.configure.${host.name}.json`.replace('# ', '#   '));
    }
    // The server signals its vlan181 address; the by-hand command finds the interface by address.
    expect(ex.yaml).toContain(`exec -T pc1 sh -c 'ip mptcp endpoint add 10.180.8.2 dev "$(ip -o -4 addr show to 10.180.8.2 | cut -d" " -f2)" id 1 signal'`);
    expect(ex.yaml).toMatch(/exec -T pc2 ip mptcp limits set subflows \d+ add_addr_accepted \d+\n/);
    expect(ex.yaml).toMatch(/exec -T pc2 sh -c 'tc qdisc replace dev "\$\(ip -o -4 addr show to 10\.180\.7\.3 \| cut -d" " -f2\)" root handle 1: tbf rate 1gbit /);
  });

  it('uses docker-compose throughout when asked for Compose v1', () => {
    const { ex } = twoVlan({ composeCommand: ['docker-compose'] });
    expect(ex.yaml).toContain('#   docker-compose -f two-vlan.compose.yml up -d');
    expect(ex.yaml).not.toMatch(/docker compose -f/);
    expect(ex.configures[0]!.applyArgv.slice(0, 3)).toEqual(['docker-compose', '-f', 'two-vlan.compose.yml']);
  });

  it('is a comment block and then the document: the YAML parses to exactly the document', () => {
    const { ex, doc } = twoVlan();
    expect(doc).toEqual(JSON.parse(JSON.stringify(ex.document)));
    const header = ex.yaml.slice(0, ex.yaml.indexOf('\nservices:'));
    expect(header.split('\n').every((l) => l === '' || l.startsWith('#'))).toBe(true);
    expect(ex.yaml).not.toMatch(/^version:/m);
  });

  it('attaches a host only to its paths, keeps a given subnet, and shapes with netem when it is there', () => {
    const plan = loadTopologyText(PARTIAL, 'partial.yaml');
    const subnets = planSubnets(plan, []);
    expect(subnets.p2).toBe('192.168.77.0/24');
    const withNetem = buildComposeExport({ plan, image: IMAGE, subnets, netem: true, composeFile: 'x.yml' });
    const doc = YAML.parse(withNetem.yaml) as ComposeDocument;
    expect(Object.keys(doc.services.c!.networks)).toEqual(['p1']);
    expect(doc.services.a!.networks.p2).toEqual({ ipv4_address: '192.168.77.2' });
    expect(doc.services.b!.networks.p2).toEqual({ ipv4_address: '192.168.77.3' });
    expect(doc.services.c!.networks.p1!.ipv4_address).toBe(subnets.p1!.replace(/0\/24$/, '4'));
    const a = withNetem.configures.find((c) => c.host === 'a')!;
    expect(a.mechanisms.p1).toMatch(/netem/);
    expect(a.request.steps.some((s) => 'run' in s && s.run.includes('netem'))).toBe(true);
  });

  it('refuses a plan whose subnets were not all settled', () => {
    const plan = loadTopologyFile('two-vlan');
    expect(() => buildComposeExport({ plan, image: IMAGE, subnets: { vlan180: '10.180.7.0/24' }, netem: false, composeFile: 'x.yml' })).toThrow(/no subnet for path vlan181/);
  });
});

describe('planSubnets', () => {
  it('picks free /24s from the lab pool, skipping what is in use, the same way each time', () => {
    const plan = loadTopologyFile('two-vlan');
    const first = planSubnets(plan, []);
    expect(Object.values(first).every((s) => /^10\.18[0-3]\.\d+\.0\/24$/.test(s))).toBe(true);
    expect(planSubnets(plan, [])).toEqual(first);
    const taken = planSubnets(plan, [first.vlan180!, first.vlan181!]);
    expect(taken.vlan180).not.toBe(first.vlan180);
    expect(taken.vlan181).not.toBe(first.vlan181);
    expect(new Set(Object.values(taken)).size).toBe(2);
  });
});

describe('by-hand commands', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlab-export-sh-'));
    // Stand-ins for the container's ip and tc: `ip -o -4 addr show to ADDR` answers as iproute2 does.
    const ip = [
      '#!/bin/sh',
      'if [ "$1 $2 $3 $4 $5" = "-o -4 addr show to" ]; then',
      '  echo "2307: eth7    inet $6/24 brd 10.1.2.255 scope global eth7\\       valid_lft forever preferred_lft forever"',
      'else (IFS="|"; echo "ip|$*"); fi',
    ];
    await writeFile(path.join(dir, 'ip'), ip.join('\n') + '\n');
    await writeFile(path.join(dir, 'tc'), '#!/bin/sh\n(IFS="|"; echo "tc|$*")\n');
    await chmod(path.join(dir, 'ip'), 0o755);
    await chmod(path.join(dir, 'tc'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs what `compose exec -T host` would run, with the stand-ins on PATH. */
  const runInside = (argv: string[]) => {
    const inner = argv.slice(argv.indexOf('-T') + 2);
    const r = spawnSync(inner[0]!, inner.slice(1), { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  it('resolve @ifname:<address> inside the container and keep every other word as it is', () => {
    const { ex } = twoVlan();
    const pc1 = ex.configures.find((c) => c.host === 'pc1')!;
    const ipTc = pc1.request.steps.flatMap((step, i) => ('run' in step && (step.run[0] === 'ip' || step.run[0] === 'tc') ? [{ run: step.run, byHand: pc1.byHand[i]! }] : []));
    // pc1 of two-vlan: the signal endpoint, and a tbf per path at least; each one below is checked.
    expect(ipTc.map((s) => s.run[0])).toEqual(expect.arrayContaining(['ip', 'tc']));
    expect(ipTc.filter((s) => s.run.some((a) => a.startsWith('@ifname:'))).length).toBeGreaterThanOrEqual(3);
    expect.assertions(2 + 2 * ipTc.length);
    for (const { run, byHand } of ipTc) expect(runInside(byHand)).toBe(run.map((a) => (a.startsWith('@ifname:') ? 'eth7' : a)).join('|'));
  });

  it('quote words the shell would split or expand', () => {
    const argv = byHandArgv(['docker', 'compose'], 'h', { run: ['tc', 'x y', '{', ';', '$HOME', "it's", 'dev', '@ifname:10.1.2.3'] });
    expect(argv.slice(0, 6)).toEqual(['docker', 'compose', 'exec', '-T', 'h', 'sh']);
    expect(runInside(argv)).toBe("tc|x y|{|;|$HOME|it's|dev|eth7");
    expect(byHandArgv(['docker', 'compose'], 'h', { sysctl: 'net.mptcp.enabled', value: '1' })).toEqual(['docker', 'compose', 'exec', '-T', 'h', 'sysctl', '-w', 'net.mptcp.enabled=1']);
  });
});

const composeV1 = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
const noComposeV1 = composeV1.status === 0 ? undefined : 'docker-compose (Compose v1) is not installed: apt-get install docker-compose';
if (noComposeV1) console.warn(`export-compose.test.ts: the docker-compose config test is skipped: ${noComposeV1}`);

describe('the written files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlab-export-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('are the compose file and one configure file per host, as the command says', async () => {
    const out = path.join(dir, 'cmd', 'lab.yml');
    const r = await exportComposeCommand(['two-vlan', '--out', out, '--no-build', '--netem', 'no']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('docker compose -f lab.yml up -d');
    expect(r.stdout).toContain(`docker compose -f lab.yml exec -T pc2 node ${AGENT_PATH} configure < two-vlan.configure.pc2.json`);
    const doc = YAML.parse(await readFile(out, 'utf8')) as ComposeDocument;
    expect(doc.services.pc1!.image).toMatch(/^mptcp-lab\/host:[0-9a-f]{12}$/);
    const pc1 = JSON.parse(await readFile(path.join(dir, 'cmd', 'two-vlan.configure.pc1.json'), 'utf8'));
    expect(pc1.steps.length).toBeGreaterThan(0);
    expect(pc1.readback.devices).toEqual([`@ifname:${doc.services.pc1!.networks.vlan180!.ipv4_address}`, `@ifname:${doc.services.pc1!.networks.vlan181!.ipv4_address}`]);
  });

  it('refuses bad arguments with exit 2', async () => {
    await expect(exportComposeCommand([])).rejects.toThrow(/one topology/);
    await expect(exportComposeCommand(['two-vlan', '--netem', 'maybe'])).rejects.toThrow(/--netem: yes or no/);
    await expect(exportComposeCommand(['two-vlan', '--bogus'])).rejects.toMatchObject({ exitCode: 2 });
  });

  (noComposeV1 ? it.skip : it)(`pass \`docker-compose config\` (Compose v1 validates against the Compose spec)${noComposeV1 ? ` (skipped: ${noComposeV1})` : ''}`, async () => {
    const r = await exportCompose('two-vlan', { out: path.join(dir, 'v1', 'two-vlan.compose.yml'), build: false, netem: false, composeCommand: ['docker-compose'] });
    const cfg = spawnSync('docker-compose', ['-f', r.composeFile, 'config'], { encoding: 'utf8', cwd: path.dirname(r.composeFile), env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(cfg.stderr).toBe('');
    expect(cfg.status).toBe(0);
    const resolved = YAML.parse(cfg.stdout) as ComposeDocument;
    expect(resolved.networks.vlan180!.internal).toBe(true);
    expect(resolved.services.pc2!.networks.vlan181!.ipv4_address).toBe(r.export.document.services.pc2!.networks.vlan181!.ipv4_address);
    expect(resolved.services.pc1!.sysctls['net.mptcp.enabled']).toBe('1');
  });
});
