import { parseSsMptcp } from './ss-mptcp';
import { fixture } from './test-fixtures';

describe('parseSsMptcp', () => {
  it('finds the connection and its two subflows on the client', () => {
    const [conn, ...rest] = parseSsMptcp(fixture('ss-tiMn-client.txt'));
    expect(rest).toEqual([]);
    expect(conn).toMatchObject({ state: 'ESTAB', local: '10.99.0.2:54496', peer: '10.99.0.3:5201', token: 'c4875677', extraSubflows: 1 });
    expect(conn!.tcpSubflows.map((s) => [s.local, s.localId])).toEqual([
      ['10.254.78.2:45205', 1],
      ['10.99.0.2:54496', 0],
    ]);
    expect(conn!.fields.subflows_max).toBe('2');
  });

  it('matches subflows by the local token on the server', () => {
    const [conn] = parseSsMptcp(fixture('ss-tiMn-server.txt'));
    expect(conn).toMatchObject({ token: '7cc1ff3e', extraSubflows: 1 });
    expect(conn!.tcpSubflows).toHaveLength(2);
  });

  it('reads the backup flag of a subflow', () => {
    const text = [
      'mptcp ESTAB 0 0 10.0.0.2:1 10.0.0.3:5201',
      '\t subflows:1 token:aa',
      'tcp ESTAB 0 0 10.0.1.2:2 10.0.1.3:5201',
      '\t tcp-ulp-mptcp flags:JjBec token:bb(id:1)/aa(id:2) seq:0',
    ].join('\n');
    expect(parseSsMptcp(text)[0]!.tcpSubflows).toEqual([{ state: 'ESTAB', local: '10.0.1.2:2', peer: '10.0.1.3:5201', localId: 2, backup: true }]);
  });

  it('gives nothing for output without MPTCP sockets', () => {
    expect(parseSsMptcp('Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\n')).toEqual([]);
  });
});
