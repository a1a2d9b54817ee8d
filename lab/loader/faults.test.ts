import { loadTopologyText } from './load';
import { HEAD, onlyProblem } from './test-support';

const load = (text: string) => loadTopologyText(text, 'lab.yaml');

describe('timeline faults and the middlebox checks', () => {
  it('resolves a fault and its unfault into plan events, and the plan needs nftables faults', () => {
    const plan = load(HEAD + 'timeline:\n  - {at: 1s, fault: vlan181, mode: rewrite, from: pc1, every: 10}\n  - {at: 3s, unfault: vlan181}\n');
    expect(plan.timeline).toEqual([
      { atMs: 1000, kind: 'fault', path: 'vlan181', fault: { mode: 'rewrite', from: 'pc1', every: 10 } },
      { atMs: 3000, kind: 'unfault', path: 'vlan181' },
    ]);
    expect(plan.needs.faults).toEqual(['rewrite']);
  });

  it('notes that a fault at 0 is in place before the handshake', () => {
    const plan = load(HEAD + 'timeline:\n  - {at: 0s, fault: vlan180, mode: strip-options, from: pc2}\n');
    expect(plan.notes.join('\n')).toContain('the strip-options fault on vlan180 at 0 is put in place before the traffic starts');
  });

  it('refuses a fault without a mode, a cut mode on a fault and a fault mode on a cut', () => {
    expect(onlyProblem(HEAD + 'timeline:\n  - {at: 1s, fault: vlan181}\n').message).toContain('missing required key "mode": a fault needs one of rewrite, strip-options, drop-syn-mptcp, reset');
    expect(onlyProblem(HEAD + 'timeline:\n  - {at: 1s, fault: vlan181, mode: down}\n').message).toContain("a fault's mode is one of");
    expect(onlyProblem(HEAD + 'timeline:\n  - {at: 1s, cut: vlan181, mode: rewrite}\n  - {at: 2s, restore: vlan181}\n').message).toContain('use fault: vlan181 with mode: rewrite');
  });

  it('refuses every outside rewrite, an unfault without a fault, two faults at once and a from host not on the path', () => {
    expect(onlyProblem(HEAD + 'timeline:\n  - {at: 1s, fault: vlan181, mode: reset, every: 3}\n').message).toBe('every applies to fault events with mode rewrite only');
    expect(onlyProblem(HEAD + 'timeline:\n  - {at: 1s, unfault: vlan181}\n').message).toContain('has no fault at 1 s');
    expect(onlyProblem(HEAD + 'timeline:\n  - {at: 1s, fault: vlan181, mode: reset}\n  - {at: 2s, fault: vlan181, mode: rewrite}\n').message).toContain('already has a fault');
    expect(onlyProblem(HEAD + 'timeline:\n  - {at: 1s, fault: vlan181, mode: reset, from: pc9}\n').message).toContain('no host named "pc9" on path vlan181');
  });

  it('resolves the three checks; fallback: expect drops the default mptcp and subflows checks, and contradicts mptcp: true', () => {
    const plan = load(HEAD + 'checks:\n  fallback: expect\n  checksumErrors: {min: 1}\n  subflowReset: {max: 0}\n');
    expect(plan.checks.filter((c) => ['fallback', 'checksumErrors', 'subflowReset'].includes(c.kind))).toEqual([
      { kind: 'fallback', expect: true },
      { kind: 'checksumErrors', min: 1 },
      { kind: 'subflowReset', max: 0 },
    ]);
    expect(plan.checks.map((c) => c.kind)).not.toContain('mptcp');
    expect(plan.checks.map((c) => c.kind)).not.toContain('subflows');
    expect(onlyProblem(HEAD + 'checks:\n  fallback: expect\n  mptcp: true\n').message).toContain('fallback: expect contradicts mptcp: true');
  });

  it('refuses counter bounds that can never fail', () => {
    expect(onlyProblem(HEAD + 'checks:\n  checksumErrors: {min: 0}\n').message).toContain('checksumErrors min 0 with no max can never fail');
    expect(onlyProblem(HEAD + 'checks:\n  subflowReset: {}\n').message).toContain('subflowReset needs min or max');
    expect(onlyProblem(HEAD + 'checks:\n  subflowReset: {min: 2, max: 1}\n').message).toBe('max (1) must be at least min (2)');
  });
});
