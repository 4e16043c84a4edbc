import { type CleanBar, InvalidRecordError, type RawBar } from '@md/contracts';
import { sessionAt } from './session';
import { barViolations } from './validate-bar';

/** The preprocessor's pure step: a valid raw bar becomes a clean bar (of the stage's rule `generation`), an invalid one throws. */
export function cleanBar(raw: RawBar, generation = 0): CleanBar {
  const problems = barViolations(raw);
  if (problems.length > 0) {
    throw new InvalidRecordError(`${raw.symbol} ${raw.timeframe} bar: ${problems.join('; ')}`);
  }
  // Fields listed, not spread: the decoded input may carry extra fields from a newer writer
  // schema, and a fixed shape keeps this hot path monomorphic.
  return {
    symbol: raw.symbol, timeframe: raw.timeframe, provider: raw.provider, eventTime: raw.eventTime, ingestTime: raw.ingestTime,
    open: raw.open, high: raw.high, low: raw.low, close: raw.close, volume: raw.volume, tradeCount: raw.tradeCount,
    vwap: raw.vwap, revision: raw.revision, session: sessionAt(raw.eventTime), splitFactor: 1, dividendFactor: 1, generation,
  };
}
