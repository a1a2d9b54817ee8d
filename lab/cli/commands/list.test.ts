/** `lab list`: one line per topology; a broken one is INVALID and makes the exit code 2. */
import path from 'node:path';
import { listCommand } from './list';

const LIST_DIR = path.resolve(__dirname, '../../loader/__fixtures__/list');

test('lists the repository topologies with the first line of each description', async () => {
  const r = await listCommand([]);
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/^two-vlan +The seed experiment: two PCs, each with one NIC on VLAN180 and one on VLAN181, both$/m);
});

test('a broken topology is listed as INVALID with its first problem, and exits 2', async () => {
  const r = await listCommand(['--dir', LIST_DIR]);
  expect(r.exitCode).toBe(2);
  const broken = path.relative(process.cwd(), path.join(LIST_DIR, 'zz-broken.yaml'));
  expect(r.stdout).toBe(
    'good       A good topology.\n' +
      `zz-broken  INVALID: ${broken}:3:19: paths.a.rate: expected a rate such as 1gbit or 100mbit (units: bit, kbit, mbit, gbit, tbit), got "1gb"\n`,
  );
  expect(r.stderr).toBe('1 invalid topology\n');
});

test('an empty folder lists nothing', async () => {
  const r = await listCommand(['--dir', path.join(LIST_DIR, 'nowhere')]);
  expect(r).toEqual({ exitCode: 0, stdout: `no topologies in ${path.join(LIST_DIR, 'nowhere')}\n`, stderr: '' });
});

test('an unknown option is a usage error', async () => {
  const r = await listCommand(['--all']);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain('usage: lab list [--dir DIR]');
});
