export * from './columnar-export';
export * from './arrow-stream';
