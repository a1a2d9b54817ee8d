/**
 * pretest's host-tool setup: installs Debian's chromium / nftables / iproute2 as root with
 * apt-get, saying so in one line, or stops with one line naming what to install, before any
 * test runs. The decisions are driven with injected fakes; one real run checks the exit.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { allowLabCongestionControl, ensureTestTools, type TestToolsContext } from './ensure-deps';
import type { FoundBrowser } from './find-browser';

const CHROMIUM: FoundBrowser = { path: '/usr/bin/chromium', version: 'Chromium 156', source: 'chromium', rejected: [] };
const NONE: FoundBrowser = { path: undefined, rejected: [], chromePathSet: false };

function ctx(over: Partial<TestToolsContext> & { tools?: string[] } = {}) {
  const tools = new Set(over.tools ?? ['apt-get', 'nft', 'ip', 'tc']);
  const lines: string[] = [];
  const installs: string[][] = [];
  const c: TestToolsContext = {
    uid: 0,
    has: (n) => tools.has(n),
    browser: CHROMIUM,
    findAgain: () => CHROMIUM,
    aptGet: (pkgs) => {
      installs.push(pkgs);
      for (const p of pkgs) if (p === 'nftables') tools.add('nft');
      return { ok: true, output: '' };
    },
    log: (l) => lines.push(l),
    ...over,
  };
  return { c, lines, installs };
}

describe('ensureTestTools (pretest)', () => {
  it('does nothing and says nothing when the host has everything', () => {
    const { c, lines, installs } = ctx();
    expect(ensureTestTools(c)).toBe(0);
    expect(lines).toEqual([]);
    expect(installs).toEqual([]);
  });

  it('as root with apt-get, installs chromium and nftables in one apt-get, saying so in one line', () => {
    const { c, lines, installs } = ctx({ browser: NONE, tools: ['apt-get', 'ip', 'tc'] });
    expect(ensureTestTools(c)).toBe(0);
    expect(installs).toEqual([['chromium', 'nftables']]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mptcp-lab: installing what the tests need and this host lacks: chromium \(a headless browser .*\), nftables \(nft .*\): apt-get install -y --no-install-recommends chromium nftables$/);
  });

  it('not root: stops with one line naming the packages and CHROME_PATH, installing nothing (nft is only needed as root)', () => {
    const { c, lines, installs } = ctx({ uid: 1000, browser: NONE, tools: ['apt-get'] });
    expect(ensureTestTools(c)).toBe(3);
    expect(installs).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mptcp-lab: npm test needs chromium \(.*\); install as root: apt-get install -y --no-install-recommends chromium, or set CHROME_PATH/);
    expect(lines[0]).not.toContain('nftables');
  });

  it('root without apt-get: one line naming what to install', () => {
    const { c, lines } = ctx({ tools: ['ip', 'tc'] });
    expect(ensureTestTools(c)).toBe(3);
    expect(lines).toEqual([expect.stringMatching(/^mptcp-lab: npm test needs nftables \(nft for the tc\/nftables kernel tests .*\); install the packages providing nftables with this system's package manager$/)]);
  });

  it('a broken CHROME_PATH is reported, not papered over by an install', () => {
    const { c, lines, installs } = ctx({ browser: { path: undefined, rejected: ['CHROME_PATH /opt/x: not an executable file'], chromePathSet: true } });
    expect(ensureTestTools(c)).toBe(3);
    expect(installs).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/^mptcp-lab: CHROME_PATH does not work \(CHROME_PATH \/opt\/x: not an executable file\)/)]);
  });

  it('a failed apt-get stops the tests with its output; an install that still leaves the tool missing says so', () => {
    const failed = ctx({ browser: NONE, aptGet: () => ({ ok: false, output: 'E: Unable to locate package chromium' }) });
    expect(ensureTestTools(failed.c)).toBe(1);
    expect(failed.lines[1]).toContain('E: Unable to locate package chromium');
    const still = ctx({ browser: NONE, findAgain: () => NONE });
    expect(ensureTestTools(still.c)).toBe(1);
    expect(still.lines.at(-1)).toMatch(/still missing: a headless browser/);
  });
});

describe('lab/cli/ensure-deps.js as pretest', () => {
  it('exits 3 with one line before any test runs when the browser it is told to use is missing', () => {
    const r = spawnSync(process.execPath, [join(__dirname, 'ensure-deps.js')], {
      env: { ...process.env, npm_lifecycle_event: 'pretest', MPTCP_LAB_NO_NPM_CI: '1', CHROME_PATH: '/nonexistent/chrome' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^mptcp-lab: CHROME_PATH does not work/)]);
  });

  it('exits 0 quietly on a host that has everything (else one line says what it lacks)', () => {
    const r = spawnSync(process.execPath, [join(__dirname, 'ensure-deps.js')], { env: { ...process.env, npm_lifecycle_event: 'pretest', MPTCP_LAB_NO_NPM_CI: '1' }, encoding: 'utf8' });
    // Either the host has what the tests need (quiet), or the one line says what it lacks.
    if (r.status === 0) expect(r.stderr).toBe('');
    else expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('allowLabCongestionControl (prelab, pretest, prebench)', () => {
  const run = (allowed: string | undefined, uid = 0) => {
    const writes: Array<[string, string]> = [];
    const lines: string[] = [];
    const changed = allowLabCongestionControl({
      uid,
      read: () => allowed,
      write: (p: string, v: string) => void writes.push([p, v]),
      modprobe: () => undefined,
      log: (l: string) => void lines.push(l),
    });
    return { changed, writes, lines };
  };
  it('as root on a bbr host ("reno bbr"), adds cubic to the namespaces\' allowed list and says so in one line', () => {
    const r = run('reno bbr\n');
    expect(r.changed).toBe(true);
    expect(r.writes).toEqual([['/proc/sys/net/ipv4/tcp_allowed_congestion_control', 'reno bbr cubic']]);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/allowed cubic for network namespaces/);
  });
  it('changes nothing where cubic is allowed already, when not root, or when the list cannot be read', () => {
    for (const r of [run('reno cubic'), run('reno bbr', 1000), run(undefined)]) {
      expect(r.changed).toBe(false);
      expect(r.writes).toEqual([]);
      expect(r.lines).toEqual([]);
    }
  });
});
