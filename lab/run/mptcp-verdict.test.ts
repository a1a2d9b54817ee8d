import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTopologyText } from '../loader';
import { connectionFromSnapshots, mptcpVerdict, ranMptcp, whyLookAgain } from './mptcp-verdict';

const yaml = `
description: verdict test
hosts:
  pc1: { role: server }
  pc2: { role: client }
paths:
  a: { rate: 1gbit }
  b: { rate: 1gbit }
traffic: { tool: iperf3, duration: 5s }
`;

const capable = {
  pc2: { 'MPTcpExt.MPCapableSYNTX': 2, 'MPTcpExt.MPCapableSYNACKRX': 2, 'MPTcpExt.MPJoinSynAckRx': 1 },
  pc1: { 'MPTcpExt.MPCapableSYNRX': 2, 'MPTcpExt.MPCapableACKRX': 2, 'MPTcpExt.MPJoinAckRx': 1 },
};
const fixture = (name: string) => readFileSync(join(__dirname, '../observe/__fixtures__', name), 'utf8');
/** iperf3 on 5201: the data connection with two subflows (fixture) plus the idle control connection. */
const serverSnapshot = { tMs: 1300, host: 'pc1', text: fixture('ss-tiMn-server.txt') };
const fallbackSnapshot = {
  tMs: 1300,
  host: 'pc1',
  text: [
    'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
    'tcp   ESTAB 0      0          10.99.0.3:5201    10.99.0.2:54496',
    '\t cubic wscale:7,7 rto:204 rtt:0.1/0.05 mss:1448 cwnd:10 tcp-ulp-mptcp flags:Mec token:0000(id:0)/7cc1ff3e(id:0) seq:0 sfseq:0 ssnoff:0 maplen:0',
    'mptcp ESTAB 0      0          10.99.0.3:5201    10.99.0.2:54496',
    '\t fallback subflows_max:2 add_addr_signal_max:1 remote_key token:7cc1ff3e write_seq:1 snd_una:1 rcv_nxt:1',
  ].join('\n'),
};
const plainTcpSnapshot = {
  tMs: 1300,
  host: 'pc1',
  text: 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\ntcp   ESTAB 0      0          10.99.0.3:5201    10.99.0.2:54496\n\t cubic rtt:0.1/0.05 mss:1448 cwnd:10',
};

