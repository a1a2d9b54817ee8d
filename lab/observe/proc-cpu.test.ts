import { parseCpuStat, parseCpuacctUsage, parseProcStatTicks } from './proc-cpu';

describe('proc-cpu', () => {
  // A command name with a space and ") " inside: fields must be counted from the last ')'.
  const stat = '4242 (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 25 7 3 2 20 0 1 0 99 1000 10';
  it('reads utime + stime after the last parenthesis, with the children on request', () => {
    expect(parseProcStatTicks(stat)).toBe(32);
    expect(parseProcStatTicks(stat, { children: true })).toBe(37);
    expect(parseProcStatTicks('garbage')).toBeUndefined();
  });
  it('reads cgroup v1 and v2 counters as ms', () => {
    expect(parseCpuacctUsage('2500000\n')).toBe(2.5);
    expect(parseCpuacctUsage('')).toBeUndefined();
    expect(parseCpuStat('usage_usec 1500\nuser_usec 1000\n')).toBe(1.5);
    expect(parseCpuStat('nothing')).toBeUndefined();
  });
});
