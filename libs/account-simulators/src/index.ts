export * from './alpaca-trading-simulator';
