export * from './topics';
export * from './schemas';
export * from './records';
