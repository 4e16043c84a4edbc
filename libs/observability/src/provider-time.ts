import { TIMEFRAME_MINUTES, TOPICS, timeframeMicros, type Timeframe } from '@md/contracts';

type Fields = Record<string, unknown>;

const micros = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const isTimeframe = (v: unknown): v is Timeframe => typeof v === 'string' && v in TIMEFRAME_MINUTES;

/** A bar's end: it cannot exist at the provider before its window closes (a bar is labelled by its start). */
function barEnd(r: Fields): number | undefined {
  const start = micros(r.eventTime);
  return start === undefined || !isTimeframe(r.timeframe) ? undefined : start + timeframeMicros(r.timeframe);
}

/** A derived record's `availableTime` (DESIGN.md, point in time), or what it is derived from when absent (older records). */
const availableOr = (r: Fields, fallback: (r: Fields) => number | undefined) => micros(r.availableTime) ?? fallback(r);

/**
 * When a record could first exist at its provider, UTC epoch microseconds: the zero of
 * md_end_to_end_latency_seconds. Bars: their end (eventTime + timeframe). Trades and quotes: their
 * event time. Derived records: availableTime (bar end, closing trade, newest input). Option chains:
 * the provider's snapshot time. Undefined for topics without a provider time (corporate actions
 * carry an ex-date, restatements and reprocess markers are our own events): not observed.
 */
const READY_TIME: Readonly<Partial<Record<string, (r: Fields) => number | undefined>>> = {
  [TOPICS.rawBars]: barEnd,
  [TOPICS.bars]: barEnd,
  [TOPICS.rawTrades]: (r) => micros(r.eventTime),
  [TOPICS.rawQuotes]: (r) => micros(r.eventTime),
  [TOPICS.features]: (r) => availableOr(r, barEnd),
  [TOPICS.intrinsicBars]: (r) => availableOr(r, (x) => micros(x.closeTime)),
  [TOPICS.altSignals]: (r) => availableOr(r, (x) => micros(x.eventTime)),
  [TOPICS.vixRegime]: (r) => availableOr(r, (x) => micros(x.eventTime)),
  [TOPICS.qualityIssues]: (r) => availableOr(r, (x) => micros(x.windowEnd)),
  [TOPICS.optionsChain]: (r) => micros(r.snapshotTime),
};

export function providerReadyMicros(topic: string, value: unknown): number | undefined {
  const of = READY_TIME[topic];
  return of && value && typeof value === 'object' ? of(value as Fields) : undefined;
}
