import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { teardownAll } from '../runtime/lifecycle';
import { parseTcpdumpStats, startCapture, startCaptures, tcpdumpArgv, tsharkCount } from './capture';

describe('tcpdumpArgv', () => {
  it('captures headers only into a ring, numeric, as root (no privilege drop that could not write the report folder)', () => {
    expect(tcpdumpArgv('veth1a2b', '/r/capture-vlan180-receiver.pcap')).toEqual([
      '-i', 'veth1a2b', '-n', '-s', '128', '-B', '8192', '-C', '20', '-W', '5', '-Z', 'root', '-w', '/r/capture-vlan180-receiver.pcap',
    ]);
    expect(tcpdumpArgv('eth0', '/x', { snaplen: 96, fileMb: 1, files: 2, bufferKiB: 1024 }).slice(4, 11)).toEqual(['96', '-B', '1024', '-C', '1', '-W', '2']);
  });

  it('refuses odd interface names and sizes', () => {
    expect(() => tcpdumpArgv('-w /etc/x', '/x')).toThrow(/interface/);
    expect(() => tcpdumpArgv('eth0', '/x', { fileMb: 0 })).toThrow(/fileMb/);
    expect(() => tcpdumpArgv('eth0', '/x', { files: 1.5 })).toThrow(/files/);
  });
});

describe('parseTcpdumpStats', () => {
  it('reads tcpdump 4.99\'s closing lines', () => {
    const stderr = 'tcpdump: listening on veth0, link-type EN10MB (Ethernet), snapshot length 128 bytes\n1834 packets captured\n1840 packets received by filter\n6 packets dropped by kernel\n';
    expect(parseTcpdumpStats(stderr)).toEqual({ captured: 1834, received: 1840, droppedByKernel: 6 });
    expect(parseTcpdumpStats('1 packet captured\n')).toEqual({ captured: 1 });
    expect(parseTcpdumpStats('')).toEqual({});
  });
});

describe('startCaptures (no lab needed for its checks)', () => {
  it('names the missing interface before starting anything', async () => {
    const lab = { runId: 'x', hosts: { a: { interfaces: {} }, b: { interfaces: {} } }, plan: { traffic: { sender: 'a', receiver: 'b' }, paths: [{ name: 'p1', hosts: ['a', 'b'] }] } };
    await expect(startCaptures(lab as never, '/tmp/never-created-capture-dir')).rejects.toThrow(/b has no interface on path p1/);
    expect(existsSync('/tmp/never-created-capture-dir')).toBe(false);
  });
});

// The real tcpdump on this host's loopback (no Docker): traffic of our own, captured and counted.
const has = (bin: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`]);
    return true;
  } catch {
    return false;
  }
};
const root = process.getuid?.() === 0;
(root && has('tcpdump') ? describe : describe.skip)('a real tcpdump on lo (root, package tcpdump)', () => {
  jest.setTimeout(60_000);

  async function loopbackTraffic(): Promise<void> {
    const server = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const c = connect(port, '127.0.0.1');
    await new Promise<void>((r) => c.once('connect', r));
    let got = 0;
    await new Promise<void>((r) => {
      c.on('data', (d) => ((got += d.length) >= 200_000 ? r() : undefined));
      c.write(Buffer.alloc(200_000, 1));
    });
    c.destroy();
    await new Promise((r) => server.close(r));
  }

  it('captures, stops it (SIGTERM after the drain), and lists non-empty pcap files with tcpdump\'s counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-cap-'));
    const run = await startCapture({ path: 'lo', side: 'receiver', host: 'self', veth: 'lo', prefix: join(dir, 'alone.pcap') }, { fileMb: 1, files: 2 });
    await loopbackTraffic();
    expect(run.pid).toBeGreaterThan(0);
    const lab = {
      runId: 'unit',
      hosts: { a: { interfaces: { lo: { hostVeth: 'lo' } } }, b: { interfaces: { lo: { hostVeth: 'lo' } } } },
      plan: { traffic: { sender: 'a', receiver: 'b' }, paths: [{ name: 'lo', hosts: ['a', 'b'] }] },
    };
    const handle = await startCaptures(lab as never, dir, { fileMb: 1, files: 2, sides: ['receiver', 'sender'] });
    await loopbackTraffic();
    const results = await handle.stop();
    expect(await handle.stop()).toBe(results);
    expect(results.map((r) => [r.side, r.exitCode])).toEqual([['receiver', 0], ['sender', 0]]);
    for (const r of results) {
      expect(r.files.length).toBeGreaterThanOrEqual(1);
      expect(r.bytes).toBeGreaterThan(24);
      expect(r.captured).toBeGreaterThan(10);
      expect(r.droppedByKernel).toBe(0);
    }
    if (has('tshark')) expect(await tsharkCount(results[0]!.files, 'tcp.flags.syn == 1')).toBeGreaterThanOrEqual(2);
    // The first capture was started alone, outside any Teardown: stop it the way stop() does and check it is gone.
    await new Promise((r) => setTimeout(r, 1100));
    run.child.stdin!.end();
    expect(await run.exited).toBe(0);
    expect(existsSync(`/proc/${run.pid}`)).toBe(false);
  });

  it('teardownAll (the lab\'s SIGINT/SIGTERM handler) stops captures that were never stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-cap-'));
    const lab = { runId: 'unit2', hosts: { a: { interfaces: { lo: { hostVeth: 'lo' } } }, b: { interfaces: { lo: { hostVeth: 'lo' } } } }, plan: { traffic: { sender: 'a', receiver: 'b' }, paths: [{ name: 'lo', hosts: ['a', 'b'] }] } };
    await startCaptures(lab as never, dir, { fileMb: 1, files: 2 });
    const pids = () => execFileSync('sh', ['-c', `pgrep -f '[t]cpdump -i lo .*${dir}' || true`], { encoding: 'utf8' }).trim();
    expect(pids()).not.toBe('');
    expect(await teardownAll()).toEqual([]);
    expect(pids()).toBe('');
    expect(readFileSync(join(dir, 'capture-lo-receiver.pcap0')).length).toBeGreaterThanOrEqual(24);
  });

  it('a tcpdump that cannot start is an error naming the interface, and leaves nothing running', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-cap-'));
    await expect(startCapture({ path: 'p', side: 'receiver', host: 'h', veth: 'nosuchif0', prefix: join(dir, 'c.pcap') })).rejects.toThrow(/nosuchif0.*exited/);
  });
});

// tsharkCount sums over a ring's files.
(has('tshark') ? it : it.skip)('tsharkCount of no files is 0', async () => {
  expect(await tsharkCount([], 'mptcp')).toBe(0);
});
