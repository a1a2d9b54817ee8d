import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect, type AddressInfo } from 'node:net';
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

const hasLo = existsSync('/sys/class/net/lo');

/** Sends `bytes` over TCP on 127.0.0.1 (this process's network namespace) and resolves once the peer has them all. */
function loopbackTransfer(bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const server = createServer((sock) => {
      sock.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= bytes) {
          sock.destroy();
          server.close();
          resolve();
        }
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const client = connect(port, '127.0.0.1', () => client.end(Buffer.alloc(bytes, 1)));
      client.on('error', reject);
    });
  });
}

(hasLo ? describe : describe.skip)(`interface counters on this machine${hasLo ? '' : ' (skipped: no /sys/class/net/lo here)'}`, () => {
  it('counts 1 MB sent over lo: both rx and tx grow by at least the payload', async () => {
    const before = (await readInterfaceCounters(['lo'])).lo!;
    await loopbackTransfer(1_000_000);
    const after = (await readInterfaceCounters(['lo'])).lo!;
    // lo counts every frame once as sent and once as received: the payload plus headers, and
    // whatever else this machine sent over lo meanwhile (so no upper bound).
    expect(after.rxBytes - before.rxBytes).toBeGreaterThanOrEqual(1_000_000);
    expect(after.txBytes - before.txBytes).toBeGreaterThanOrEqual(1_000_000);
  });
});
