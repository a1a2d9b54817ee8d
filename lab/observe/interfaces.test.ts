import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInterfaceCounters } from './interfaces';

describe('interface counters from a sysfs-like tree', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlab-sysfs-'));
    for (const [name, rx, tx] of [['veth1a', 100, 2000], ['veth2b', 5, 7]] as const) {
      await mkdir(join(root, name, 'statistics'), { recursive: true });
      await writeFile(join(root, name, 'statistics', 'rx_bytes'), `${rx}\n`);
      await writeFile(join(root, name, 'statistics', 'tx_bytes'), `${tx}\n`);
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reads rx/tx bytes of each veth', async () => {
    expect(await readInterfaceCounters(['veth1a', 'veth2b'], root)).toEqual({ veth1a: { rxBytes: 100, txBytes: 2000 }, veth2b: { rxBytes: 5, txBytes: 7 } });
  });

  it('names the interface that is gone', async () => {
    await expect(readInterfaceCounters(['veth9z'], root)).rejects.toThrow(/veth9z/);
  });
});

(existsSync('/sys/class/net/lo') ? describe : describe.skip)('interface counters on this machine', () => {
  it('reads lo', async () => {
    const { lo } = await readInterfaceCounters(['lo']);
    expect(lo!.rxBytes).toBeGreaterThanOrEqual(0);
  });
});
