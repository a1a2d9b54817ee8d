import { checkCapacity, parseCapacity } from './capacity';
import { netemReadBack } from './netem-probe';

describe('capacity', () => {
  it('takes the best transfer line', () => {
    expect(parseCapacity('noise\ntransfer 1000 8\ntransfer 1000 4\n')).toEqual({ bytes: 1000, ms: 4, bitsPerSecond: 2_000_000 });
    expect(() => parseCapacity('httpd did not answer')).toThrow(/no measurement/);
  });
  it('allows up to 80% and refuses more with both numbers (exit 3)', () => {
    expect(() => checkCapacity(800e6, 1000e6)).not.toThrow();
    let err: unknown;
    try {
      checkCapacity(2000e6, 1200e6);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ exitCode: 3 });
    expect(String(err)).toMatch(/asks 2000 Mbit\/s .* carries 1200 Mbit\/s .*80% .*960 Mbit\/s/);
  });
});

describe('netemReadBack', () => {
  it('finds a root netem qdisc with 25 ms delay', () => {
    expect(netemReadBack('qdisc netem 8001: root refcnt 2 limit 1000 delay 25ms\n')).toBe(true);
    expect(netemReadBack('qdisc netem 8001: root refcnt 2 limit 1000 delay 25.0ms\n')).toBe(true);
    expect(netemReadBack('qdisc noqueue 0: root refcnt 2\n')).toBe(false);
  });
});
