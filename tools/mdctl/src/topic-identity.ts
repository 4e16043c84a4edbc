import { TOPICS, type TopicName } from '@md/contracts';

/** What a topic's records are keyed by and what identifies one record, for a subscriber. */
export interface TopicIdentity {
  /** The value field the producer copies into the key (a plain UTF-8 string), when there is one. */
  keyField: string | null;
  /** The key in words. */
  key: string;
  /**
   * The natural key a subscriber dedupes on, and which of two records with it wins: a key (and a
   * record) can arrive more than once (replays, re-run backfills, reprocessing, corrections).
   */
  identity: string;
}

const SYMBOL = 'the instrument symbol (upper case), so one instrument stays in one partition, in order';
const HIGHEST_GENERATION = 'keep the record of the highest `generation` (a reprocess republishes with a higher one); an equal one is a duplicate';

// Keys as the producers set them (DESIGN.md Contracts: the symbol; options: the OCC symbol; dead
// letters: libs/kafka dead-letter.ts deadLetterKey); identities as the .avsc docs and the
// writer's primary keys (libs/storage migrations) state them. A Record over TopicName, so a new
// topic does not compile until it says how it is keyed.
export const TOPIC_IDENTITY: Readonly<Record<TopicName, TopicIdentity>> = {
  [TOPICS.rawBars]: { keyField: 'symbol', key: SYMBOL, identity: '(symbol, timeframe, eventTime); a higher `revision` replaces a lower one (provider corrections)' },
  [TOPICS.rawTrades]: { keyField: 'symbol', key: SYMBOL, identity: '(symbol, eventTime, provider, correction, tradeId); without a tradeId, the print itself (price, size, exchange, conditions)' },
  [TOPICS.rawQuotes]: { keyField: 'symbol', key: SYMBOL, identity: '(symbol, eventTime, provider) and the quote itself (prices, sizes, exchanges)' },
  [TOPICS.bars]: { keyField: 'symbol', key: SYMBOL, identity: '(symbol, timeframe, eventTime); keep the highest (generation, revision), an equal pair is a duplicate' },
  [TOPICS.deadLetter]: { keyField: null, key: "the rejected record's key bytes when it had one (so a symbol's rejects stay together), else the stage name", identity: '(sourceTopic, sourcePartition, sourceOffset) for a Kafka source, (stage, sourceLocation) otherwise; a retried batch can reject the same source record twice' },
  [TOPICS.corporateActions]: { keyField: 'symbol', key: `${SYMBOL}; co-partitioned with the bar topics`, identity: '(symbol, exDate, kind); a higher `revision` replaces a lower one' },
  [TOPICS.restatements]: { keyField: 'symbol', key: SYMBOL, identity: 'symbol: each record is the complete, absolute schedule, so the latest (publishedAt) wins and applying one twice is harmless' },
  [TOPICS.qualityIssues]: { keyField: 'symbol', key: SYMBOL, identity: `(symbol, timeframe, type, windowStart); a re-detection has the same identity; ${HIGHEST_GENERATION}` },
  [TOPICS.optionsChain]: { keyField: 'occSymbol', key: 'the compact OCC (OSI) symbol, e.g. AAPL240802C00100000, so one contract\'s snapshots stay in order', identity: '(occSymbol, snapshotTime)' },
  [TOPICS.features]: { keyField: 'symbol', key: SYMBOL, identity: `(symbol, timeframe, eventTime); ${HIGHEST_GENERATION}` },
  [TOPICS.intrinsicBars]: { keyField: 'symbol', key: SYMBOL, identity: `(symbol, kind, seq); ${HIGHEST_GENERATION}` },
  [TOPICS.vixRegime]: { keyField: 'symbol', key: 'the index symbol (VIX); one key, one partition, so the regime sequence stays in order', identity: '(symbol, eventTime)' },
  [TOPICS.altSignals]: { keyField: 'symbol', key: SYMBOL, identity: '(symbol, signal, sourceId, eventTime); sourceId is null for series and composites' },
  [TOPICS.reprocessed]: { keyField: 'symbol', key: `${SYMBOL}, like the outputs it supersedes`, identity: '(stage, symbol, from, to, generation)' },
  [TOPICS.orders]: { keyField: 'orderId', key: 'the broker\'s order id, so one order\'s events stay in order', identity: '(orderId, revision); the highest revision is the order\'s state' },
  [TOPICS.executions]: { keyField: 'executionId', key: 'the execution id, <orderId>@<cumulative quantity after the fill>', identity: 'executionId: a stream event and a REST read of the same fill carry the same one' },
  [TOPICS.positions]: { keyField: null, key: '<accountAlias>|<symbol>; the topic is compacted, so the latest record per key is the position', identity: '(accountAlias, symbol); the latest asOf wins, quantity 0 closes it' },
  [TOPICS.signals]: { keyField: 'symbol', key: SYMBOL, identity: '(symbol, model, signalTime); a later record with the same identity replaces it' },
  [TOPICS.riskEvents]: { keyField: null, key: 'the symbol, else the account alias, else the type', identity: '(type, symbol, accountAlias, detectedAt)' },
  [TOPICS.audit]: { keyField: 'token', key: 'the name of the token used (never the token itself)', identity: 'requestId, a UUID per request' },
};
