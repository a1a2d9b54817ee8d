/**
 * The VM runtime on this machine: the installed Debian kernel booted under QEMU (KVM if a KVM
 * guest boots, else TCG), a command run inside and its results brought back. Numbers asserted:
 * the guest's kernel release, a netem qdisc read back, ping RTTs through two 25 ms netem
 * directions, the unshaped capacity; and after success, failure and a timeout, no QEMU of this
 * process and no temporary folder left. Each boot's time and the whole suite's wall time are printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCapacity, guestNetemWorks, listLabGuests, prepareGuest, probeCapacity, runInGuest, type PreparedGuest } from '../lab/runtime/vm';
import { findOnPath } from '../lab/runtime/vm/host-tools';

/** In the guest: two netns joined by a veth pair, netem delay 25 ms on each side, 3 pings; then a netem qdisc on a dummy. */
const RTT_SCRIPT = `set -e
echo "uname $(uname -r)"
ip netns add mlab-a
ip netns add mlab-b
ip link add mlab-v0 netns mlab-a type veth peer name mlab-v1 netns mlab-b
ip -n mlab-a addr add 10.254.0.1/30 dev mlab-v0
ip -n mlab-b addr add 10.254.0.2/30 dev mlab-v1
ip -n mlab-a link set mlab-v0 up
ip -n mlab-b link set mlab-v1 up
ip netns exec mlab-a tc qdisc add dev mlab-v0 root netem delay 25ms
ip netns exec mlab-b tc qdisc add dev mlab-v1 root netem delay 25ms
ip netns exec mlab-a tc qdisc show dev mlab-v0
ip netns exec mlab-a busybox ping -c 3 10.254.0.2
echo ok > "$MLAB_OUT/done.txt"
`;

const hostRelease = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
const haveVm = !!findOnPath('qemu-system-x86_64') && existsSync('/boot') && readdirSync('/boot').some((f) => f.startsWith('vmlinuz-'));
const ours = () => readdirSync(tmpdir()).filter((f) => f.startsWith('mptcp-lab-vm-'));

(haveVm ? describe : describe.skip)('vm runtime (QEMU guest, Debian kernel)', () => {
  const t0 = Date.now();
  let guest: PreparedGuest;
  let base: string;
  let tmpBefore: string[];
  let lastBootMs = 20_000;

  beforeAll(async () => {
    tmpBefore = ours();
    base = mkdtempSync(join(tmpdir(), 'mlab-vm-suite-'));
    guest = await prepareGuest();
    console.log(`vm: kernel ${guest.kernel.version} (host ${hostRelease}), accelerator ${guest.accelerator}${guest.kvmRefused ? ` (KVM refused: ${guest.kvmRefused})` : ''}, initramfs ${guest.initramfs.cached ? 'cached' : 'built'}; prepared in ${Date.now() - t0} ms`);
  }, 180_000);

  afterEach(() => {
    expect(listLabGuests(process.pid)).toEqual([]);
    expect(ours().filter((f) => !tmpBefore.includes(f))).toEqual([]);
  });

  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    console.log(`vm: suite wall time ${Date.now() - t0} ms`);
  });

  it('runs the guest kernel, netem works inside, and two netns with 25 ms netem each way ping at RTT >= 50 ms', async () => {
    const out = join(base, 'rtt');
    const r = await runInGuest(['sh', '-c', RTT_SCRIPT], { outDir: out, timeoutMs: 150_000 }, guest);
    lastBootMs = r.bootMs;
    console.log(`vm: boot ${r.bootMs} ms (guest uptime ${r.guestUptimeMs} ms), run ${r.wallMs} ms\n${r.stdout}`);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const release = /^uname (\S+)$/m.exec(r.stdout)?.[1];
    expect(release).toBe(guest.kernel.version);
    expect(r.kernelVersion).toBe(guest.kernel.version);
    if (release === hostRelease) console.log(`vm: the guest runs the host's own release ${hostRelease}`);
    else expect(release).not.toBe(hostRelease);
    expect(r.stdout).toMatch(/qdisc netem \S+: root .*delay 25(\.0)?ms/);
    const rtts = [...r.stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
    console.log(`vm: ping RTTs ${rtts.join(', ')} ms`);
    expect(rtts).toHaveLength(3);
    for (const rtt of rtts) {
      expect(rtt).toBeGreaterThanOrEqual(50);
      expect(rtt).toBeLessThan(1000);
    }
    expect(readdirSync(r.filesDir)).toEqual(['done.txt']);
    expect(existsSync(r.consoleLog)).toBe(true);
    expect(existsSync(join(out, '.vm-control'))).toBe(false);
  }, 200_000);

  it('brings back a failing command: exit 1 and its stderr, guest gone', async () => {
    const r = await runInGuest(['sh', '-c', 'echo bad >&2; exit 1'], { outDir: join(base, 'fail'), timeoutMs: 150_000 }, guest);
    console.log(`vm: boot ${r.bootMs} ms, run ${r.wallMs} ms (failing command)`);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 1, stderr: 'bad\n' });
  }, 200_000);

  it('a command that outlives the timeout: QEMU\'s group killed, an error naming the timeout', async () => {
    const timeoutMs = lastBootMs + 8000;
    const started = Date.now();
    await expect(runInGuest(['sleep', '600'], { outDir: join(base, 'timeout'), timeoutMs }, guest)).rejects.toThrow(new RegExp(`timed out after ${timeoutMs} ms`));
    const took = Date.now() - started;
    console.log(`vm: timeout ${timeoutMs} ms, rejected after ${took} ms`);
    expect(took).toBeLessThan(timeoutMs + 5000);
    expect(existsSync(join(base, 'timeout', '.vm-control'))).toBe(false);
  }, 200_000);

  it('guestNetemWorks says yes with the qdisc it read back', async () => {
    const p = await guestNetemWorks(guest);
    console.log(`vm: netem probe: ${p.works} (${p.detail})`);
    expect(p).toMatchObject({ works: true, kernelVersion: guest.kernel.version });
  }, 200_000);

  it('measures the guest\'s unshaped capacity and refuses a topology above 80% of it', async () => {
    const c = await probeCapacity(guest);
    console.log(`vm: capacity ${(c.bitsPerSecond / 1e6).toFixed(0)} Mbit/s (${c.bytes} bytes in ${c.ms.toFixed(0)} ms, ${c.method}, ${c.cached ? 'cached' : 'measured now'})`);
    expect(c.bitsPerSecond).toBeGreaterThan(10e6);
    expect(() => checkCapacity(c.bitsPerSecond * 0.5, c.bitsPerSecond)).not.toThrow();
    expect(() => checkCapacity(c.bitsPerSecond * 0.9, c.bitsPerSecond)).toThrow(expect.objectContaining({ exitCode: 3 }));
  }, 300_000);
});
