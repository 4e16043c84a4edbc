// The canonical bar as it travels between stages (mirrors schemas/md.raw.bars.v1.avsc and
// schemas/md.bars.v1.avsc). Times are UTC epoch microseconds; a bar is labelled by its start.
export type Timeframe = '1m' | '5m' | '15m' | '1h' | '1d';
export const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m', '1h', '1d'];

export const TIMEFRAME_MINUTES: Readonly<Record<Timeframe, number>> = { '1m': 1, '5m': 5, '15m': 15, '1h': 60, '1d': 1440 };

/** A bar's length in microseconds. */
export function timeframeMicros(timeframe: Timeframe): number {
  return TIMEFRAME_MINUTES[timeframe] * 60_000_000;
}

export interface RawBar {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly provider: string;
  /** Bar start, UTC epoch microseconds (provider's event time). */
  readonly eventTime: number;
  /** When the gateway read it, UTC epoch microseconds. */
  readonly ingestTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: number;
  readonly tradeCount: number | null;
  readonly vwap: string | null;
  /** Higher revision replaces lower for the same (symbol, timeframe, eventTime). */
  readonly revision: number;
}

export type Session = 'PRE' | 'REGULAR' | 'POST' | 'CLOSED' | 'UNKNOWN';

export interface CleanBar extends RawBar {
  readonly session: Session;
  /** Cumulative back-adjustment factors; 1 until corporate actions are applied. */
  readonly splitFactor: number;
  readonly dividendFactor: number;
  /** Rule version of the preprocessor that produced it (GENERATION); a reprocess emits the current one. */
  readonly generation: number;
}

/**
 * Point in time: a derived record's `availableTime` is when it could first be known (bar end,
 * closing trade, newest input), and `generation` the rule version that produced it. An as-of read
 * at T uses only records with availableTime <= T; per identity the highest generation wins.
 */
export interface PointInTime {
  /** UTC micros; null only on records written before the field existed (derive it from the record's window). */
  availableTime: number | null;
}
