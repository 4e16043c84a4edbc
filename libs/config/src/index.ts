export * from './parse-config';
export * from './services';
