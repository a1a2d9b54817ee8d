import { wrapProtocol } from './mptcpize';

describe('wrapProtocol', () => {
  it('prefixes mptcpize run for mptcp', () => {
    expect(wrapProtocol(['iperf3', '-s'], 'mptcp')).toEqual(['mptcpize', 'run', 'iperf3', '-s']);
  });

  it('leaves tcp unchanged, as a copy', () => {
    const argv = ['iperf3', '-s'];
    const out = wrapProtocol(argv, 'tcp');
    expect(out).toEqual(argv);
    expect(out).not.toBe(argv);
  });
});
