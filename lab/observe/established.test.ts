import { establishedReader, tcpSignature } from './established';
import { fixture } from './test-fixtures';

/** A fake /proc for one PID: snmp with the given CurrEstab/ActiveOpens, and the fixture socket tables. */
function fakeProc() {
  const state = { activeOpens: 104, currEstab: 0, tcp: fixture('proc-net-tcp-server.txt'), tcp6: fixture('proc-net-tcp6-server.txt') };
  const reads: string[] = [];
  const readText = async (path: string) => {
    reads.push(path.replace(/^\/proc\/\d+\/net\//, ''));
    if (path.endsWith('/snmp')) {
      return [
        'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors',
        `Tcp: 1 200 120000 -1 ${state.activeOpens} 0 0 49 ${state.currEstab} 682950 24906023 108425 0 0 0`,
      ].join('\n');
    }
    return path.endsWith('/tcp6') ? state.tcp6 : state.tcp;
  };
  return { state, reads, readText };
}

describe('tcpSignature', () => {
  it('picks the counters that move when a socket enters or leaves ESTABLISHED', () => {
    expect(tcpSignature(fixture('snmp.txt'))).toBe('104 0 0 49 0');
  });

  it('is undefined without a Tcp section', () => {
    expect(tcpSignature('Ip: Forwarding\nIp: 1\n')).toBeUndefined();
    expect(tcpSignature('')).toBeUndefined();
  });

  it('reads the Tcp section wherever it is, and is undefined when its values line or a field is missing', () => {
    const names = 'Tcp: RtoAlgorithm ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs';
    expect(tcpSignature(`${names}\nTcp: 1 7 8 0 2 3 999`)).toBe('7 8 0 2 3');
    expect(tcpSignature(`Ip: Forwarding\nIp: 1\n${names}\nTcp: 1 7 8 0 2 3 999\nUdp: InDatagrams\nUdp: 5\n`)).toBe('7 8 0 2 3');
    expect(tcpSignature(`Ip: Forwarding\n${names}\nUdp: InDatagrams\nUdp: 5\n`)).toBeUndefined();
    expect(tcpSignature(`${names}\n`)).toBeUndefined();
    expect(tcpSignature('Tcp: RtoAlgorithm ActiveOpens\nTcp: 1 7\n')).toBeUndefined();
    expect(tcpSignature(`${names}\nTcp: 1 7 8 x 2 3 999\n`)).toBeUndefined();
  });
});

describe('establishedReader', () => {
  it('counts established sockets on the port per local address, from tcp and tcp6', async () => {
    const proc = fakeProc();
    const r = establishedReader(42, 5201, { readText: proc.readText, clock: () => 0 });
    expect(await r.read()).toEqual({ '10.99.0.3': 1, '10.254.78.3': 1 });
    expect(proc.reads).toEqual(['snmp', 'tcp', 'tcp6']);
  });

  it('skips the socket tables while the TCP counters stand still, and re-reads when they move', async () => {
    const proc = fakeProc();
    let now = 0;
    const r = establishedReader(42, 5201, { readText: proc.readText, clock: () => now, maxAgeMs: 500 });
    await r.read();
    now = 100;
    // The tables changed, but no counter moved: the cached counts stand (the tables are not even read).
    proc.state.tcp = '';
    expect(await r.read()).toEqual({ '10.99.0.3': 1, '10.254.78.3': 1 });
    expect(r.fullReads).toBe(1);
    now = 200;
    proc.state.currEstab = 1;
    expect(await r.read()).toEqual({});
    expect(r.fullReads).toBe(2);
  });

  it('re-reads after maxAgeMs even when nothing moved (an ESTABLISHED → CLOSE_WAIT moves no counter)', async () => {
    const proc = fakeProc();
    let now = 0;
    const r = establishedReader(42, 5201, { readText: proc.readText, clock: () => now, maxAgeMs: 500 });
    await r.read();
    proc.state.tcp = '';
    now = 499;
    expect(Object.keys(await r.read())).toHaveLength(2);
    now = 500;
    expect(await r.read()).toEqual({});
    expect(r.fullReads).toBe(2);
  });

  it('reads the tables every time when snmp cannot be read', async () => {
    const proc = fakeProc();
    const r = establishedReader(42, 5201, { readText: (p) => (p.endsWith('/snmp') ? Promise.resolve('') : proc.readText(p)), clock: () => 0 });
    await r.read();
    await r.read();
    expect(r.fullReads).toBe(2);
  });

  it('hands out copies: a caller changing the result does not change the cache', async () => {
    const proc = fakeProc();
    const r = establishedReader(42, 5201, { readText: proc.readText, clock: () => 0 });
    const first = await r.read();
    first['10.99.0.3'] = 99;
    expect((await r.read())['10.99.0.3']).toBe(1);
  });
});
