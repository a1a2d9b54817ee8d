/**
 * option-strip: a middlebox strips TCP option 30 (MPTCP) from what pc2 sends on vlan180, the
 * primary path, from before the first SYN. The connection must fall back to plain TCP, finish
 * whole, and be reported as a fallback (the topology declares fallback: expect; the mptcp
 * check, evaluated on the same record, fails). The suite reads the counters and files itself.
 */
import { evaluateChecks } from '../lab';
import { checkNamed, expectEveryCheckPasses, keepOwnReadings } from './helpers';
import { faultHits, middleboxRun } from './middlebox-readings';

jest.setTimeout(180_000);

describe('option-strip: MPTCP options stripped from the client on the primary path', () => {
  const lab = middleboxRun('option-strip');
  const { run, own } = lab;

  it('passes every check it declares: fallback expected and counted (MPCapableFallbackSYNACK on pc2), one subflow', () => {
    expectEveryCheckPasses(run.checks);
    const fb = checkNamed(run.checks, 'fallback');
    expect(fb.value).toBeGreaterThanOrEqual(1);
    expect(fb.measured).toMatch(/MPCapableFallbackSYNACK [1-9]\d* \(pc2 [1-9]/);
    expect(run.checks.map((c) => c.name)).not.toContain('mptcp');
    expect(run.plan.notes.join('\n')).toContain('no default mptcp check: checks.fallback is expect');
  });

  it('is reported as a fallback: the mptcp check on the same record fails, saying TCP (fallback)', () => {
    // The mptcp check alone, as a plan that declared it would evaluate it on this very record.
    const [m] = evaluateChecks({ ...run.record, plan: { ...run.record.plan, checks: [{ kind: 'mptcp' }] } });
    expect(m).toMatchObject({ status: 'fail', measured: 'TCP (fallback)' });
    expect(run.record.mptcp.fellBack).toBe(true);
  });

  it('our own counters: pc2 sent MP_CAPABLE and got a plain SYN-ACK; pc1 never saw MP_CAPABLE nor a join', () => {
    const seen = keepOwnReadings(run, 'counters', {
      'pc2 MPCapableSYNTX': own('pc2', 'MPCapableSYNTX'),
      'pc2 MPCapableFallbackSYNACK': own('pc2', 'MPCapableFallbackSYNACK'),
      'pc2 MPCapableSYNACKRX': own('pc2', 'MPCapableSYNACKRX'),
      'pc1 MPCapableSYNRX': own('pc1', 'MPCapableSYNRX'),
      'pc1 MPJoinSynRx': own('pc1', 'MPJoinSynRx'),
    });
    expect(seen['pc2 MPCapableSYNTX']).toBeGreaterThanOrEqual(1);
    expect(seen['pc2 MPCapableFallbackSYNACK']).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual({ ...seen, 'pc2 MPCapableSYNACKRX': 0, 'pc1 MPCapableSYNRX': 0, 'pc1 MPJoinSynRx': 0 });
    expect(keepOwnReadings(run, 'fault hits', faultHits(run.record, 'vlan180')).pc1).toBeGreaterThanOrEqual(1);
  });

  it('our own files and veths: 50 MB whole (SHA-256 equal), all of it over vlan180, vlan181 idle', () => {
    keepOwnReadings(run, 'files', lab.files);
    expect(lab.files).toMatchObject({ servedSize: 5e7, receivedSize: 5e7, differingBytes: 0 });
    expect(lab.files.received).toBe(lab.files.served);
    const w = run.own!;
    const bytes = keepOwnReadings(run, 'veth bytes', w.bytes(w.passStart(), w.passEnd() + 1000));
    expect(bytes.vlan180!).toBeGreaterThanOrEqual(5e7);
    expect(bytes.vlan181!).toBeLessThan(64 * 1024);
  });
});
