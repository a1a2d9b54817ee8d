import { verifyEvent, type PathEnd, type VerifyDeps } from './verify-event';

const ends: PathEnd[] = [
  { host: 'pc1', pid: 11, ifname: 'eth1', hostVeth: 'vethA' },
  { host: 'pc2', pid: 22, ifname: 'eth1', hostVeth: 'vethB' },
];

/** A fake sysfs whose files change with the fake clock: `at(ms)` gives each file's text then. */
function fakeDeps(at: (path: string, nowMs: number) => string | undefined): VerifyDeps & { now: number } {
  const d = {
    now: 1000,
    clock: () => d.now,
    sleep: async (ms: number) => void (d.now += ms),
    read: async (path: string) => at(path, d.now),
  };
  return d;
}

describe('verifyEvent', () => {
  it('a down cut is effective when both lab hosts see NO-CARRIER, timed from then', async () => {
    const deps = fakeDeps((p, now) => (p.endsWith('/carrier') ? (now >= 1030 ? '0' : '1') : p.endsWith('operstate') ? 'down' : '0'));
    const v = await verifyEvent('cut', 'down', ends, 0, deps);
    expect(v.ok).toBe(true);
    expect(v.effectiveMs).toBe(1030);
    expect(v.evidence).toContain('pc1 eth1 carrier 0');
  });
  it('a down cut whose carrier never drops is not verified (the old runner recorded it as done)', async () => {
    const deps = fakeDeps((p) => (p.endsWith('/carrier') ? '1' : p.endsWith('operstate') ? 'up' : '5'));
    const v = await verifyEvent('cut', 'down', ends, 0, deps);
    expect(v.ok).toBe(false);
    expect(v.effectiveMs).toBeUndefined();
    expect(v.evidence).toMatch(/carrier not lost within 1500 ms: pc1 eth1 carrier 1/);
  });
  it('a restore is effective when the carrier is back on every end, however lazily linkwatch applies it', async () => {
    const deps = fakeDeps((p, now) => (p.includes('/proc/22/') && p.endsWith('/carrier') ? (now >= 1700 ? '1' : '0') : p.endsWith('/carrier') ? '1' : 'up'));
    const v = await verifyEvent('restore', 'down', ends, 1000, deps);
    expect(v).toMatchObject({ ok: true, effectiveMs: 700 });
  });
  it('a blackhole is effective once the counters towards the hosts stand still', async () => {
    const deps = fakeDeps((p, now) => (p.endsWith('tx_bytes') ? String(now < 1040 ? now * 1000 : 1040 * 1000) : p.endsWith('/carrier') ? '1' : 'up'));
    const v = await verifyEvent('cut', 'blackhole', ends, 0, deps);
    expect(v.ok).toBe(true);
    expect(v.effectiveMs).toBe(1040);
    expect(v.evidence).toMatch(/no byte crossed vethA, vethB/);
  });
  it('a blackhole through which traffic keeps flowing is not verified', async () => {
    const deps = fakeDeps((p, now) => (p.endsWith('tx_bytes') ? String(now * 1000) : '1'));
    const v = await verifyEvent('cut', 'blackhole', ends, 0, deps);
    expect(v).toMatchObject({ ok: false });
    expect(v.evidence).toMatch(/traffic kept crossing/);
  });
  it('unreadable files are never taken as the expected state', async () => {
    const deps = fakeDeps(() => undefined);
    expect((await verifyEvent('cut', 'down', ends, 0, deps)).ok).toBe(false);
    expect((await verifyEvent('cut', 'blackhole', ends, 0, deps)).ok).toBe(false);
    expect((await verifyEvent('cut', 'down', [], 0, deps)).ok).toBe(false);
  });
});
