import 'reflect-metadata';
import { connectionSchema, connectionsOf, loadConfigOrExit } from '@md/config';
import { SchemaCodec, createIdempotentProducer, createKafka, ensureTopics } from '@md/kafka';
import { StageMetrics } from '@md/observability';
import { TOPIC_TABLE, TOPICS } from '@md/contracts';
import { KafkaJobSink, KafkaRecordSink } from '@md/ingest';
import { runBackfillCommand } from './backfill.cli';

// `npm run backfill -- --provider alpaca --symbols DBB --from 2023-07-10 --to 2025-07-09`:
// Alpaca REST history into md.raw.bars.v1, each page in one Kafka transaction with the job's
// checkpoint (INGEST_CHECKPOINTS), so a rerun, after Ctrl-C or a kill -9, resumes without a repeat.
// Ctrl-C stops after the current page.
// `npm run backfill -- corporate-actions --symbols AAPL --from 2010-01-01 --to 2025-01-01` and
// `npm run backfill -- options-chain --underlying AAPL`: md.corporate-actions.v1, md.options.chain.v1.
// Exit 0 when done, 130 when stopped, 1 on an error (one line on stderr).
const connections = connectionsOf(loadConfigOrExit(connectionSchema));

async function main(): Promise<number> {
  const kafka = createKafka('md-backfill', connections.kafka);
  const codec = new SchemaCodec(connections.registry);
  await ensureTopics(kafka, TOPIC_TABLE);
  await codec.registerAll([TOPICS.rawBars, TOPICS.rawTrades, TOPICS.rawQuotes, TOPICS.corporateActions, TOPICS.optionsChain, TOPICS.deadLetter]);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    const metrics = new StageMetrics('feed-gateway-backfill');
    const sink = new KafkaRecordSink(producer, codec, metrics, 'alpaca-rest backfill');
    const openJob = <P>(job: { key: string; params: unknown }) =>
      KafkaJobSink.open<P>({ kafka, codec, metrics, stage: metrics.stage }, { ...job, source: 'alpaca-rest backfill', rerun: 'never' });
    const summary = await runBackfillCommand(process.argv.slice(2), sink, { signal: stop.signal, openJob });
    return summary.aborted ? 130 : 0;
  } finally {
    await producer.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`backfill failed: ${err?.message ?? err}\n`);
    process.exit(1);
  },
);
