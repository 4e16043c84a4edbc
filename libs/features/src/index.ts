// Backward-only bar features for the feature-engine (issue #6, feature-engine items 1-4).
// One FeatureState per (symbol, timeframe) stream, built from the set featureSetFor chooses, fed
// that stream's bars in event-time order, checkpointed with toJSON and restored with fromJSON.
// SessionResampler rolls 1-minute bars up to session-aligned 5m/15m/1h/1d bars. The indicator
// building blocks (rolling windows, compensated sums, seeded averages) stay internal.
export type { FeatureBar, FeatureValues, BarField } from './feature-bar';
export { BAR_FIELDS } from './feature-bar';
export * from './feature-set.schema';
export * from './default-feature-set';
export * from './feature-config';
export { FeatureStateError } from './feature-state-error';
export * from './feature-state';
export * from './session-resampler';
