import { TOPICS, type TopicSpec } from '@md/contracts';
import { AVRO_SCHEMA_FORMAT, buildAsyncApi, type AsyncApiSources, type AvroRecordSchema } from './asyncapi-document';

const bar: AvroRecordSchema = { type: 'record', name: 'Bar', doc: 'A clean bar. Topic md.bars.v1, key: symbol.', fields: [{ name: 'symbol' }, { name: 'eventTime' }] };
const regime: AvroRecordSchema = { type: 'record', name: 'VixRegime', fields: [{ name: 'symbol' }] };
const bars: TopicSpec = { name: TOPICS.bars, partitions: 6, retentionMs: 30 * 86_400_000, cleanupPolicy: 'delete', valueSchema: 'bar.avsc' };
const vix: TopicSpec = { name: TOPICS.vixRegime, partitions: 1, retentionMs: -1, cleanupPolicy: 'compact', valueSchema: 'vix.avsc' };

function sources(overrides: Partial<AsyncApiSources> = {}): AsyncApiSources {
  return {
    version: '9.9.9',
    topics: [bars, vix],
    schemas: new Map([['bar.avsc', bar], ['vix.avsc', regime]]),
    groups: [{ service: 'timescale-writer', variable: 'GROUP_ID', groupId: 'md-timescale-writer', topics: [TOPICS.bars] }],
    local: { kafkaBrokers: '127.0.0.1:9092', registryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7' },
    ...overrides,
  };
}

const at = (doc: any, path: string) => path.split('.').reduce((o, k) => o?.[k], doc);

describe('buildAsyncApi', () => {
  it('makes one channel per topic, named after its TOPICS constant and addressed by the topic', () => {
    const doc = buildAsyncApi(sources());
    expect(Object.keys(doc.channels as object)).toEqual(['bars', 'vixRegime']);
    expect(at(doc, 'channels.vixRegime.address')).toBe('md.vix.regime.v1');
  });

  it("puts the table's partitions, retention and cleanup policy in the kafka channel binding", () => {
    const kafka = at(buildAsyncApi(sources()), 'channels.vixRegime.bindings.kafka');
    expect(kafka).toEqual({ topic: 'md.vix.regime.v1', partitions: 1, topicConfiguration: { 'cleanup.policy': ['compact'], 'retention.ms': -1 }, bindingVersion: '0.5.0' });
  });

  it('says retention and compaction in words too, for readers of the rendered document', () => {
    const doc = buildAsyncApi(sources());
    expect(at(doc, 'channels.vixRegime.description')).toContain('1 partition, cleanup.policy compact, kept forever');
    expect(at(doc, 'channels.bars.description')).toContain('6 partitions, cleanup.policy delete, kept 30d');
  });

  it('embeds the Avro schema as the payload, with the string key in the message binding', () => {
    const message = at(buildAsyncApi(sources()), 'components.messages.Bar');
    expect(message.payload).toEqual({ schemaFormat: AVRO_SCHEMA_FORMAT, schema: bar });
    expect(message.bindings.kafka).toMatchObject({ key: { type: 'string' }, schemaIdLocation: 'payload', schemaLookupStrategy: 'TopicNameStrategy' });
  });

  it('gives every channel a receive operation for subscribers, and one per platform group that reads it', () => {
    const operations = buildAsyncApi(sources()).operations as Record<string, any>;
    expect(Object.keys(operations)).toEqual(['receiveBars', 'md-timescale-writer_bars', 'receiveVixRegime']);
    expect(operations.receiveBars).toMatchObject({ action: 'receive', channel: { $ref: '#/channels/bars' }, messages: [{ $ref: '#/channels/bars/messages/Bar' }] });
    expect(operations.receiveBars.description).toMatch(/read_committed[\s\S]*Dedupe on \(symbol, timeframe, eventTime\)/);
    expect(operations['md-timescale-writer_bars'].bindings.kafka.groupId).toMatchObject({ default: 'md-timescale-writer' });
  });

  it('refuses a topic whose schema was not passed in, naming the file', () => {
    expect(() => buildAsyncApi(sources({ schemas: new Map([['bar.avsc', bar]]) }))).toThrow('md.vix.regime.v1: value schema vix.avsc was not passed in');
  });

  it('refuses a schema without the field the topic is keyed by', () => {
    const keyless = { ...bar, fields: [{ name: 'eventTime' }] };
    expect(() => buildAsyncApi(sources({ schemas: new Map([['bar.avsc', keyless], ['vix.avsc', regime]]) }))).toThrow('md.bars.v1: key field "symbol"');
  });

  it('refuses two topics with one record name: their messages would collide', () => {
    expect(() => buildAsyncApi(sources({ schemas: new Map([['bar.avsc', bar], ['vix.avsc', { ...regime, name: 'Bar' }]]) }))).toThrow('message name Bar is already used');
  });
});
