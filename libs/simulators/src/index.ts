// Protocol-faithful provider simulators: real HTTP and WebSocket servers on 127.0.0.1 with fault
// injection, serving real recorded data (fixtures/). Used by tests, the benchmark and demos.
export * from './alpaca-rest-simulator';
export type { AlpacaRestKind, AlpacaRestRecording } from './alpaca-rest-stocks';
export type { AlpacaRestFaults } from './alpaca-rest-limits';
export { alpacaCorporateActionsRecording, type AlpacaCorporateActionsRecording, type CanonicalCorporateAction } from './alpaca-rest-corporate-actions';
export * from './alpaca-stream-simulator';
export { dbbMinuteBars, recordedBars } from './minute-csv';
export * from './alpaca-fuzz';
export * from './polygon-simulator';
export { minuteEvents } from './polygon-events';
export { withLateTrade } from './polygon-aggregates';
export * from './etrade-simulator';
export * from './oauth1-signature';
export * from './etrade-option-chains';
export * from './alpaca-news-simulator';
// Plumbing the account simulators (@md/account-simulators) build on.
export { LocalServer } from './local-server';
export { BadRequest, limitOf, micros, rfc3339 } from './alpaca-rest-query';
