/**
 * cleanNetnsLeftovers on real (throwaway) leftovers: a crashed run's namespace and veth,
 * and a live run's namespace with a process in it. Needs root; skipped otherwise.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cleanNetnsLeftovers, listNetnsLeftovers } from './clean';
import { newNetnsRunId } from './layout';

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const describeRoot = root ? describe : describe.skip;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

describeRoot('cleanNetnsLeftovers', () => {
  const dead = newNetnsRunId();
  const live = newNetnsRunId();

  afterAll(async () => {
    await cleanNetnsLeftovers({ runId: dead, all: true });
    await cleanNetnsLeftovers({ runId: live, all: true });
  });

  it('removes a dead run\'s namespace and veth, and leaves a live run alone unless all', async () => {
    ip('netns', 'add', `mlab-${dead}-pc1`);
    ip('link', 'add', `mlv${dead}0-0`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', `mlab-${dead}-pc1`);
    ip('netns', 'add', `mlab-${live}-pc1`);
    const sleeper = spawn('ip', ['netns', 'exec', `mlab-${live}-pc1`, 'sleep', '30'], { stdio: 'ignore' });
    const exited = new Promise((r) => sleeper.once('close', r));
    for (let i = 0; i < 100 && Object.keys((await listNetnsLeftovers(live)).processes).length === 0; i++) await new Promise((r) => setTimeout(r, 10));

    expect(await listNetnsLeftovers(dead)).toEqual({ namespaces: [`mlab-${dead}-pc1`], veths: [`mlv${dead}0-0`], processes: {} });
    const cleaned = await cleanNetnsLeftovers({ runId: dead });
    expect(cleaned).toEqual({ namespaces: [`mlab-${dead}-pc1`], veths: [`mlv${dead}0-0`], processes: [], skipped: [], failures: [] });
    expect(await listNetnsLeftovers(dead)).toEqual({ namespaces: [], veths: [], processes: {} });

    const kept = await cleanNetnsLeftovers({ runId: live });
    expect(kept.namespaces).toEqual([]);
    expect(kept.skipped).toEqual([expect.stringMatching(new RegExp(`^mlab-${live}-pc1 \\(processes ${sleeper.pid} still run`))]);
    const forced = await cleanNetnsLeftovers({ runId: live, all: true });
    expect(forced).toMatchObject({ namespaces: [`mlab-${live}-pc1`], processes: [sleeper.pid], failures: [] });
    await exited;
    expect(await listNetnsLeftovers(live)).toEqual({ namespaces: [], veths: [], processes: {} });
  });
});
