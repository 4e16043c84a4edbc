export * from './redis-connection';
export * from './feature-store';
export * from './feature-store.metrics';
