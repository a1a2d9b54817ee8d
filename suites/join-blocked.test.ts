/**
 * join-blocked: a middlebox on vlan181 drops SYNs carrying MPTCP options (MP_JOIN) from pc2,
 * from before the connection opens. MPTCP stays up on vlan180 alone: one subflow, the join
 * attempts counted on the client (MPJoinSynTx) and none arriving on the server. The suite
 * reads the counters itself and the receiver's veths on its own timer.
 */
import { checkNamed, expectEveryCheckPasses, keepOwnReadings } from './helpers';
import { faultHits, middleboxRun } from './middlebox-readings';

jest.setTimeout(180_000);

describe('join-blocked: MP_JOIN SYNs dropped on vlan181', () => {
  const lab = middleboxRun('join-blocked');
  const { run, own } = lab;

  it('passes every check: MPTCP with 0 joins expected (the path is blocked), exactly 1 subflow, no fallback', () => {
    expectEveryCheckPasses(run.checks);
    expect(checkNamed(run.checks, 'mptcp').message).toContain('joins on vlan181 blocked by the timeline\'s fault from the start');
    expect(checkNamed(run.checks, 'subflows').value).toBe(1);
    expect(checkNamed(run.checks, 'fallback').value).toBe(0);
  });

  it('our own counters: pc2 tried the join (MPJoinSynTx ≥ 1), pc1 saw none (MPJoinSynRx 0, MPJoinAckRx 0), MP_CAPABLE on both', () => {
    const seen = keepOwnReadings(run, 'counters', {
      'pc2 MPJoinSynTx': own('pc2', 'MPJoinSynTx'),
      'pc2 MPJoinSynAckRx': own('pc2', 'MPJoinSynAckRx'),
      'pc1 MPJoinSynRx': own('pc1', 'MPJoinSynRx'),
      'pc1 MPJoinAckRx': own('pc1', 'MPJoinAckRx'),
      'pc1 MPCapableSYNRX': own('pc1', 'MPCapableSYNRX'),
      'pc2 MPCapableSYNACKRX': own('pc2', 'MPCapableSYNACKRX'),
    });
    expect(seen['pc2 MPJoinSynTx']).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual({ ...seen, 'pc2 MPJoinSynAckRx': 0, 'pc1 MPJoinSynRx': 0, 'pc1 MPJoinAckRx': 0, 'pc1 MPCapableSYNRX': 1, 'pc2 MPCapableSYNACKRX': 1 });
    expect(run.record.counters.pc2?.['MPTcpExt.MPJoinSynTx']).toBe(seen['pc2 MPJoinSynTx']);
    // The drops happened in pc1's ingress (the join SYN leaves pc2).
    expect(keepOwnReadings(run, 'fault hits', faultHits(run.record, 'vlan181')).pc1).toBeGreaterThanOrEqual(1);
  });

  it('our own files and veths: 50 MB whole over vlan180, vlan181 carried < 64 KiB', () => {
    keepOwnReadings(run, 'files', lab.files);
    expect(lab.files).toMatchObject({ servedSize: 5e7, receivedSize: 5e7, differingBytes: 0 });
    expect(lab.files.received).toBe(lab.files.served);
    const w = run.own!;
    const bytes = keepOwnReadings(run, 'veth bytes', w.bytes(w.passStart(), w.passEnd() + 1000));
    expect(bytes.vlan180!).toBeGreaterThanOrEqual(5e7);
    expect(bytes.vlan181!).toBeLessThan(64 * 1024);
  });
});
