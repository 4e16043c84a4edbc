import { z } from 'zod';
import { ConfigInvalid, commonConfig, parseConfig } from './parse-config';

const Schema = z.object({ ...commonConfig, HTTP_PORT: commonConfig.HTTP_PORT.default(3000) });

describe('service config', () => {
  it('fills the local-stack defaults', () => {
    const config = parseConfig(Schema, {});
    expect(config).toMatchObject({ KAFKA_BROKERS: ['127.0.0.1:9092'], HTTP_PORT: 3000, SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7' });
  });

  it('splits a broker list', () => {
    expect(parseConfig(Schema, { KAFKA_BROKERS: 'a:9092, b:9093' }).KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
  });

  it('names the variable, the value given and what it must be', () => {
    expect(() => parseConfig(Schema, { KAFKA_BROKERS: 'kafka' })).toThrow(new ConfigInvalid('config: KAFKA_BROKERS is invalid ("kafka"): must be host:port[,host:port…]'));
    expect(() => parseConfig(Schema, { HTTP_PORT: '99999' })).toThrow(/^config: HTTP_PORT is invalid \("99999"\)/);
  });
});
