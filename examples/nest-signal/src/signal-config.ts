/** The service's settings, read once at boot from the environment. */
export interface SignalConfig {
  /** MD_KAFKA_BROKERS: comma-separated host:port list. Default the local stack's 127.0.0.1:9092. */
  brokers: string[];
  /** MD_REGISTRY_URL: the registry's Confluent-compatible API. Default the local stack's Apicurio. */
  registryUrl: string;
  /** SIGNAL_GROUP_ID: the consumer group, used as given (no '-server' suffix). Default example-signal. */
  groupId: string;
  /** SIGNAL_TOPIC: where signals go, Avro in the platform's md.signals.v1 contract, keyed by symbol. Default md.signals.v1. */
  signalTopic: string;
  /** SIGNAL_MODEL and SIGNAL_MODEL_VERSION: the model's name and version in every signal. Default example-zscore, 0.1.0. */
  model: string;
  modelVersion: string;
  /** SIGNAL_THRESHOLD: |score| at or above it is long or short. Default 1 (one standard deviation). */
  threshold: number;
}

export const SIGNAL_CONFIG = Symbol('SIGNAL_CONFIG');

export function signalConfig(env: NodeJS.ProcessEnv): SignalConfig {
  const brokers = (env.MD_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('MD_KAFKA_BROKERS: give at least one host:port');
  const threshold = Number(env.SIGNAL_THRESHOLD ?? '1');
  if (!(threshold > 0)) throw new Error(`SIGNAL_THRESHOLD: "${env.SIGNAL_THRESHOLD}" is not a number above 0`);
  return {
    brokers,
    registryUrl: env.MD_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    groupId: env.SIGNAL_GROUP_ID ?? 'example-signal',
    signalTopic: env.SIGNAL_TOPIC ?? 'md.signals.v1',
    model: env.SIGNAL_MODEL ?? 'example-zscore',
    modelVersion: env.SIGNAL_MODEL_VERSION ?? '0.1.0',
    threshold,
  };
}
