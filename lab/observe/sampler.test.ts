import { startSampler } from './sampler';

/** A sample that takes `durations[i]` ms of (fake) time and returns its index; counts concurrency. */
function slowSample(durations: number[]) {
  let i = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const sample = async () => {
    const n = i++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, durations[n] ?? 10));
    inFlight--;
    return n;
  };
  return { sample, maxInFlight: () => maxInFlight };
}

describe('startSampler', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1000 }));
  afterEach(() => jest.useRealTimers());
  const clock = () => Date.now() - 1000;

  it('keeps a drift-free schedule and stamps each sample when it resolves', async () => {
    const s = slowSample([]);
    const sampler = startSampler({ intervalMs: 100, clock, sample: s.sample });
    await jest.advanceTimersByTimeAsync(450);
    const stopped = sampler.stop();
    await jest.advanceTimersByTimeAsync(20);
    const got = await stopped;
    // Five ticks, then the final sample taken at stop (450 + 10 ms).
    expect(got.map((x) => x.tMs)).toEqual([10, 110, 210, 310, 410, 460]);
    expect(got.map((x) => x.value)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('skips ticks a slow sample overran instead of bunching, one sample in flight at a time', async () => {
    const s = slowSample([10, 250, 10, 10]);
    const sampler = startSampler({ intervalMs: 100, clock, sample: s.sample, finalSample: false });
    await jest.advanceTimersByTimeAsync(420);
    const all = await sampler.stop();
    // tick 1 (due 100) runs to 350: ticks 2 and 3 (200, 300) are skipped, tick 4 is due at 400.
    expect(all.map((x) => x.tMs)).toEqual([10, 350, 410]);
    expect(s.maxInFlight()).toBe(1);
    // The record says so: two ticks were never sampled.
    expect(sampler.skippedTicks).toBe(2);
  });

  it('stop waits for the sample in flight, then takes a final one', async () => {
    const s = slowSample([10, 50, 5]);
    const sampler = startSampler({ intervalMs: 100, clock, sample: s.sample });
    await jest.advanceTimersByTimeAsync(120);
    const stopped = sampler.stop();
    await jest.advanceTimersByTimeAsync(100);
    expect((await stopped).map((x) => [x.tMs, x.value])).toEqual([
      [10, 0],
      [150, 1],
      [155, 2],
    ]);
    expect(s.maxInFlight()).toBe(1);
  });

  it('skips a sample that throws and goes on', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const sampler = startSampler({
      intervalMs: 100,
      clock,
      sample: async () => {
        if (n++ === 1) throw new Error('veth gone');
        return n;
      },
      onError: (e) => errors.push(e),
      finalSample: false,
    });
    await jest.advanceTimersByTimeAsync(250);
    expect((await sampler.stop()).map((x) => x.tMs)).toEqual([0, 200]);
    expect(errors).toHaveLength(1);
    expect(sampler.failedSamples).toBe(1);
  });

  it('refuses a non-positive interval', () => {
    expect(() => startSampler({ intervalMs: 0, clock, sample: async () => 1 })).toThrow(/interval/);
  });
});
