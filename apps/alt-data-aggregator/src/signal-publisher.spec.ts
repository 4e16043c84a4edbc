import type { Producer } from 'kafkajs';
import { type AltSignalRecord, type DeadLetterRecord, InvalidRecordError, TOPICS, type RiskEventRecord, type VixRegimeRecord } from '@md/contracts';
import { DEFAULT_VIX_POLICY } from '@md/altdata';
import type { SchemaCodec } from '@md/kafka';
import { StageMetrics } from '@md/observability';
import { AltDataMetrics } from './alt-data.metrics';
import { SignalPublisher } from './signal-publisher';

const DAY_US = 86_400_000_000;

/** Records what would go to Kafka; the codec refuses a non-finite value as Avro would. */
function fakes() {
  const sent: Array<{ topic: string; key: string; value: any }> = [];
  const batches: number[] = [];
  const take = (topic: string, messages: Array<{ key?: unknown; value: unknown }>) => {
    for (const m of messages) sent.push({ topic, key: String(m.key), value: JSON.parse(String(m.value)) });
  };
  const producer = {
    send: async ({ topic, messages }: any) => take(topic, messages),
    sendBatch: async ({ topicMessages }: any) => {
      batches.push(topicMessages.reduce((n: number, t: any) => n + t.messages.length, 0));
      for (const t of topicMessages) take(t.topic, t.messages);
    },
  } as unknown as Producer;
  const codec = {
    encode: async (_topic: string, value: { symbol?: string }) => {
      if (value.symbol === 'BADENC') throw new InvalidRecordError('cannot encode a md.altdata.signals.v1 record');
      return Buffer.from(JSON.stringify(value));
    },
  } as unknown as SchemaCodec;
  const stage = new StageMetrics('alt-data-aggregator');
  const publisher = new SignalPublisher(producer, codec, stage, new AltDataMetrics(stage), {
    vixPolicy: DEFAULT_VIX_POLICY, book: { score: (t) => (t.includes('good') ? 0.5 : -0.5) }, batch: 3,
  });
  return { publisher, sent, batches, stage };
}

describe('signal publisher', () => {
  it('classifies VIX closes with hysteresis, keyed by symbol, and skips a day already published', async () => {
    const { publisher, sent } = fakes();
    const vix = (value: number, day: number) => ({ kind: 'vix' as const, value: { symbol: 'VIX', eventTime: day * DAY_US, value, date: `d${day}` } });
    await publisher.publish('cboe-vix-file', [vix(19.14, 1), vix(20.3, 2), vix(28.03, 3)]);
    await publisher.publish('cboe-vix-http', [vix(28.03, 3), vix(19.4, 4)]);
    const records = sent.filter((s) => s.topic === TOPICS.vixRegime).map((s) => s.value as VixRegimeRecord);
    expect(sent.every((s) => s.key === 'VIX')).toBe(true);
    expect(records.map((r) => [r.regime, r.previousRegime, r.changed])).toEqual([
      ['NORMAL', null, false], ['NORMAL', 'NORMAL', false], ['HIGH', 'NORMAL', true], ['NORMAL', 'HIGH', true],
    ]);
    expect(records[3].provider).toBe('cboe-vix-http');
    // Each change is a risk event too, in the same batch: HIGH a warning, back to NORMAL informational.
    const risks = sent.filter((s) => s.topic === TOPICS.riskEvents).map((s) => s.value as RiskEventRecord);
    expect(risks.map((r) => [r.type, r.severity, r.detectedAt])).toEqual([['vix_regime_change', 'WARNING', 3 * DAY_US], ['vix_regime_change', 'INFO', 4 * DAY_US]]);
  });

  it('publishes per-document scores and composites in batches of at most PUBLISH_BATCH records', async () => {
    const { publisher, sent, batches } = fakes();
    await publisher.publish('alpaca-news', [{ kind: 'document', value: { signal: 'news_sentiment', provider: 'alpaca-news', id: '7', symbols: ['AAPL', 'MSFT'], text: 'good', eventTime: DAY_US } }]);
    expect(batches).toEqual([3, 1]);
    expect(sent.map((s) => [s.key, (s.value as AltSignalRecord).signal])).toEqual([['AAPL', 'news_sentiment'], ['AAPL', 'composite'], ['MSFT', 'news_sentiment'], ['MSFT', 'composite']]);
  });

  it('dead-letters a record that cannot be encoded, an input the domain refuses and a rejected input, with reason and source', async () => {
    const { publisher, sent, stage } = fakes();
    const series = (symbol: string, value: number) => ({ kind: 'series' as const, value: { symbol, signal: 'web_traffic' as const, provider: 'p', eventTime: 0, value, id: null } });
    await publisher.publish('altdata-file:a.csv', [series('BADENC', 1), series('WMT', Number.POSITIVE_INFINITY), series('COST', 2)]);
    await publisher.reject('social-file', { payload: 'row text', reason: 'no symbol', source: '/data/t.csv:7' });
    const letters = sent.filter((s) => s.topic === TOPICS.deadLetter).map((s) => s.value as DeadLetterRecord);
    expect(letters.map((d) => [d.stage, d.errorType, d.sourceLocation, d.reason])).toEqual([
      ['alt-data-aggregator', 'InvalidRecordError', 'altdata-file:a.csv', 'series: value must be finite, got Infinity'],
      ['alt-data-aggregator', 'InvalidRecordError', 'altdata-file:a.csv', 'cannot encode a md.altdata.signals.v1 record'],
      ['alt-data-aggregator', 'InvalidRecordError', '/data/t.csv:7', 'no symbol'],
    ]);
    expect(sent.filter((s) => s.topic === TOPICS.altSignals).map((s) => s.key)).toEqual(['COST']);
    expect(Buffer.from((letters[2].payload as unknown as { data: number[] }).data).toString()).toBe('row text');
    expect(await stage.registry.getSingleMetricAsString('md_altdata_rejected_total')).toMatch(/provider="social-file",service="alt-data-aggregator"} 1/);
    expect(await stage.registry.getSingleMetricAsString('md_altdata_rejected_total')).toMatch(/provider="altdata-file:a.csv",service="alt-data-aggregator"} 2/);
  });
});
