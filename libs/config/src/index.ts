export * from './parse-config';
export * from './services';
export * from './connections';
export * from './secret-file';
