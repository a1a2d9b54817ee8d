import { TransferBar, type BarLike } from './transfer-bar';

const GB = 2_500_000_000;

function harness(totalBytes = GB) {
  const events: string[] = [];
  const bar: BarLike = {
    start: (total, value) => events.push(`start ${Math.round((value / total) * 100)}%`),
    update: (value) => events.push(`update ${Math.round((value / totalBytes) * 100)}%`),
    stop: () => events.push('stop'),
  };
  let pending: (() => void) | undefined;
  const t = new TransferBar({
    bar,
    write: (line) => events.push(line),
    totalBytes,
    durationMs: 10_000,
    format: () => ({}),
    timers: { set: (fn) => (pending = fn), clear: () => (pending = undefined) },
  });
  return { t, events, fireTimer: () => pending?.() };
}

describe('TransferBar', () => {
  it('draws one bar that ends at 100% when the last sample comes after the "traffic ended" step (the seed run)', () => {
    const { t, events } = harness();
    t.step('• preparing http traffic over MPTCP');
    t.progress({ tMs: 0, bytes: 0, bps: 0 }); // sampled before the download starts
    t.step('• traffic running');
    t.progress({ tMs: 1000, bytes: GB * 0.2, bps: 1.8e9 });
    t.progress({ tMs: 9000, bytes: GB * 0.96, bps: 1.8e9 });
    t.step('• traffic ended after 11.3 s: collecting counters and logs');
    t.progress({ tMs: 11_300, bytes: GB, bps: 1.44e9 });
    t.progress({ tMs: 11_400, bytes: GB, bps: 0 });
    t.step('• checks and reports');
    t.finish();
    expect(events).toEqual([
      '• preparing http traffic over MPTCP',
      '• traffic running',
      'start 20%',
      'update 96%',
      'update 100%',
      'stop',
      '• traffic ended after 11.3 s: collecting counters and logs',
      '• checks and reports',
    ]);
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(1);
  });

  it('stops the bar short of 100% after the grace period when the transfer never completes, and never starts a second one', () => {
    const { t, events, fireTimer } = harness();
    t.progress({ tMs: 1000, bytes: GB * 0.5, bps: 1e9 });
    t.step('• traffic ended after 3.0 s: collecting counters and logs');
    t.step('• checks and reports');
    fireTimer();
    t.progress({ tMs: 3100, bytes: GB * 0.5, bps: 0 });
    expect(events).toEqual(['start 50%', 'stop', '• traffic ended after 3.0 s: collecting counters and logs', '• checks and reports']);
  });

  it('a timed transfer (no size) ends its bar at the next step', () => {
    const { t, events } = harness(0);
    t.progress({ tMs: 5000, bytes: 1e6, bps: 1e9 });
    t.step('• traffic ended after 10.0 s');
    t.progress({ tMs: 10_100, bytes: 2e6, bps: 0 });
    expect(events[0]).toBe('start 50%');
    expect(events.slice(-2)).toEqual(['stop', '• traffic ended after 10.0 s']);
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(1);
  });

  it('finish() with no bar shown prints held nothing and leaves later steps immediate', () => {
    const { t, events } = harness();
    t.finish();
    t.step('• removing the lab');
    expect(events).toEqual(['• removing the lab']);
  });
});
