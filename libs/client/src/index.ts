export { RecordDecoder } from './codec';
export type { BrokerOptions, RegistryOptions, SaslOptions } from './connection';
export { DecimalType, formatUnscaled, unscaledBytes, unscaledOf } from './decimal';
export { latestPerKey, naturalKey, type LatestPerKey, type Versioned } from './dedupe';
export type { Bar, FeatureVector, MdRecord, TopicValues, ValueOf } from './records';
export { snapshotThenTail, type SnapshotBar, type SnapshotThenTailOptions } from './snapshot-then-tail';
export { subscribe, type StartFrom, type SubscribeOptions, type Subscription } from './subscribe';
export { AvroDeserializer, type NestKafkaMessage } from './nest-deserializer';
export { MicrosType } from './times';
