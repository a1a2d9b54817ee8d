import type { PlanEvent } from '../model/plan';
import { runTimeline } from './timeline';

function fakeTime() {
  let now = 1000;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('runTimeline', () => {
  const events: PlanEvent[] = [
    { atMs: 6000, kind: 'restore', path: 'vlan181' },
    { atMs: 3000, kind: 'cut', path: 'vlan181', mode: 'down' },
  ];

  it('fires events in time order and records when each took effect', async () => {
    const t = fakeTime();
    const fired: string[] = [];
    const rec = await runTimeline(events, 1000, {
      clock: t.clock,
      sleep: t.sleep,
      fire: async (e) => {
        fired.push(`${e.kind}@${t.clock() - 1000}`);
        t.advance(7); // the command takes 7 ms
      },
    }, new AbortController().signal);
    expect(fired).toEqual(['cut@3000', 'restore@6000']);
    expect(rec.map((r) => [r.kind, r.plannedMs, r.actualMs, r.mode])).toEqual([
      ['cut', 3000, 3007, 'down'],
      ['restore', 6000, 6007, undefined],
    ]);
  });

  it('attaches each event\'s verification to its record before resolving, without delaying the next event', async () => {
    const t = fakeTime();
    let release: (v: { ok: boolean; effectiveMs: number; evidence: string }) => void = () => undefined;
    const slow = new Promise<{ ok: boolean; effectiveMs: number; evidence: string }>((r) => (release = r));
    const fired: number[] = [];
    const done = runTimeline(events, 1000, {
      clock: t.clock,
      sleep: t.sleep,
      fire: async (e) => {
        fired.push(t.clock() - 1000);
        return e.kind === 'cut' ? { verified: slow } : { verified: Promise.reject(new Error('sysfs gone')) };
      },
    }, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    expect(fired).toEqual([3000, 6000]);
    release({ ok: true, effectiveMs: 3040, evidence: 'carrier 0' });
    const rec = await done;
    expect(rec[0]?.verified).toEqual({ ok: true, effectiveMs: 3040, evidence: 'carrier 0' });
    expect(rec[1]?.verified).toEqual({ ok: false, evidence: 'could not be verified: sysfs gone' });
  });

  it('stops firing once aborted (the traffic ended first)', async () => {
    const t = fakeTime();
    const ac = new AbortController();
    const rec = await runTimeline(events, 1000, {
      clock: t.clock,
      sleep: async (ms) => {
        t.advance(ms);
        if (t.clock() - 1000 > 4000) ac.abort();
      },
      fire: async () => undefined,
    }, ac.signal);
    expect(rec.map((r) => r.kind)).toEqual(['cut']);
  });
});
