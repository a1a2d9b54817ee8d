/**
 * long-rtt: does MPTCP still use both paths when each has a long, jittery RTT (50 ms each way
 * with 5 ms jitter: a 100 ms round trip, like an intercontinental or satellite link)?
 * Delay and jitter need sch_netem: where the kernel has none, the runtime refuses the plan
 * (EnvironmentError naming sch_netem, exit 3) and this suite is SKIPPED with that reason in the
 * test names. Where netem exists it runs and asserts.
 */
import { loadTopologyFile } from '../lab/loader';
import { runLab, type RunOutcome } from '../lab/run/run-lab';
import { checkNamed, expectEveryCheckPasses, expectNothingLeft, hostVerdictSync, mb, pathBytes, suiteOutDir } from './helpers';

jest.setTimeout(180_000);

const plan = loadTopologyFile('long-rtt');
const host = hostVerdictSync(plan);
if (!host.ok && host.missing !== 'sch_netem') throw new Error(`this host cannot run labs: ${host.reason}`);
const why = host.ok ? 'netem present' : 'skipped: this kernel has no sch_netem';
/** `it` where netem exists, else `it.skip` with the reason in the test's name (never a silent pass). */
const runIt = (name: string, fn: jest.ProvidesCallback) => (host.ok ? it(name, fn) : it.skip(`${name} (${why})`, fn));

/** Round-trip times (ms) of the data sender's subflows, from the `ss -tinM` snapshots. */
function senderRtts(outcome: RunOutcome): number[] {
  return outcome.record.snapshots
    .filter((s) => s.host === outcome.record.plan.traffic.sender)
    .flatMap((s) => [...s.text.matchAll(/ rtt:([\d.]+)\//g)].map((m) => Number(m[1])));
}

describe(`long-rtt: two 100 Mbit/s paths, 50 ms ± 5 ms each way (${why})`, () => {
  let outcome: RunOutcome;

  beforeAll(async () => {
    if (!host.ok) return;
    outcome = await runLab(plan, { outDir: suiteOutDir('long-rtt') });
  });

  afterAll(expectNothingLeft);

  it(`the probe agrees with the plan's needs (${host.ok ? 'netem found' : `refused: ${host.reason}`})`, () => {
    expect(plan.needs).toMatchObject({ netem: true, netemFeatures: ['delay', 'jitter'] });
    if (!host.ok) {
      expect(host.missing).toBe('sch_netem');
      expect(host.reason).toMatch(/sch_netem is not available .*delay, jitter/);
    }
  });

  runIt('used netem (under tbf) on every path direction', () => {
    const shaping = String(outcome.record.environment.shaping).split(' ').sort();
    expect(shaping).toEqual(['sat1/pc1:tbf+netem', 'sat1/pc2:tbf+netem', 'sat2/pc1:tbf+netem', 'sat2/pc2:tbf+netem']);
  });

  runIt('the subflows really have a long RTT: ≥ 90 ms (2 x 50 ms less the jitter)', () => {
    const rtts = senderRtts(outcome);
    expect(rtts.length).toBeGreaterThan(0);
    expect(rtts.filter((r) => r < 90)).toEqual([]);
  });

  runIt('passes every check', () => {
    const { checks } = outcome;
    expectEveryCheckPasses(checks);
    expect(checkNamed(checks, 'subflows').value).toBe(2);
  });

  runIt('both paths carry a real share (≥ 30% of the bytes each)', () => {
    const { record } = outcome;
    const bytes = pathBytes(record, 0, record.traffic.endedMs + 1000);
    const total = bytes.sat1! + bytes.sat2!;
    const seen = { sat1: mb(bytes.sat1!), sat2: mb(bytes.sat2!) };
    expect({ seen, sat1AtLeast30pct: bytes.sat1! / total >= 0.3, sat2AtLeast30pct: bytes.sat2! / total >= 0.3 }).toEqual({ seen, sat1AtLeast30pct: true, sat2AtLeast30pct: true });
  });

  runIt('delivers the stream whole', () => {
    const { record } = outcome;
    expect(record.traffic.completed).toBe(true);
    expect(record.traffic.integrity?.ok).toBe(true);
  });
});
