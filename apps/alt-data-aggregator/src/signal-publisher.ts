import type { Message, Producer } from 'kafkajs';
import { type AltSignalRecord, type RiskEventRecord, TOPICS, type TopicName, type VixRegimeRecord } from '@md/contracts';
import { AltDataBook, INITIAL_VIX_STATE, riskFromVixRegime, stepVixRegime, type AltDataBookOptions, type VixObservation, type VixRegimePolicy, type VixRegimeState } from '@md/altdata';
import { nowMicros } from '@md/market';
import type { SchemaCodec } from '@md/kafka';
import type { StageMetrics } from '@md/observability';
import { deadLetterMessage, rejectedMessage, type DeadLetterContext, type Rejected } from '@md/ingest';
import type { AltDataMetrics } from './alt-data.metrics';
import type { AltEvent, ProviderSink } from './providers/provider';

// The one stateful part of the service: turns provider events into records with the pure domain
// code (the VIX classifier with hysteresis, the alternative-data book) and publishes them with the
// idempotent producer, keyed by symbol. A record that cannot be encoded and every rejected input
// go to md.dlq.v1 with the reason and where they came from, never dropped. Sends are awaited in
// batches of `batch` records, so memory holds at most one provider call's records.

const STAGE = 'alt-data-aggregator';

export interface PublisherOptions {
  vixPolicy: VixRegimePolicy;
  book: AltDataBookOptions;
  batch: number;
}

interface Outgoing {
  topic: TopicName;
  key: string;
  value: AltSignalRecord | VixRegimeRecord | RiskEventRecord;
  signal: string;
}

export class SignalPublisher {
  private readonly book: AltDataBook;
  private readonly vix = new Map<string, VixRegimeState>();
  private readonly dlq: DeadLetterContext;

  constructor(
    private readonly producer: Producer,
    private readonly codec: SchemaCodec,
    private readonly stage: StageMetrics,
    private readonly metrics: AltDataMetrics,
    private readonly options: PublisherOptions,
  ) {
    this.book = new AltDataBook(options.book);
    this.dlq = { stage: STAGE, codec, metrics: stage };
  }

  sinkFor(provider: string): ProviderSink {
    return {
      publish: (events) => this.publish(provider, events),
      reject: (rejected) => this.reject(provider, rejected),
    };
  }

  async publish(provider: string, events: readonly AltEvent[]): Promise<void> {
    const ingestTime = nowMicros();
    const out: Outgoing[] = [];
    let duplicates = 0;
    const poison: Array<{ err: unknown; event: AltEvent }> = [];
    for (const event of events) {
      this.metrics.message(provider, event.kind);
      this.stage.recordsIn.inc({ stage: STAGE, topic: provider });
      try {
        if (event.kind === 'vix') {
          const record = this.classify(provider, event.value, ingestTime);
          if (record) out.push({ topic: TOPICS.vixRegime, key: record.symbol, value: record, signal: 'vix_regime' });
          else duplicates++;
          const risk = record && riskFromVixRegime(record);
          if (risk) out.push({ topic: TOPICS.riskEvents, key: risk.symbol!, value: risk, signal: 'risk_event' });
          continue;
        }
        const signals = event.kind === 'document' ? this.book.document(event.value, ingestTime) : this.book.series(event.value, ingestTime);
        for (const s of signals) out.push({ topic: TOPICS.altSignals, key: s.symbol, value: s, signal: s.signal });
      } catch (err) {
        poison.push({ err, event }); // an input the domain refuses stops nothing: it is dead-lettered
      }
    }
    this.metrics.duplicates(provider, duplicates);
    for (const { err, event } of poison) await this.reject(provider, { payload: JSON.stringify(event.value), reason: (err as Error).message, source: provider });
    for (let i = 0; i < out.length; i += this.options.batch) await this.send(provider, out.slice(i, i + this.options.batch));
  }

  async reject(provider: string, rejected: Rejected): Promise<void> {
    this.metrics.rejected(provider);
    await this.producer.send({ topic: TOPICS.deadLetter, messages: [await rejectedMessage(this.dlq, rejected)] });
  }

  /** The VIX record for an observation; undefined for a day at or before the last one classified. */
  private classify(provider: string, o: VixObservation, ingestTime: number): VixRegimeRecord | undefined {
    const step = stepVixRegime(this.vix.get(o.symbol) ?? INITIAL_VIX_STATE, o.value, o.eventTime, this.options.vixPolicy);
    if (!step.accepted) return undefined;
    this.vix.set(o.symbol, step.state);
    return { symbol: o.symbol, provider, eventTime: o.eventTime, ingestTime, value: o.value, regime: step.regime, previousRegime: step.previousRegime, changed: step.changed, availableTime: o.eventTime };
  }

  private async send(provider: string, batch: Outgoing[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const add = (topic: string, m: Message) => (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(m);
    const bySignal = new Map<string, number>();
    for (const o of batch) {
      try {
        add(o.topic, { key: o.key, value: await this.codec.encode(o.topic, o.value) });
        bySignal.set(o.signal, (bySignal.get(o.signal) ?? 0) + 1);
      } catch (err) {
        this.metrics.rejected(provider);
        add(TOPICS.deadLetter, await deadLetterMessage(this.dlq, err, provider, Buffer.from(JSON.stringify(o.value))));
      }
    }
    if (!byTopic.size) return;
    await this.producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    for (const [topic, messages] of byTopic) if (topic !== TOPICS.deadLetter) this.stage.recordsOut.inc({ stage: STAGE, topic }, messages.length);
    for (const [signal, n] of bySignal) this.metrics.signals(signal, n);
  }
}
