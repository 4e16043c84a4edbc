// Streaming data-quality checks of the quality-monitor, as pure incremental detectors.
// One detector instance watches one (symbol, timeframe) stream and is fed its bars one at a time
// in event-time order; its state is a plain JSON object (toJSON / fromJSON), bounded in size, so
// the service can commit it to a changelog in the same transaction as its offsets. A bar at or
// before the last one seen is ignored by the ordered detectors, so re-feeding after a restart
// from state emits nothing twice. Raw input (md.raw.bars.v1): duplicates, OHLC violations,
// provider disagreement. Clean bars of one provider (md.bars.v1): the rest. The New York
// session helpers are libs/market's session-window.ts; the robust statistics stay internal.
export * from './quality-issue';
export * from './missing-bars.detector';
export * from './staleness.detector';
export * from './price-outlier.detector';
export * from './volume-anomaly.detector';
export * from './duplicate.detector';
export * from './ohlc-violation.detector';
export * from './zone-mislabel.detector';
export * from './provider-disagreement.detector';
export * from './stream-checks';
export * from './quality-report';
export * from './risk-from-quality';
