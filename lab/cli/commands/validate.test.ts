/** `lab validate`: the plan on stdout, or every problem on its own line on stderr with exit 2. */
import path from 'node:path';
import { validateCommand } from './validate';

const FIXTURES = path.resolve(__dirname, '../../loader/__fixtures__');
const rel = (f: string) => path.relative(process.cwd(), f);

describe('validate', () => {
  test('prints the seed plan readably', async () => {
    const r = await validateCommand(['two-vlan']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    for (const line of [
      'two-vlan (topologies/two-vlan.yaml)',
      '  pc1             server  MPTCP on: kernel path manager, scheduler default, checksum off; limits subflows 1, add_addr_accepted 1',
      'endpoints: #1 vlan181 signal',
      '  vlan180         subnet auto, hosts pc1, pc2',
      '      pc1 → pc2: rate 1 Gbit/s',
      '  http download of 2.50 GB over MPTCP: pc1 sends to pc2 (server pc1, client pc2, port 8080), resumed if broken',
      '  3 s     cut vlan181 (down: the link loses carrier)',
      '  6 s     restore vlan181',
      '  aggregate ≥ 75% of capacity while every path is up (= 1.50 Gbit/s of 2.00 Gbit/s)',
      '  failover ≥ 85% of capacity (of the surviving paths) within 2 s of a cut (= 850.0 Mbit/s of 1.00 Gbit/s)',
      '  tbf (rate limits); no netem',
    ]) {
      expect(r.stdout).toContain(line);
    }
  });

  test('--json prints the Plan', async () => {
    const r = await validateCommand(['two-vlan', '--json']);
    const plan = JSON.parse(r.stdout);
    expect(plan.name).toBe('two-vlan');
    expect(plan.traffic.sizeBytes).toBe(2.5e9);
  });

  test('--size shrinks the transfer and shows the notes', async () => {
    const r = await validateCommand(['two-vlan', '--size', '200MB']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('http download of 200.0 MB');
    expect(r.stdout).toContain('  (no events)');
    expect(r.stdout).toContain('  - event at 3 s (cut vlan181) dropped: 200 MB at 2 Gbit/s can end at 0.8 s');
  });

  test('a bad --size is bad input, reported against --size', async () => {
    const r = await validateCommand(['two-vlan', '--size', '200']);
    expect(r).toEqual({ exitCode: 2, stdout: '', stderr: '--size: expected a size such as 2.5GB or 512MiB (units: b, kb, mb, gb, tb, kib, mib, gib, tib), got "200"\n' });
  });

  test('a broken topology: exit 2, one problem per line as file:line:col: path: message', async () => {
    const file = path.join(FIXTURES, 'list', 'zz-broken.yaml');
    const r = await validateCommand([file]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${rel(file)}:3:19: paths.a.rate: expected a rate such as 1gbit or 100mbit (units: bit, kbit, mbit, gbit, tbit), got "1gb"\n`);
  });

  test('shows impairments per direction, endpoints and sysctls', async () => {
    const r = await validateCommand([path.join(FIXTURES, 'three-paths.yaml')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('      cli → srv: rate 50 Mbit/s, delay 40 ms, jitter 5 ms, loss 1%');
    expect(r.stdout).toContain('endpoints: #1 wan2 subflow; #2 wan3 subflow,backup');
    expect(r.stdout).toContain('sysctls: stale_loss_cnt=4, add_addr_timeout=60');
    expect(r.stdout).toContain('  2 s     cut wan1 (blackhole: packets dropped, carrier up)');
    expect(r.stdout).toContain('  5 s     impair wan2 (traffic from cli): rate 20 Mbit/s, loss 5%');
    expect(r.stdout).toContain('  tbf (rate limits); netem (delay, jitter, loss)');
  });

  test.each([[[]], [['a', 'b']], [['two-vlan', '--verbose']]])('usage errors exit 2: %j', async (args) => {
    const r = await validateCommand(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('usage: lab validate <name|file> [--json] [--size 500MB]');
  });
});
