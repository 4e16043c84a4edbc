export * from './metric-names';
export * from './stage-metrics';
export * from './readiness';
export * from './health.controller';
export * from './observability.module';
export * from './bootstrap';
export * from './query-params';
