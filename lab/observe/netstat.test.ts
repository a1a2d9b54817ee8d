import { diffCounters, MPTCP_COUNTERS_OF_INTEREST, parseNetstat, pickMptcpCounters } from './netstat';
import { fixture } from './test-fixtures';

describe('parseNetstat', () => {
  it('reads every header/value pair of /proc/net/netstat', () => {
    const c = parseNetstat(fixture('netstat-host-root.txt'));
    // The fixture's values, read by hand from netstat-host-root.txt.
    expect(c['MPTcpExt.MPCapableSYNTX']).toBe(9);
    expect(c['TcpExt.SyncookiesSent']).toBe(0);
    expect(Object.keys(c).filter((k) => k.startsWith('MPTcpExt.'))).toHaveLength(76);
  });

  it('knows this kernel: every counter of interest exists under its real name', () => {
    const c = parseNetstat(fixture('netstat-host-root.txt'));
    expect(MPTCP_COUNTERS_OF_INTEREST.filter((n) => c[`MPTcpExt.${n}`] === undefined)).toEqual([]);
  });

  it('reads the counters of an MPTCP transfer', () => {
    expect(pickMptcpCounters(parseNetstat(fixture('netstat-client.txt')))).toMatchObject({
      MPCapableSYNTX: 1,
      MPCapableSYNACKRX: 1,
      MPJoinSynTx: 1,
      MPJoinSynAckRx: 1,
      AddAddr: 1,
      RmAddr: 1,
      MPCapableFallbackACK: 0,
    });
  });

  it('reads /proc/net/snmp, negative values included', () => {
    const c = parseNetstat(fixture('snmp.txt'));
    expect(c['Ip.Forwarding']).toBe(1);
    expect(c['Tcp.MaxConn']).toBe(-1);
    expect(c['Udp.InDatagrams']).toBe(0);
    expect(c['Tcp.RetransSegs']).toBe(108425);
  });

  it('skips a header with no value line', () => {
    expect(parseNetstat('MPTcpExt: A B\nTcpExt: C\nTcpExt: 7\n')).toEqual({ 'TcpExt.C': 7 });
  });
});

describe('diffCounters', () => {
  it('subtracts, counting a new key from 0', () => {
    const d = diffCounters(parseNetstat(fixture('netstat-server-mid.txt')), parseNetstat(fixture('netstat-server-end.txt')));
    expect(d['MPTcpExt.RmSubflow']).toBe(1);
    expect(d['MPTcpExt.MPCapableSYNRX']).toBe(0);
    expect(d['MPTcpExt.MPCurrEstab']).toBe(-1);
    expect(diffCounters({}, { x: 3 })).toEqual({ x: 3 });
  });
});
