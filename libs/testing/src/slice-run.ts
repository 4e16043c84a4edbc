import type { Kafka } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS } from '@md/contracts';
import { createKafka, ensureTopics } from '@md/kafka';
import { PgDb } from '@md/storage';
import { startGroupAtEnd, uniqueId } from './group-offsets';

/** One isolated run of the bars slice on the shared stack: its own symbol, groups and ids. */
export interface SliceRun {
  run: string;
  kafka: Kafka;
  db: PgDb;
  /** The writer's schema for this run (dropped by finishSliceRun). */
  schema: string;
  preprocessorEnv: Record<string, string>;
  writerEnv: Record<string, string>;
  qualityEnv: Record<string, string>;
  /** The feature-engine's groups (compute and Redis) and store prefix, started at the end too. */
  featureEnv: Record<string, string>;
}

/**
 * Topics exist, and the run's preprocessor and writer groups start at the topics' current end,
 * so the run sees only what it produces, and the writer gets a schema of its own. `run` doubles
 * as the symbol to replay under. `brokers`: a private Kafka of the test (startLocalKafka), else the stack's.
 */
export async function prepareSliceRun(prefix: string, brokers: string[] = [LOCAL_STACK.kafkaBrokers]): Promise<SliceRun> {
  const run = uniqueId(prefix);
  const kafka = createKafka(`test-${run}`, brokers);
  await ensureTopics(kafka, TOPIC_TABLE);
  await startGroupAtEnd(kafka, `prep-${run}`, [TOPICS.rawBars, TOPICS.corporateActions]);
  await startGroupAtEnd(kafka, `writer-${run}`, [TOPICS.bars]);
  await startGroupAtEnd(kafka, `writer-events-${run}`, [TOPICS.corporateActions, TOPICS.restatements, TOPICS.qualityIssues, TOPICS.optionsChain]);
  await startGroupAtEnd(kafka, `quality-${run}`, [TOPICS.rawBars, TOPICS.bars]);
  await startGroupAtEnd(kafka, `writer-derived-${run}`, [TOPICS.features, TOPICS.intrinsicBars, TOPICS.altSignals, TOPICS.vixRegime, TOPICS.reprocessed]);
  await startGroupAtEnd(kafka, `writer-raw-${run}`, [TOPICS.rawTrades, TOPICS.rawQuotes]);
  await startGroupAtEnd(kafka, `writer-trading-${run}`, [TOPICS.orders, TOPICS.executions, TOPICS.positions, TOPICS.signals, TOPICS.riskEvents]);
  await startGroupAtEnd(kafka, `features-${run}`, [TOPICS.bars, TOPICS.rawTrades]);
  await startGroupAtEnd(kafka, `features-redis-${run}`, [TOPICS.features]);
  const schema = `t_${run.toLowerCase()}`;
  return {
    run,
    kafka,
    schema,
    db: new PgDb(LOCAL_STACK.databaseUrl),
    preprocessorEnv: { GROUP_ID: `prep-${run}`, TRANSACTIONAL_ID: `prep-${run}`, SESSION_TIMEOUT_MS: '6000' },
    writerEnv: {
      GROUP_ID: `writer-${run}`, EVENTS_GROUP_ID: `writer-events-${run}`, DERIVED_GROUP_ID: `writer-derived-${run}`, RAW_GROUP_ID: `writer-raw-${run}`, TRADING_GROUP_ID: `writer-trading-${run}`, DATABASE_URL: LOCAL_STACK.databaseUrl, DB_SCHEMA: schema, SESSION_TIMEOUT_MS: '6000',
    },
    qualityEnv: { GROUP_ID: `quality-${run}`, TRANSACTIONAL_ID: `quality-${run}`, SESSION_TIMEOUT_MS: '6000' },
    featureEnv: {
      GROUP_ID: `features-${run}`, TRANSACTIONAL_ID: `features-${run}`, REDIS_GROUP_ID: `features-redis-${run}`, FEATURE_STORE_PREFIX: `test:${run}`, SESSION_TIMEOUT_MS: '6000',
    },
  };
}

/** Drops the run's schema and closes its connections. */
export async function finishSliceRun(slice: SliceRun | undefined): Promise<void> {
  if (!slice) return;
  await slice.db.query(`DROP SCHEMA IF EXISTS ${slice.schema} CASCADE`);
  await slice.db.close();
}
