import { readFileSync } from 'node:fs';
import { markKernelLog, monotonicNowS, parseKernelLog, readKernelLogSince } from './kernel-log';
import { fixture } from './test-fixtures';

describe('parseKernelLog', () => {
  const lines = parseKernelLog(fixture('dmesg.txt'));

  it('keeps MPTCP lines with their time, and only those', () => {
    expect(lines.map((l) => [l.tS, l.error])).toEqual([
      [0.3561, false],
      [2200.12346, true],
      [2250.5, true],
      [2251, true],
      [2400.000001, true],
      [2500, false],
    ]);
  });

  it('takes a WARNING report whole: mptcp in its trace counts, another subsystem\'s does not', () => {
    expect(lines[1]!.line).toBe('WARNING: CPU: 1 PID: 4242 at net/mptcp/protocol.c:1024 __mptcp_clean_una+0x2a1/0x2d0');
    expect(lines[4]!.line).toBe('WARNING: CPU: 1 PID: 99 at net/core/stream.c:205 sk_stream_kill_queues+0x126/0x140 [trace: __mptcp_destroy_sock+0x1a2/0x2e0]');
    expect(lines.some((l) => l.line.includes('net/core/dev.c'))).toBe(false);
  });

  it('marks checksum failures and MP_FAIL as errors', () => {
    expect(lines[2]).toEqual({ tS: 2250.5, line: 'mptcp_verif_dss_csum: csum is wrong: 0x1234', error: true });
    expect(lines[3]!.line).toContain('MP_FAIL');
  });

  it('keeps only lines after the mark', () => {
    expect(parseKernelLog(fixture('dmesg.txt'), 2300).map((l) => l.tS)).toEqual([2400.000001, 2500]);
  });

  it('reads /dev/kmsg records, skipping continuation lines', () => {
    expect(parseKernelLog(fixture('kmsg.txt'))).toEqual([
      { tS: 0.3561, line: 'MPTCP token hash table entries: 32768 (order: 8, 786432 bytes, linear)', error: false },
      { tS: 2250.5, line: 'mptcp_verif_dss_csum: csum is wrong: 0x1234', error: true },
    ]);
  });

  it('stops a report with no end marker after a bounded number of lines', () => {
    const text = ['[ 1.0] WARNING: CPU: 0 PID: 1 at net/mptcp/pm.c:1 x', ...Array.from({ length: 100 }, (_, i) => `[ 2.${i}] filler`), '[ 3.0] mptcp: later line'].join('\n');
    expect(parseKernelLog(text).map((l) => l.tS)).toEqual([1, 3]);
  });
});

describe('untimed kernel log lines (printk.time=0)', () => {
  const DSS = 'MPTCP: mptcp_verif_dss_csum csum is wrong';

  it('counts an untimed checksum error, stamped at the read time and marked untimed', () => {
    expect(parseKernelLog(`${DSS}\nbr0: port 1(vha) entered disabled state\n`, 100, 2500)).toEqual([{ tS: 2500, line: DSS, error: true, untimed: true }]);
    expect(parseKernelLog(`kern  :err   : ${DSS}`)[0]).toMatchObject({ line: DSS, error: true, untimed: true });
  });

  it('takes an untimed WARNING report whole, as with stamps', () => {
    const text = ['WARNING: CPU: 1 PID: 9 at net/core/stream.c:205 x', 'Call Trace:', ' __mptcp_destroy_sock+0x1a2/0x2e0', '---[ end trace 0 ]---'].join('\n');
    expect(parseKernelLog(text)).toEqual([{ tS: NaN, line: 'WARNING: CPU: 1 PID: 9 at net/core/stream.c:205 x [trace: __mptcp_destroy_sock+0x1a2/0x2e0]', error: true, untimed: true }]);
  });

  it('leaves out the untimed lines already logged at the mark, and keeps the new ones', async () => {
    let log = `${DSS}\n`;
    const mark = await markKernelLog(async () => log);
    expect(mark.untimedBefore).toEqual([DSS]);
    log += `${DSS}\nmptcp: subflow fallback to TCP\n`;
    const got = await readKernelLogSince(mark, async () => log);
    expect(got.map((l) => [l.line, l.error, l.untimed])).toEqual([[DSS, true, true], ['mptcp: subflow fallback to TCP', false, true]]);
    expect(got[0]!.tS).toBeGreaterThanOrEqual(mark.monotonicS);
  });

  it('keeps every untimed line when only a time was marked (it cannot tell old from new)', async () => {
    expect(await readKernelLogSince(1e12, async () => `${DSS}\n`)).toHaveLength(1);
  });
});

describe('readKernelLogSince', () => {
  it('filters what the reader returns', async () => {
    const got = await readKernelLogSince(2300, async () => fixture('dmesg.txt'));
    expect(got).toHaveLength(2);
  });
});

describe('monotonicNowS', () => {
  it('is on the clock /proc/uptime counts (seconds since boot)', async () => {
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    expect(Math.abs((await monotonicNowS()) - uptime)).toBeLessThan(1);
  });
});
