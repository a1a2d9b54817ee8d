/**
 * A first run's image build must never go quiet: progress within 2 s of starting, then at
 * least every 5 s. Driven here by a fake Docker whose build is silent for long spells (as
 * apt-get inside `docker build` is) and a clock the test advances by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { BASE_IMAGE } from './base';
import { ensureLabImage, setDefaultImageProgress } from './build';
import { isProgressMilestone, startHeartbeat, type ProgressClock } from './progress';

function manualClock() {
  let now = 0;
  const timers: Array<{ every: number; next: number; fn: () => void; live: boolean }> = [];
  const clock: ProgressClock = {
    now: () => now,
    every: (ms, fn) => {
      const t = { every: ms, next: now + ms, fn, live: true };
      timers.push(t);
      return () => (t.live = false);
    },
  };
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.live && t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      now = due.next;
      due.next += due.every;
      due.fn();
    }
    now = end;
  };
  const live = () => timers.filter((t) => t.live).length;
  return { clock, advance, live };
}

function maxGap(times: number[], from: number, to: number): number {
  const all = [from, ...times, to];
  return Math.max(...all.slice(1).map((t, i) => t - all[i]!));
}

/** A Docker with the base image present, no lab image, and a build whose output the test feeds in. */
function fakeDocker() {
  let onLine: ((e: { stream: string }) => void) | undefined;
  let onDone: ((err: Error | null, out: unknown[]) => void) | undefined;
  let started!: () => void;
  const buildStarted = new Promise<void>((r) => (started = r));
  const docker = {
    getImage: (ref: string) => ({
      inspect: () => (ref === BASE_IMAGE ? Promise.resolve({ Id: 'sha256:base' }) : Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 }))),
      tag: () => Promise.resolve(),
      remove: () => Promise.resolve(),
    }),
    listImages: () => Promise.resolve([]),
    buildImage: () => Promise.resolve({}),
    modem: {
      followProgress: (_s: unknown, done: typeof onDone, line: typeof onLine) => {
        onDone = done;
        onLine = line;
        started();
      },
    },
  };
  return {
    docker: docker as unknown as Docker,
    buildStarted,
    emit: (text: string) => onLine?.({ stream: `${text}\n` }),
    finish: () => onDone?.(null, []),
  };
}

describe('image build progress', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mptcp-lab-progress-'));
  });
  afterEach(async () => {
    setDefaultImageProgress(undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('a build with long silent spells shows a line at once and then at least every 5 s, and goes quiet when done', async () => {
    const { clock, advance, live } = manualClock();
    const fake = fakeDocker();
    const shown: Array<{ t: number; msg: string }> = [];
    const built = ensureLabImage({
      docker: fake.docker,
      clock,
      lockFile: join(dir, 'lock'),
      onProgress: (msg) => void (isProgressMilestone(msg) && shown.push({ t: clock.now(), msg })),
    });
    await fake.buildStarted;
    fake.emit('Step 1/6 : FROM debian:bookworm-slim');
    advance(300);
    fake.emit('Step 2/6 : RUN apt-get update  && apt-get install -y --no-install-recommends iproute2 iperf3 mptcpize');
    // apt chatter (not milestones) every 2 s for 30 s, then 12 s of nothing (dpkg triggers).
    for (let i = 0; i < 15; i++) {
      advance(2000);
      fake.emit(i % 2 ? `Unpacking nodejs (18.19.0+dfsg-6~deb12u2) ... ${i}` : `Get:${i} http://deb.debian.org/debian bookworm/main amd64 libc6`);
    }
    advance(12_000);
    fake.emit('Step 3/6 : COPY agent.js /opt/mptcp-lab/agent.js');
    advance(1000);
    const end = clock.now();
    fake.finish();
    const r = await built;

    expect(r.built).toBe(true);
    const times = shown.map((s) => s.t);
    expect(times[0]).toBeLessThanOrEqual(2000);
    expect(maxGap(times, 0, end)).toBeLessThanOrEqual(5000);
    expect(shown[0]!.msg).toMatch(/^lab image: mptcp-lab\/host:[0-9a-f]{12} is not built yet: building it once/);
    const beats = shown.filter((s) => /^lab image: \d+ s, at "/.test(s.msg)).map((s) => s.msg);
    expect(beats.length).toBeGreaterThanOrEqual(8);
    expect(beats.some((b) => b.includes('at "Step 2/6 : RUN apt-get update') && b.includes('(last: Unpacking nodejs'))).toBe(true);
    expect(shown.at(-1)!.msg).toMatch(/^built mptcp-lab\/host:/);
    // The heartbeat stops with the build.
    expect(live()).toBe(0);
  });

  it('a build started without onProgress (the host probe\'s) reports to the default sink the CLI sets', async () => {
    const { clock, advance } = manualClock();
    const fake = fakeDocker();
    const shown: string[] = [];
    setDefaultImageProgress((m) => void (isProgressMilestone(m) && shown.push(m)));
    const built = ensureLabImage({ docker: fake.docker, clock, lockFile: join(dir, 'lock') });
    await fake.buildStarted;
    advance(4500);
    fake.finish();
    await built;
    expect(shown[0]).toMatch(/is not built yet/);
    expect(shown.some((m) => /^lab image: 4 s, at "/.test(m))).toBe(true);
  });

  it('a heartbeat passes every line through and names the phase and the last line of chatter', () => {
    const { clock, advance } = manualClock();
    const out: Array<[number, string]> = [];
    const hb = startHeartbeat((m) => out.push([clock.now(), m]), { clock });
    hb.say('lab image: making debian:bookworm-slim with debootstrap from http://deb.debian.org/debian (no registry; about 30-55 s, once)');
    hb.say('debootstrap: I: Resolving dependencies of required packages...');
    advance(1000);
    hb.say('debootstrap: I: Retrieving libc6 2.36-9+deb12u9');
    advance(6000);
    hb.stop();
    advance(10_000);
    expect(out.map(([, m]) => m)).toEqual([
      'lab image: making debian:bookworm-slim with debootstrap from http://deb.debian.org/debian (no registry; about 30-55 s, once)',
      'debootstrap: I: Resolving dependencies of required packages...',
      'debootstrap: I: Retrieving libc6 2.36-9+deb12u9',
      'lab image: 4 s, at "debootstrap: I: Resolving dependencies of required packages…" (last: debootstrap: I: Retrieving libc6 2.36-9+deb12u9)',
    ]);
    expect(out.at(-1)![0]).toBe(4000);
  });
});
