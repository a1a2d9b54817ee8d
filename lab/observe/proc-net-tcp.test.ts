import { countEstablished, parseProcNetTcp } from './proc-net-tcp';
import { fixture } from './test-fixtures';

describe('parseProcNetTcp', () => {
  it('decodes addresses, ports and states', () => {
    expect(parseProcNetTcp(fixture('proc-net-tcp-server.txt'))).toEqual([
      { localAddress: '0.0.0.0', localPort: 5201, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', inode: 127322 },
      { localAddress: '10.99.0.3', localPort: 5201, remoteAddress: '10.99.0.2', remotePort: 54496, state: 'ESTABLISHED', inode: 127324 },
      { localAddress: '10.254.78.3', localPort: 5201, remoteAddress: '10.254.78.2', remotePort: 45205, state: 'ESTABLISHED', inode: 127324 },
    ]);
  });

  it('reads tcp6, showing IPv4-mapped peers as IPv4', () => {
    const [listen, conn] = parseProcNetTcp(fixture('proc-net-tcp6-server.txt'));
    expect(listen).toMatchObject({ localAddress: '::', state: 'LISTEN' });
    expect(conn).toMatchObject({ localAddress: '10.99.0.3', localPort: 5202, remoteAddress: '10.99.0.2', state: 'ESTABLISHED' });
  });

  it('decodes a plain IPv6 address', () => {
    const line = '   0: 000080FE00000000FF0000020300FEFF:1451 00000000000000000000000001000000:D4E0 01 0:0 0:0 0 0 0 42 1';
    expect(parseProcNetTcp(line)[0]).toMatchObject({ localAddress: 'fe80::200:ff:fffe:3', remoteAddress: '::1', state: 'ESTABLISHED' });
  });
});

describe('countEstablished', () => {
  it('counts subflows per local address (one per path), on either end', () => {
    const server = parseProcNetTcp(fixture('proc-net-tcp-server.txt'));
    expect(countEstablished(server, { port: 5201, byLocalAddress: true })).toEqual({ total: 2, byLocalAddress: { '10.99.0.3': 1, '10.254.78.3': 1 } });
    const client = parseProcNetTcp(fixture('proc-net-tcp-client.txt'));
    expect(countEstablished(client, { port: 5201, byLocalAddress: true })).toEqual({ total: 2, byLocalAddress: { '10.254.78.2': 1, '10.99.0.2': 1 } });
    expect(countEstablished(client, { port: 80 })).toEqual({ total: 0 });
  });

  it('takes concatenated tcp and tcp6 files', () => {
    const both = parseProcNetTcp(fixture('proc-net-tcp-server.txt') + fixture('proc-net-tcp6-server.txt'));
    expect(countEstablished(both, { port: 5202 }).total).toBe(1);
  });
});
