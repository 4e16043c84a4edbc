import { TOPICS } from '@md/contracts';
import { providerReadyMicros } from './provider-time';

const START = Date.UTC(2024, 6, 10, 13, 30) * 1000;
const MINUTE = 60_000_000;

describe('providerReadyMicros', () => {
  it('puts a bar at its end, not its start: a minute bar cannot exist before its minute is over', () => {
    expect(providerReadyMicros(TOPICS.bars, { eventTime: START, timeframe: '1m' })).toBe(START + MINUTE);
    expect(providerReadyMicros(TOPICS.rawBars, { eventTime: START, timeframe: '5m' })).toBe(START + 5 * MINUTE);
  });

  it('takes a trade or quote at its event time', () => {
    expect(providerReadyMicros(TOPICS.rawTrades, { eventTime: START + 17 })).toBe(START + 17);
    expect(providerReadyMicros(TOPICS.rawQuotes, { eventTime: START + 18 })).toBe(START + 18);
  });

  it('takes a derived record at its availableTime, and derives it from the window when an older record lacks it', () => {
    const close = START + 150 * MINUTE;
    expect(providerReadyMicros(TOPICS.features, { eventTime: START, timeframe: '1d', availableTime: close })).toBe(close);
    expect(providerReadyMicros(TOPICS.features, { eventTime: START, timeframe: '1m', availableTime: null })).toBe(START + MINUTE);
    expect(providerReadyMicros(TOPICS.intrinsicBars, { closeTime: START + 5, availableTime: null })).toBe(START + 5);
    expect(providerReadyMicros(TOPICS.qualityIssues, { windowEnd: START + 9, availableTime: START + 10 })).toBe(START + 10);
  });

  it('has no provider time for corporate actions, restatements and reprocess markers, nor for a record missing its fields', () => {
    expect(providerReadyMicros(TOPICS.corporateActions, { exDate: '2024-07-10', ingestTime: START })).toBeUndefined();
    expect(providerReadyMicros(TOPICS.restatements, { publishedAt: START })).toBeUndefined();
    expect(providerReadyMicros(TOPICS.reprocessed, { completedAt: START })).toBeUndefined();
    expect(providerReadyMicros(TOPICS.bars, { eventTime: START, timeframe: '2m' })).toBeUndefined();
    expect(providerReadyMicros(TOPICS.bars, null)).toBeUndefined();
  });
});
