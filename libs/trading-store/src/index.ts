export * from './trading-writer';
export * from './trading-queries';
