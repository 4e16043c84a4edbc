import { readFileSync } from 'node:fs';
import type {
  AuditRecord,
  ExecutionRecord, OrderEventRecord, PositionRecord, RiskEventRecord, SignalRecord,
  AltSignalRecord, CorporateActionRecord, DeadLetterRecord, FeatureVectorRecord, IntrinsicBarRecord, OptionQuoteRecord, QualityIssueRecord,
  QuoteRecord, RawBar, ReprocessedRecord, RestatementRecord, TopicName, TradeRecord, VixRegimeRecord,
} from '@md/contracts';
import { TOPICS } from '@md/contracts';
import { DBB_EXCERPT_FILE, fixturePath } from '@md/fixtures';
import { cleanBar } from '@md/market';
import { DEFAULT_BAR_COLUMNS, csvRowToRawBar } from '@md/providers';

// Realistic values of every topic for the Avro interop test (avro-interop.spec.ts): bars parsed
// from the real DBB minute excerpt by the feed-gateway's own CSV parser and cleaned by the
// preprocessor's cleanBar; the other topics written out by hand from real instruments (an AAPL
// option of the July 2024 chain fixture, AAPL's 2014 split, the VIX of August 2015).

const us = (iso: string) => Date.parse(iso) * 1000;

/** The first `count` rows of the DBB excerpt (naive UTC times, fixtures/README.md) as raw bars. */
export function dbbRawBars(count: number): RawBar[] {
  const [header, ...lines] = readFileSync(fixturePath(DBB_EXCERPT_FILE), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const options = { columns: DEFAULT_BAR_COLUMNS, zone: 'UTC', symbol: 'DBB', timeframe: '1m' as const, provider: 'file' };
  return lines.slice(0, count).map((line, i) => {
    const cells = line.split(',');
    return csvRowToRawBar(Object.fromEntries(names.map((n, j) => [n, cells[j]])), options, us('2024-07-10T13:30:05.123456Z') + i);
  });
}

const raw = dbbRawBars(20);
// A provider correction and a bar with every optional field set, beside the file's plain bars.
const corrected: RawBar = { ...raw[1], tradeCount: 41, vwap: raw[1].close, revision: 2, provider: 'alpaca' };

const trades: TradeRecord[] = [
  { symbol: 'SPY', provider: 'polygon', eventTime: us('2024-07-10T13:30:00.000123Z'), ingestTime: us('2024-07-10T13:30:00.004567Z'), price: '559.87000000', size: 100, exchange: 'V', tradeId: '52983525027888', conditions: ['@', 'F', 'I'], tape: 'B', correction: 'NONE' },
  { symbol: 'SPY', provider: 'alpaca', eventTime: us('2024-07-10T13:31:07.5Z'), ingestTime: us('2024-07-10T13:31:07.52Z'), price: '559.91250000', size: 3, exchange: null, tradeId: null, conditions: [], tape: null, correction: 'CANCELLED' },
];

const quotes: QuoteRecord[] = [
  { symbol: 'SPY', provider: 'alpaca', eventTime: us('2024-07-10T13:30:00.000789Z'), ingestTime: us('2024-07-10T13:30:00.0021Z'), bidPrice: '559.86000000', bidSize: 4, bidExchange: 'Q', askPrice: '559.87000000', askSize: 7, askExchange: 'P', conditions: ['R'], tape: 'B' },
  { symbol: 'DBB', provider: 'polygon', eventTime: us('2024-07-10T19:59:59.999999Z'), ingestTime: us('2024-07-10T20:00:00.01Z'), bidPrice: '17.88000000', bidSize: 1, bidExchange: null, askPrice: '17.93000000', askSize: 2, askExchange: null, conditions: [], tape: null },
];

const deadLetters: DeadLetterRecord[] = [
  { stage: 'preprocessor', reason: 'high 17.80000000 is below low 17.90000000', errorType: 'InvalidRecordError', sourceTopic: TOPICS.rawBars, sourcePartition: 3, sourceOffset: 18_442, sourceLocation: null, key: Buffer.from('DBB'), payload: Buffer.from([0, 0, 0, 0, 7, 6, 68, 66, 66]), failedAt: us('2024-07-10T13:30:06Z') },
  { stage: 'feed-gateway', reason: 'timestamp "2024-04-01 09:30" has no time zone', errorType: 'InvalidRecordError', sourceTopic: null, sourcePartition: null, sourceOffset: null, sourceLocation: 'file:DBB.csv:2', key: null, payload: Buffer.from('2024-04-01 09:30,17.9,17.91,17.9,17.91,3057'), failedAt: us('2024-07-10T13:30:07Z') },
];

const actions: CorporateActionRecord[] = [
  { symbol: 'AAPL', exDate: '2014-06-09', kind: 'SPLIT', ratioTo: 7, ratioFrom: 1, amount: null, referencePrice: '645.57000000', provider: 'file', newSymbol: null, revision: 0, ingestTime: us('2024-07-10T12:00:00Z') },
  { symbol: 'AAPL', exDate: '2014-05-08', kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '3.29000000', referencePrice: null, provider: 'alpaca', newSymbol: null, revision: 1, ingestTime: us('2024-07-10T12:00:01Z') },
  { symbol: 'FB', exDate: '2022-06-09', kind: 'SYMBOL_CHANGE', ratioTo: null, ratioFrom: null, amount: null, referencePrice: null, provider: 'lean', newSymbol: 'META', revision: 0, ingestTime: us('2024-07-10T12:00:02Z') },
  { symbol: 'VMW', exDate: '2023-11-22', kind: 'MERGER', ratioTo: 0.252, ratioFrom: 1, amount: '142.50000000', referencePrice: null, provider: 'alpaca', newSymbol: 'AVGO', revision: 0, ingestTime: us('2024-07-10T12:00:03Z') },
];

const restatements: RestatementRecord[] = [{
  symbol: 'AAPL',
  segments: [
    { fromTime: null, toTime: us('2014-05-08T04:00:00Z'), splitFactor: 1 / 7, dividendFactor: 0.9949 },
    { fromTime: us('2014-05-08T04:00:00Z'), toTime: us('2014-06-09T04:00:00Z'), splitFactor: 1 / 7, dividendFactor: 1 },
  ],
  changedFrom: null, changedTo: us('2014-06-09T04:00:00Z'), cause: 'SPLIT 2014-06-09 7:1 (file r0)', publishedAt: us('2024-07-10T12:00:02Z'),
}];

const issues: QualityIssueRecord[] = [
  { type: 'missing_bars', severity: 'WARNING', symbol: 'DBB', timeframe: '1m', windowStart: us('2023-07-10T13:31:00Z'), windowEnd: us('2023-07-10T13:34:00Z'), evidence: '{"missing":3,"expected":4}', detectedAt: us('2024-07-10T13:35:00Z'), availableTime: us('2023-07-10T13:35:00Z'), generation: 1 },
  { type: 'stale', severity: 'CRITICAL', symbol: 'SPY', timeframe: '1m', windowStart: us('2024-07-10T14:00:00Z'), windowEnd: us('2024-07-10T14:10:00Z'), evidence: '{}', detectedAt: us('2024-07-10T14:10:00.5Z'), availableTime: null, generation: 0 },
];

const options: OptionQuoteRecord[] = [
  { occSymbol: 'AAPL240802C00100000', underlying: 'AAPL', expiry: '2024-08-02', strike: '100.00000000', optionType: 'C', snapshotTime: us('2024-07-10T20:00:00Z'), lastTradeTime: us('2024-07-09T15:41:21Z'), bid: '130.60000000', ask: '133.10000000', last: '132.40000000', volume: 2, openInterest: 11, impliedVolatility: 2.0546904296875, underlyingPrice: '232.98000000', delta: 0.9981, gamma: 0.00004, theta: -0.0123, vega: 0.0041, rho: 0.0637, greeksSource: 'computed', provider: 'file', ingestTime: us('2024-07-10T20:00:01Z') },
  { occSymbol: 'SPY240719P00450000', underlying: 'SPY', expiry: '2024-07-19', strike: '450.00000000', optionType: 'P', snapshotTime: us('2024-07-10T20:00:00Z'), lastTradeTime: null, bid: null, ask: '0.01000000', last: null, volume: null, openInterest: null, impliedVolatility: null, underlyingPrice: null, delta: null, gamma: null, theta: null, vega: null, rho: null, greeksSource: null, provider: 'file', ingestTime: us('2024-07-10T20:00:01Z') },
];

const features: FeatureVectorRecord[] = [
  { symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: raw[0].eventTime, ingestTime: raw[0].ingestTime, featureSet: 'default-v1', values: { sma_20: 17.9065, rsi_14: null, log_return: -0.000558190, vwap_dev: 0 }, availableTime: raw[0].eventTime + 60_000_000, generation: 0 },
  { symbol: 'DBB', timeframe: '1d', provider: 'file', eventTime: us('2023-07-10T13:30:00Z'), ingestTime: raw[1].ingestTime, featureSet: 'default-v1', values: {}, availableTime: null, generation: 3 },
];

const intrinsic: IntrinsicBarRecord[] = [
  { symbol: 'SPY', kind: 'dollar_imbalance', seq: 1_234, provider: 'lean', openTime: us('2013-10-07T13:30:00.001Z'), closeTime: us('2013-10-07T13:31:12.345Z'), ingestTime: us('2024-07-10T12:00:00Z'), open: '168.13000000', high: '168.20000000', low: '167.98000000', close: '168.05000000', volume: 187_300, dollarValue: 31_481_215.5, ticks: 412, threshold: 31_000_000, availableTime: us('2013-10-07T13:31:12.345Z'), generation: 0 },
];

const vix: VixRegimeRecord[] = [
  { symbol: 'VIX', provider: 'cboe-csv', eventTime: us('2015-08-24T20:15:00Z'), ingestTime: us('2024-07-10T12:00:00Z'), value: 40.74, regime: 'CRISIS', previousRegime: 'ELEVATED', changed: true, availableTime: us('2015-08-24T20:15:00Z') },
  { symbol: 'VIX', provider: 'cboe-csv', eventTime: us('2015-08-03T20:15:00Z'), ingestTime: us('2024-07-10T12:00:00Z'), value: 12.56, regime: 'LOW', previousRegime: null, changed: false, availableTime: null },
];

const signals: AltSignalRecord[] = [
  { symbol: 'AAPL', signal: 'composite', provider: 'composite', eventTime: us('2024-07-10T14:00:00Z'), ingestTime: us('2024-07-10T14:00:01Z'), value: 0.3125, observations: 2, components: { news_sentiment: 0.5, social_sentiment: 0.125 }, sourceId: null, availableTime: us('2024-07-10T14:00:00Z') },
  { symbol: 'TSLA', signal: 'social_sentiment', provider: 'file:tweets_sentiment.csv', eventTime: us('2024-07-10T14:02:00Z'), ingestTime: us('2024-07-10T14:02:00.2Z'), value: -0.6, observations: 1, components: {}, sourceId: 'https://twitter.com/i/web/status/1', availableTime: null },
];

const reprocessed: ReprocessedRecord[] = [
  { stage: 'feature-engine', symbol: 'DBB', timeframes: ['1m', '5m', '1d'], from: us('2024-05-01T00:00:00Z'), to: us('2024-06-01T00:00:00Z'), generation: 1, outputs: 28_311, warmupFrom: us('2024-04-01T00:00:00Z'), completedAt: us('2024-07-10T12:30:00Z'), cause: 'feature set v2: rsi_14 uses Wilder smoothing' },
];

// Trading records (issue 17), as the Alpaca mapping and a model publish them.
const orderEvents: OrderEventRecord[] = [
  { broker: 'alpaca', accountAlias: 'paper', orderId: '61e69015-8549-4bfd-b9c3-01e75843f47d', clientOrderId: 'c-1', symbol: 'AAPL', side: 'BUY', orderType: 'limit', timeInForce: 'day',
    quantity: '100.00000000', filledQuantity: '40.00000000', limitPrice: '190.00000000', stopPrice: null, averageFillPrice: '189.50000000', status: 'partially_filled',
    event: 'partial_fill', replacesOrderId: null, eventTime: us('2024-07-10T14:00:02.123456Z'), revision: us('2024-07-10T14:00:02.123456Z'), ingestTime: us('2024-07-10T14:00:02.2Z') },
  { broker: 'etrade', accountAlias: 'brokerage', orderId: '481', clientOrderId: null, symbol: 'MSFT', side: 'SELL', orderType: 'market', timeInForce: null,
    quantity: '10.00000000', filledQuantity: '0.00000000', limitPrice: null, stopPrice: null, averageFillPrice: null, status: 'open', event: 'snapshot',
    replacesOrderId: 'o-0', eventTime: us('2024-07-10T14:00:00Z'), revision: us('2024-07-10T14:00:00Z'), ingestTime: us('2024-07-10T14:00:01Z') },
];
const executions: ExecutionRecord[] = [
  { broker: 'alpaca', accountAlias: 'paper', executionId: '61e69015-8549-4bfd-b9c3-01e75843f47d@40.00000000', brokerExecutionId: 'x-1', orderId: '61e69015-8549-4bfd-b9c3-01e75843f47d',
    symbol: 'AAPL', side: 'BUY', price: '189.50000000', quantity: '40.00000000', cumulativeQuantity: '40.00000000', executionTime: us('2024-07-10T14:00:02.123456Z'), ingestTime: us('2024-07-10T14:00:02.2Z') },
];
const positions: PositionRecord[] = [
  { broker: 'alpaca', accountAlias: 'paper', symbol: 'TSLA', quantity: '-30.00000000', averageEntryPrice: '250.10000000', lastPrice: '248.00000000', asOf: us('2024-07-10T14:01:00Z'), source: 'rest', ingestTime: us('2024-07-10T14:01:00.1Z') },
  { broker: 'fidelity', accountAlias: 'ira', symbol: 'AAPL', quantity: '0.00000000', averageEntryPrice: '0.00000000', lastPrice: null, asOf: us('2024-07-10T20:00:00Z'), source: 'export', ingestTime: us('2024-07-10T20:00:01Z') },
];
const tradingSignals: SignalRecord[] = [
  { symbol: 'DBB', direction: 'SHORT', strength: -2.25, model: 'example-zscore', modelVersion: '0.1.0', featuresAsOf: us('2024-07-10T13:32:00Z'), signalTime: us('2024-07-10T13:31:00Z'), availableTime: us('2024-07-10T13:32:00.000001Z') },
];
const riskEvents: RiskEventRecord[] = [
  { type: 'position_concentration', severity: 'WARNING', symbol: 'AAPL', accountAlias: 'paper', metrics: '{"share":0.3,"limit":0.25}', detectedAt: us('2024-07-10T14:01:00Z'), availableTime: us('2024-07-10T14:01:00Z') },
  { type: 'vix_regime_change', severity: 'CRITICAL', symbol: 'VIX', accountAlias: null, metrics: '{"regime":"CRISIS"}', detectedAt: us('2015-08-24T20:15:00Z'), availableTime: us('2015-08-24T20:15:00Z') },
];
const audit: AuditRecord[] = [
  { requestId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b', time: us('2024-07-10T14:02:00.5Z'), service: 'timescale-writer', token: 'research', method: 'GET', route: '/v1/bars',
    params: '{"symbol":"AAPL","timeframe":"1m"}', status: 200, rows: 390, durationMs: 12.5, remoteAddress: '10.0.3.7' },
  { requestId: '6fa459ea-ee8a-4ca4-894e-db77e160355e', time: us('2024-07-10T14:02:01Z'), service: 'feed-gateway', token: 'anonymous', method: 'GET', route: '/v1/jobs',
    params: '{}', status: 401, rows: null, durationMs: 0.25, remoteAddress: null },
];

/** Sample values of every topic; a Record over TopicName, so a new topic needs its samples to compile. */
export const INTEROP_RECORDS: Readonly<Record<TopicName, readonly object[]>> = {
  [TOPICS.rawBars]: [...raw, corrected],
  [TOPICS.rawTrades]: trades,
  [TOPICS.rawQuotes]: quotes,
  [TOPICS.bars]: [...raw.map((b) => cleanBar(b)), { ...cleanBar(corrected, 2), splitFactor: 0.5, dividendFactor: 0.98765 }],
  [TOPICS.deadLetter]: deadLetters,
  [TOPICS.corporateActions]: actions,
  [TOPICS.restatements]: restatements,
  [TOPICS.qualityIssues]: issues,
  [TOPICS.optionsChain]: options,
  [TOPICS.features]: features,
  [TOPICS.intrinsicBars]: intrinsic,
  [TOPICS.vixRegime]: vix,
  [TOPICS.altSignals]: signals,
  [TOPICS.reprocessed]: reprocessed,
  [TOPICS.orders]: orderEvents,
  [TOPICS.executions]: executions,
  [TOPICS.positions]: positions,
  [TOPICS.signals]: tradingSignals,
  [TOPICS.riskEvents]: riskEvents,
  [TOPICS.audit]: audit,
};

/**
 * Decimal edge cases (Avro 1.11 spec, Decimal: two's complement, so the sign lives in the first
 * byte): zero, the smallest steps, values either side of 2^47 unscaled (where our codec leaves
 * its 6-byte number path for bigint), and the largest magnitude of precision 20, scale 8.
 */
export const DECIMAL_EDGES = [
  '0.00000000', '0.00000001', '-0.00000001', '-17.92100000', '1.27000000', '-1.28000000',
  '1407374.88355327', '1407374.88355328', '-1407374.88355328', '-1407374.88355329', '123456789012.12345678',
  '999999999999.99999999', '-999999999999.99999999',
];

/** timestamp-micros edge cases: the epoch, one microsecond before it, and 2255, up to which micros are exact JS numbers (README, Contracts). */
export const MICROS_EDGES = [0, -1, us('1969-07-20T20:17:40Z'), us('2255-06-01T00:00:00.000001Z')];
