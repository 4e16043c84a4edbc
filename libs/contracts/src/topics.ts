// Every topic the platform uses, declared once (STYLE.md habit 4). Nothing else hard-codes a
// topic string: services import these constants, and topic creation reads TOPIC_TABLE.
export const TOPICS = {
  rawBars: 'md.raw.bars.v1',
  rawTrades: 'md.raw.trades.v1',
  rawQuotes: 'md.raw.quotes.v1',
  bars: 'md.bars.v1',
  deadLetter: 'md.dlq.v1',
  corporateActions: 'md.corporate-actions.v1',
  restatements: 'md.restatements.v1',
  qualityIssues: 'md.quality.issues.v1',
  optionsChain: 'md.options.chain.v1',
  features: 'md.features.v1',
  intrinsicBars: 'md.bars.intrinsic.v1',
  vixRegime: 'md.vix.regime.v1',
  altSignals: 'md.altdata.signals.v1',
  reprocessed: 'md.reprocessed.v1',
  orders: 'md.orders.v1',
  executions: 'md.executions.v1',
  positions: 'md.positions.v1',
  signals: 'md.signals.v1',
  riskEvents: 'md.risk.events.v1',
  audit: 'md.audit.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicSpec {
  name: TopicName;
  partitions: number;
  /**
   * Kafka `retention.ms` at creation; -1 keeps records forever. The default below, unless
   * TOPIC_RETENTION (topic-retention.ts) sets another for the topic where it is created.
   */
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
  /** Schema file in schemas/ for the value (TopicNameStrategy subject `<topic>-value`). */
  valueSchema: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

// Partitions bound how far a consumer group can scale out (one consumer per partition).
// Raw bars keep a week, to replay into a fixed preprocessor. Raw trades and quotes arrive orders
// of magnitude faster and keep 3 days; the timescale-writer stores all three (`bars`, `trades`,
// `quotes`), and `mdctl replay --from-db` re-publishes a stored window, so replay reaches further
// back than any of these retentions.
export const TOPIC_TABLE: readonly TopicSpec[] = [
  { name: TOPICS.rawBars, partitions: 6, retentionMs: 7 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.raw.bars.v1.avsc' },
  { name: TOPICS.rawTrades, partitions: 6, retentionMs: 3 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.raw.trades.v1.avsc' },
  { name: TOPICS.rawQuotes, partitions: 6, retentionMs: 3 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.raw.quotes.v1.avsc' },
  { name: TOPICS.bars, partitions: 6, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.bars.v1.avsc' },
  { name: TOPICS.deadLetter, partitions: 3, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.dlq.v1.avsc' },
  // Keyed by symbol with the bar topics' partition count: co-partitioned, so the stage that owns
  // a symbol's bars also sees its actions. Kept forever: adjustment needs the whole history.
  // Not compacted (DESIGN.md says compacted): compaction keeps one record per key, and the key
  // is the symbol, so it would keep only a symbol's latest action and lose every earlier split.
  { name: TOPICS.corporateActions, partitions: 6, retentionMs: -1, cleanupPolicy: 'delete', valueSchema: 'md.corporate-actions.v1.avsc' },
  { name: TOPICS.restatements, partitions: 6, retentionMs: -1, cleanupPolicy: 'delete', valueSchema: 'md.restatements.v1.avsc' },
  { name: TOPICS.qualityIssues, partitions: 6, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.quality.issues.v1.avsc' },
  // Keyed by OCC symbol (DESIGN.md, Contracts): one contract's snapshots stay ordered. History
  // lives in the options_chain table; the topic keeps a month for replaying a fixed consumer.
  { name: TOPICS.optionsChain, partitions: 6, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.options.chain.v1.avsc' },
  // Derived topics: a fixed feature-engine or aggregator can rebuild them by reprocessing, so a
  // month is enough for consumers to replay; history lives in TimescaleDB.
  { name: TOPICS.features, partitions: 6, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.features.v1.avsc' },
  { name: TOPICS.intrinsicBars, partitions: 6, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.bars.intrinsic.v1.avsc' },
  // One key (the index): a single partition keeps the regime sequence in order.
  { name: TOPICS.vixRegime, partitions: 1, retentionMs: -1, cleanupPolicy: 'delete', valueSchema: 'md.vix.regime.v1.avsc' },
  { name: TOPICS.altSignals, partitions: 6, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.altdata.signals.v1.avsc' },
  // What a reprocess rewrote: one record per (stage, symbol) window and generation, keyed by
  // symbol like the outputs it supersedes. Kept forever: a subscriber replaying history needs to
  // know which windows were restated and when.
  { name: TOPICS.reprocessed, partitions: 6, retentionMs: -1, cleanupPolicy: 'delete', valueSchema: 'md.reprocessed.v1.avsc' },
  // Trading records (issue 17). Orders keyed by order id, so an order's events stay in order;
  // executions by execution id. Both kept forever: they are the account's books, small, and the
  // tables are rebuilt from them. Positions are a state per account and symbol: compacted.
  { name: TOPICS.orders, partitions: 3, retentionMs: -1, cleanupPolicy: 'delete', valueSchema: 'md.orders.v1.avsc' },
  { name: TOPICS.executions, partitions: 3, retentionMs: -1, cleanupPolicy: 'delete', valueSchema: 'md.executions.v1.avsc' },
  { name: TOPICS.positions, partitions: 3, retentionMs: -1, cleanupPolicy: 'compact', valueSchema: 'md.positions.v1.avsc' },
  // Signals keyed by symbol with the bar topics' partitions: a consumer joining them co-partitions.
  { name: TOPICS.signals, partitions: 6, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.signals.v1.avsc' },
  { name: TOPICS.riskEvents, partitions: 3, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.risk.events.v1.avsc' },
  // Who read what (issue 18): one record per /v1 request, keyed by token name. Kept 400 days, a
  // year of access history plus a margin; the services' JSON-lines audit files hold the same.
  { name: TOPICS.audit, partitions: 3, retentionMs: 400 * DAY_MS, cleanupPolicy: 'delete', valueSchema: 'md.audit.v1.avsc' },
];

export function topicSpec(name: TopicName): TopicSpec {
  const spec = TOPIC_TABLE.find((t) => t.name === name);
  if (!spec) throw new Error(`topic ${name} is not declared in TOPIC_TABLE`);
  return spec;
}

/** Confluent TopicNameStrategy. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/**
 * A stateful stage's private changelog, named after its consumer group as Kafka Streams names
 * `<application.id>-<store>-changelog`: two pipelines with different groups never share state.
 * Compacted, JSON values read by no one else (so no Avro schema), one partition per input
 * partition (inputs are keyed by symbol with BAR_PARTITIONS partitions).
 */
export const BAR_PARTITIONS = 6;

export function changelogTopic(groupId: string): string {
  return `${groupId}-state-changelog`;
}

/**
 * Where the ingest jobs (the feed-gateway's file replays, the REST backfill) keep their positions:
 * one JSON value per job, keyed by the job's identity (libs/ingest job-checkpoint.ts), written in
 * the same Kafka transaction as the records it covers, and compacted so the latest per job stays.
 * Read by those jobs alone, like a stage changelog: JSON, no Avro schema, so not in TOPIC_TABLE
 * (whose topics each have a schema the services register). One partition: a job writes a small
 * record a batch and a start reads the topic whole.
 */
export const INGEST_CHECKPOINTS = { name: 'md.ingest.checkpoints.v1', partitions: 1, cleanupPolicy: 'compact' } as const;