describe('mptcpVerdict', () => {
  it('is MPTCP when both ends completed MP_CAPABLE, even if the connection ended with a fast close', async () => {
    const plan = await loadTopologyText(yaml, 'v.yaml');
    const v = mptcpVerdict(plan, 'mptcp', { ...capable, pc2: { ...capable.pc2, 'MPTcpExt.MPFastcloseRx': 1 } }, 4);
    expect(v).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false, joins: 1 });
    expect(ranMptcp(v)).toBe(true);
  });
  it('says it fell back when the SYN-ACK came without MP_CAPABLE', async () => {
    const plan = await loadTopologyText(yaml, 'v.yaml');
    const v = mptcpVerdict(plan, 'mptcp', { pc2: { 'MPTcpExt.MPCapableSYNTX': 1, 'MPTcpExt.MPCapableFallbackSYNACK': 1 }, pc1: {} }, 1);
    expect(v.fellBack).toBe(true);
    expect(v.reason).toMatch(/fell back to TCP/);
  });
  it.each(['MPCapableDataFallback', 'DSSCorruptionFallback', 'SimultConnectFallback', 'MD5SigFallback', 'FallbackFailed'])(
    'counts %s as a fallback (the old verdict ignored it)',
    async (name) => {
      const plan = await loadTopologyText(yaml, 'v.yaml');
      const v = mptcpVerdict(plan, 'mptcp', { ...capable, pc1: { ...capable.pc1, [`MPTcpExt.${name}`]: 1 } }, 2);
      expect(v.fellBack).toBe(true);
      expect(v.reason).toContain(`pc1 ${name}=1`);
      expect(ranMptcp(v)).toBe(false);
    },
  );
  it('judges the connection itself: ss showing the fallback flag is a fallback even when the counters look clean', async () => {
    const plan = await loadTopologyText(yaml, 'v.yaml');
    const conn = connectionFromSnapshots([fallbackSnapshot], 5201);
    expect(conn).toMatchObject({ mptcp: true, fallback: true, subflows: 1 });
    const v = mptcpVerdict(plan, 'mptcp', capable, 2, conn);
    expect(v.fellBack).toBe(true);
    expect(v.reason).toContain('fallback flag');
  });
  it('a connection carried by plain TCP sockets is not MPTCP, whatever the namespace counters say', async () => {
    const plan = await loadTopologyText(yaml, 'v.yaml');
    const conn = connectionFromSnapshots([plainTcpSnapshot], 5201);
    expect(conn).toMatchObject({ mptcp: false });
    const v = mptcpVerdict(plan, 'mptcp', capable, 2, conn);
    expect(ranMptcp(v)).toBe(false);
    expect(v.reason).toMatch(/plain TCP/);
  });
  it('a "plain TCP" run that really opened MPTCP says so instead of being labelled TCP', async () => {
    const plan = await loadTopologyText(yaml, 'v.yaml');
    const v = mptcpVerdict(plan, 'tcp', capable, 2, connectionFromSnapshots([serverSnapshot], 5201));
    expect(v.clientCapable).toBe(true);
    expect(v.reason).toMatch(/plain TCP was asked, but the run used MPTCP/);
    const clean = mptcpVerdict(plan, 'tcp', { pc1: {}, pc2: {} }, 1, connectionFromSnapshots([plainTcpSnapshot], 5201));
    expect(clean.clientCapable).toBe(false);
    expect(clean.reason).toMatch(/no MPTCP was seen/);
  });
  it('counts the connection\'s own subflows, not every socket on the port', async () => {
    const plan = await loadTopologyText(yaml, 'v.yaml');
    const conn = connectionFromSnapshots([serverSnapshot], 5201);
    expect(conn).toMatchObject({ mptcp: true, subflows: 2, fallback: false });
    // The sampled series saw 3 sockets on the port (iperf3's control connection among them).
    expect(mptcpVerdict(plan, 'mptcp', capable, 3, conn).maxSubflows).toBe(2);
  });
  it('sees a plain TCP connection from the client side too, where the port is the peer\'s', () => {
    const client = { tMs: 1300, host: 'pc2', text: 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\ntcp   ESTAB 0      0          10.99.0.2:54496    10.99.0.3:5201\n\t cubic rtt:0.1/0.05 mss:1448 cwnd:10' };
    expect(connectionFromSnapshots([client], 5201)).toMatchObject({ mptcp: false });
  });
  it('sees nothing when no snapshot shows the port', () => {
    expect(connectionFromSnapshots([serverSnapshot], 8080)).toBeUndefined();
  });
});

describe('whyLookAgain (the midway snapshot looks again until the connection shows its joins)', () => {
  // The same connection a moment after MP_CAPABLE, before its MP_JOIN: one subflow listed.
  const lines = fixture('ss-tiMn-server.txt').split('\n');
  const beforeJoin = { tMs: 1300, host: 'pc1', text: [...lines.slice(0, 3), ...lines.slice(5)].join('\n') };

  it('looks again while the connection is not listed', () => {
    expect(whyLookAgain([], 5201, 2)).toBe('no socket on port 5201 before');
    expect(whyLookAgain([serverSnapshot], 8080, 2)).toBe('no socket on port 8080 before');
  });
  it('looks again while the connection has fewer subflows than the plan gives it (the look came before the join)', () => {
    expect(connectionFromSnapshots([beforeJoin], 5201)).toMatchObject({ mptcp: true, subflows: 1 });
    expect(whyLookAgain([beforeJoin], 5201, 2)).toBe('the connection had 1 of the 2 subflows the plan gives it before');
  });
  it('stops once a look shows the joins, and for a plan that gives one subflow', () => {
    expect(whyLookAgain([beforeJoin, serverSnapshot], 5201, 2)).toBeUndefined();
    expect(whyLookAgain([beforeJoin], 5201, 1)).toBeUndefined();
  });
  it('stops at a plain TCP connection: no join will come', () => {
    expect(whyLookAgain([plainTcpSnapshot], 5201, 2)).toBeUndefined();
  });
});
