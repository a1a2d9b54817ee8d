/**
 * .ci/workflow-steps: the workflow a user copies, run step by step in a fresh clone.
 * Fast: a small workflow in a throwaway repository (order, `uses:` skipped, `if:` after a
 * failure, env, fresh clone) and the real workflow's step list. Slow (minutes, the whole
 * `test` job: npm ci, doctor --build, npm test) only with MPTCP_LAB_WORKFLOW_TEST=1;
 * MPTCP_LAB_WORKFLOW_JEST_ARGS narrows its `npm test` (e.g. "--selectProjects unit").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';

const ROOT = resolve(__dirname, '..', '..');
const SCRIPT = join(ROOT, '.ci', 'workflow-steps');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'mptcp-lab.yml');

interface Report {
  clone: string;
  steps: Array<{ job: string; name: string; status: string; why?: string; exitCode?: number; changed?: string }>;
}

const WORKFLOW_FIXTURE = `
name: fixture
on: push
env:
  WHO: workflow
jobs:
  one:
    runs-on: ubuntu-latest
    env:
      LEVEL: job
    steps:
      - uses: actions/checkout@v4
      - name: first
        run: |
          # a comment about npm test's pretest is left alone
          echo "first $WHO $LEVEL $CI" > "$GITHUB_WORKSPACE/../order.txt"
      - name: fresh clone
        run: |
          test -f tracked.txt
          test ! -e untracked.txt
          echo "fresh" >> ../order.txt
      - name: pipefail
        run: false | true
      - name: after a failure
        run: echo "must not run" >> ../order.txt
      - name: always
        if: \${{ !cancelled() }}
        env:
          LEVEL: step
        run: echo "always $LEVEL" >> ../order.txt
      - name: npm test rewritten
        if: always()
        run: echo npm test >> ../order.txt
`;

describe('.ci/workflow-steps', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mptcp-lab-wfs-'));
    const repo = join(dir, 'src');
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(repo, '.github', 'workflows', 'w.yml'), WORKFLOW_FIXTURE);
    writeFileSync(join(repo, 'tracked.txt'), 'x\n');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'fixture');
    writeFileSync(join(repo, 'untracked.txt'), 'not in a clone\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the run: steps in order in a fresh clone, skips uses: steps, stops after a failure except for !cancelled()/always() steps', () => {
    const report = join(dir, 'report.json');
    const r = spawnSync(process.execPath, [SCRIPT, '--repo', join(dir, 'src'), '--workflow', '.github/workflows/w.yml', '--report', report, '--keep', '--jest-args', '--selectProjects unit'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const out = JSON.parse(readFileSync(report, 'utf8')) as Report;
    expect(out.steps.map((s) => [s.name, s.status])).toEqual([
      ['uses actions/checkout@v4', 'skipped'],
      ['first', 'passed'],
      ['fresh clone', 'passed'],
      ['pipefail', 'failed'],
      ['after a failure', 'skipped'],
      ['always', 'passed'],
      ['npm test rewritten', 'passed'],
    ]);
    expect(out.steps[6]!.changed).toBe('npm test -- --selectProjects unit');
    expect(out.steps[1]!.changed).toBeUndefined();
    expect(readFileSync(join(out.clone, '..', 'order.txt'), 'utf8')).toBe('first workflow job true\nfresh\nalways step\nnpm test -- --selectProjects unit\n');
    rmSync(join(out.clone, '..'), { recursive: true, force: true });
  });

  it('lists the real workflow: its browser step uses the discovery, not /usr/bin/chromium', () => {
    const text = readFileSync(WORKFLOW, 'utf8');
    const doc = YAML.parse(text) as { jobs: Record<string, { steps: Array<{ run?: string }> }> };
    const runs = Object.values(doc.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    expect(runs.join('\n')).not.toMatch(/test -x \/usr\/bin\/chromium|^\s*\/usr\/bin\/chromium /m);
    expect(runs.join('\n')).toContain('node lab/cli/find-browser.js');
    const listed = execFileSync(process.execPath, [SCRIPT, '--list', '--job', 'test'], { encoding: 'utf8' }).trim().split('\n');
    expect(listed.filter((l) => l.split('\t')[1] === 'run').map((l) => l.split('\t')[2])).toEqual([
      'Host facts (kernel, MPTCP, netem, Docker)',
      'npm ci',
      'Doctor',
      'npm test',
      'Hand reports/ back to the runner user',
    ]);
  });

  const slow = process.env.MPTCP_LAB_WORKFLOW_TEST === '1' ? it : it.skip;
  slow('the real workflow\'s test job passes here, in a fresh clone (MPTCP_LAB_WORKFLOW_TEST=1; minutes)', () => {
    const report = join(dir, 'real.json');
    const jest = process.env.MPTCP_LAB_WORKFLOW_JEST_ARGS;
    const r = spawnSync(process.execPath, [SCRIPT, '--job', 'test', '--report', report, ...(jest ? ['--jest-args', jest] : [])], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    const out = JSON.parse(readFileSync(report, 'utf8')) as Report;
    expect(out.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(r.status).toBe(0);
  }, 60 * 60_000);
});
