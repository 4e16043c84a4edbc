// The bottom layer: every topic, every record shape and the one error hierarchy. Imports nothing
// of ours and does no I/O (the Avro schema files are read by libs/kafka, beside the codec).
export * from './topics';
export * from './errors';
export * from './bar';
export * from './records';
export * from './derived-records';
export * from './topic-retention';
export * from './headers';
export * from './trading-records';
export * from './audit-record';
