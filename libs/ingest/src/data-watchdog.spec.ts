import { DataWatchdog } from './data-watchdog';

const policy = { minMs: 120_000, maxMs: 900_000, gapMultiple: 10, rateWindowMs: 600_000 };

function fed(gapMs: number, count: number): DataWatchdog {
  const watchdog = new DataWatchdog(policy);
  for (let i = 0; i < count; i++) watchdog.data(i * gapMs);
  return watchdog;
}

describe('telling a quiet symbol from a dead feed', () => {
  it('allows a liquid feed only the minimum silence', () => {
    expect(fed(100, 10_000).timeoutMs()).toBe(120_000);
  });

  it('allows a thin symbol ten of its gaps, up to the maximum', () => {
    const thin = fed(30_000, 200);
    expect(thin.timeoutMs()).toBeGreaterThan(250_000);
    expect(thin.timeoutMs()).toBeLessThan(350_000);
    expect(fed(600_000, 50).timeoutMs()).toBe(900_000);
  });

  it('is not fooled by bursts: a minute of bars arriving within half a second is still one minute apart', () => {
    const watchdog = new DataWatchdog(policy);
    for (let minute = 0; minute < 60; minute++) for (let i = 0; i < 300; i++) watchdog.data(minute * 60_000 + i);
    expect(watchdog.timeoutMs()).toBe(120_000);
    expect(watchdog.expired(59 * 60_000 + 100_000)).toBe(false);
    expect(watchdog.expired(59 * 60_000 + 130_000)).toBe(true);
  });

  it('waits the maximum before any data, and restarts the silence clock on reset', () => {
    const watchdog = new DataWatchdog(policy);
    expect(watchdog.timeoutMs()).toBe(900_000);
    watchdog.reset(1_000_000);
    expect(watchdog.expired(1_800_000)).toBe(false);
    expect(watchdog.expired(1_950_000)).toBe(true);
  });

  it('gives the reason to reconnect only while data is expected, and restarts the clock while it is not', () => {
    const watchdog = new DataWatchdog(policy);
    watchdog.reset(0);
    expect(watchdog.check(950_000, false)).toBeUndefined();
    expect(watchdog.check(1_800_000, true)).toBeUndefined();
    expect(watchdog.check(1_860_000, true)).toBe('no data for 900000 ms while data is expected');
  });
});
