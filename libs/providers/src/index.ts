// Providers' wire formats, mapped to canonical records (the feed-gateway's connectors speak the
// protocols; these functions read the messages): Alpaca stream and REST, Polygon, E*TRADE, LEAN
// files, bar CSV files, and request budgets.
export * from './alpaca-stream';
export * from './alpaca-rest';
export * from './alpaca-options';
export * from './alpaca-corporate-actions';
export * from './polygon';
export * from './etrade';
export * from './lean-format';
export * from './lean-map-file';
export * from './alpaca-trading';
export * from './csv-bar';
export * from './token-bucket';
export * from './zod-reason';
export * from './fidelity-exports';
export * from './etrade-accounts';
export * from './etrade-orders';
