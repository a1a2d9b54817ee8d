import { parseMptcpMonitorLine } from './mptcp-monitor';
import { fixture } from './test-fixtures';

describe('parseMptcpMonitorLine', () => {
  it('reads a client-side session: created, announced, joined, removed, closed, priority', () => {
    const events = fixture('mptcp-monitor-client.txt').split('\n').map(parseMptcpMonitorLine).filter((e) => e !== undefined);
    expect(events.map((e) => e.event)).toEqual(['CREATED', 'ESTABLISHED', 'ANNOUNCED', 'SF_ESTABLISHED', 'REMOVED', 'SF_CLOSED', 'CLOSED', 'SF_PRIO', 'SF_PRIO']);
    expect(events[3]).toEqual({
      event: 'SF_ESTABLISHED',
      fields: { token: 'c4875677', remid: '1', locid: '1', saddr4: '10.254.78.2', daddr4: '10.254.78.3', sport: '45205', dport: '5201', backup: '0' },
    });
    expect(events[2]!.fields).toEqual({ token: 'c4875677', remid: '1', daddr4: '10.254.78.3', dport: '5201' });
    expect(events[7]!.fields.backup).toBe('1');
  });

  it('names the listener events iproute2 6.1 prints as UNKNOWN', () => {
    const events = fixture('mptcp-monitor-server.txt').split('\n').map(parseMptcpMonitorLine);
    expect(events[0]).toEqual({ event: 'LISTENER_CREATED', fields: {} });
    expect(events.map((e) => e?.event)).toContain('LISTENER_CLOSED');
    expect(parseMptcpMonitorLine('[UNKNOWN 42]')).toEqual({ event: 'UNKNOWN_42', fields: {} });
  });

  it('reads newer fields, bare words and IPv6', () => {
    const line = '[     SF_CLOSED] token=0a1b2c3d remid=2 locid=1 saddr6=2001:db8::2 daddr6=2001:db8::3 sport=4000 dport=5201 backup=0 error=111 reset_reason=1 reset_flags=0x0 server_side';
    expect(parseMptcpMonitorLine(line)?.fields).toMatchObject({ saddr6: '2001:db8::2', error: '111', reset_reason: '1', reset_flags: '0x0', server_side: 'true' });
    expect(parseMptcpMonitorLine('[   SF_PRIORITY] token=1 backup=1')?.event).toBe('SF_PRIO');
  });

  it('ignores lines that are not events', () => {
    expect(parseMptcpMonitorLine('')).toBeUndefined();
    expect(parseMptcpMonitorLine('Error: invalid argument')).toBeUndefined();
    expect(parseMptcpMonitorLine('[  SOMETHING] x=1')).toBeUndefined();
  });
});
