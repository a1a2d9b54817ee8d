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
