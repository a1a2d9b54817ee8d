import { loadTopologyText } from '../loader';
import { mptcpVerdict } from './traffic-run';

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
  pc2: { 'MPTcpExt.MPCapableSYNTX': 2, 'MPTcpExt.MPCapableSYNACKRX': 2 },
  pc1: { 'MPTcpExt.MPCapableSYNRX': 2, 'MPTcpExt.MPCapableACKRX': 2 },
};

describe('mptcpVerdict', () => {
  it('is MPTCP when both ends completed MP_CAPABLE, even if the connection ended with a fast close', async () => {
    const plan = await loadTopologyText(yaml, 'v.yaml');
    const v = mptcpVerdict(plan, 'mptcp', { ...capable, pc2: { ...capable.pc2, 'MPTcpExt.MPFastcloseRx': 1 } }, 4);
    expect(v).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false });
  });
  it('says it fell back when the SYN-ACK came without MP_CAPABLE', async () => {
    const plan = await loadTopologyText(yaml, 'v.yaml');
    const v = mptcpVerdict(plan, 'mptcp', { pc2: { 'MPTcpExt.MPCapableSYNTX': 1, 'MPTcpExt.MPCapableFallbackSYNACK': 1 }, pc1: {} }, 1);
    expect(v.fellBack).toBe(true);
    expect(v.reason).toMatch(/fell back to TCP/);
  });
});
