import { gapWindow, minuteBarSymbols } from './polygon-stream.gap';

const MINUTE_US = 60_000_000;
const T = Date.UTC(2024, 4, 1, 14, 0) * 1000;
const DAY_MS = 86_400_000;

describe('Polygon gap window', () => {
  it('backfills the AM symbols only; T, Q, A and AM.* name nothing REST can fetch as minute bars', () => {
    expect(minuteBarSymbols(['AM.DBB', 'T.AAPL', 'Q.AAPL', 'AM.SPY', 'AM.DBB', 'A.MSFT', 'AM.*'])).toEqual(['DBB', 'SPY']);
  });

  it('starts a minute before the newest live bar, so a symbol whose minute was still on the way is fetched too', () => {
    expect(gapWindow({ lastLiveBarUs: T, coveredSinceUs: T - 60 * MINUTE_US, nowUs: T + 5.5 * MINUTE_US, maxBackfillMs: DAY_MS }))
      .toEqual({ fromUs: T - MINUTE_US, toUs: T + 5.5 * MINUTE_US });
  });

  it('covers from the first subscription\'s minute when no bar came live before the drop', () => {
    expect(gapWindow({ coveredSinceUs: T + 20_000_000, nowUs: T + 3 * MINUTE_US, maxBackfillMs: DAY_MS })).toEqual({ fromUs: T, toUs: T + 3 * MINUTE_US });
  });

  it('asks for nothing before the first subscription', () => {
    expect(gapWindow({ nowUs: T, maxBackfillMs: DAY_MS })).toBeUndefined();
  });

  it('bounds the window by maxBackfillMs after a long outage', () => {
    expect(gapWindow({ lastLiveBarUs: T, nowUs: T + 10 * DAY_MS * 1000, maxBackfillMs: DAY_MS })).toEqual({ fromUs: T + 9 * DAY_MS * 1000, toUs: T + 10 * DAY_MS * 1000 });
  });
});
