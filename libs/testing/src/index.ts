export * from './wait-for';
export * from './paths';
export * from './service-process';
export * from './group-offsets';
export * from './dbb-fixture';
export * from './slice-run';
export * from './generate-bars';
export * from './postgres-control';
