// Market rules the preprocessor owns and every stage reads: exact decimals, UTC time, the NYSE
// calendar and sessions, bar validation, revisions, corporate actions and adjustment, gap fill.
export * from './decimal';
export * from './time';
export * from './exchange-calendar';
export * from './exchange-calendar-early-closes';
export * from './calendar-overrides';
export * from './session';
export * from './session-gaps';
export * from './session-window';
export * from './validate-bar';
export * from './clean-bar';
export * from './reason-kind';
export * from './gap-fill';
export * from './corporate-actions';
export * from './corporate-action-record';
export * from './adjustment-schedule';
export * from './revision-log';
export * from './revision-series';
export * from './revision-packing';
export * from './revision-horizon';
export * from './revision-budget';
export * from './settled-revision';
export * from './symbol-adjustments';
export * from './new-york-clock';
export * from './symbol-lineage';
export * from './position-concentration';
