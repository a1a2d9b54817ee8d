import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHostVeths } from './host-veths';

describe('findHostVeths', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlab-sysfs-'));
    for (const [name, ifindex] of [['veth1a', 17], ['veth2b', 19]] as const) {
      await mkdir(join(root, name), { recursive: true });
      await writeFile(join(root, name, 'ifindex'), `${ifindex}\n`);
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('finds veths by ifindex and leaves out an ifindex nothing has', async () => {
    expect(await findHostVeths([19, 99], root)).toEqual(new Map([[19, 'veth2b']]));
  });

  const hasLo = existsSync('/sys/class/net/lo');
  (hasLo ? it : it.skip)(`finds lo, whose ifindex is 1, on this machine${hasLo ? '' : ' (skipped: no /sys/class/net/lo here)'}`, async () => {
    expect((await findHostVeths([1])).get(1)).toBe('lo');
  });
});
