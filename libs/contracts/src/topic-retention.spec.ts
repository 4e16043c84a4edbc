import { ConfigError } from './errors';
import { formatRetention, parseRetentionMs, parseTopicRetention, withTopicRetention } from './topic-retention';
import { TOPIC_TABLE, TOPICS, topicSpec } from './topics';

const DAY = 86_400_000;

describe('TOPIC_RETENTION', () => {
  it('overrides the declared retention of the topics it names and keeps the others as declared', () => {
    const specs = withTopicRetention(TOPIC_TABLE, ' md.raw.trades.v1=30d , md.raw.quotes.v1=12h,md.vix.regime.v1=2w ');
    const retention = (name: string) => specs.find((s) => s.name === name)!.retentionMs;
    expect(retention(TOPICS.rawTrades)).toBe(30 * DAY);
    expect(retention(TOPICS.rawQuotes)).toBe(12 * 3_600_000);
    expect(retention(TOPICS.vixRegime)).toBe(14 * DAY);
    expect(retention(TOPICS.rawBars)).toBe(topicSpec(TOPICS.rawBars).retentionMs);
    expect(specs).toHaveLength(TOPIC_TABLE.length);
  });

  it('changes nothing when unset or empty, and never mutates the declared table', () => {
    expect(withTopicRetention(TOPIC_TABLE, undefined)).toEqual(TOPIC_TABLE);
    expect(withTopicRetention(TOPIC_TABLE, ' , ')).toEqual(TOPIC_TABLE);
    withTopicRetention(TOPIC_TABLE, 'md.raw.trades.v1=1d');
    expect(topicSpec(TOPICS.rawTrades).retentionMs).toBe(3 * DAY);
  });

  it('applies an override to a subset of topics checked against the whole table', () => {
    const [trades] = withTopicRetention([topicSpec(TOPICS.rawTrades)], 'md.raw.trades.v1=forever,md.bars.v1=60d', TOPIC_TABLE);
    expect(trades.retentionMs).toBe(-1);
  });

  it('stops with one line naming the variable for an undeclared topic, a bad duration, a missing = or a topic given twice', () => {
    const fails = (text: string) => () => parseTopicRetention(text, TOPIC_TABLE);
    expect(fails('md.raw.trade.v1=7d')).toThrow(ConfigError);
    expect(fails('md.raw.trade.v1=7d')).toThrow(/^TOPIC_RETENTION: "md\.raw\.trade\.v1" is not a declared topic .*declared: md\.raw\.bars\.v1, md\.raw\.trades\.v1/);
    expect(fails('md.raw.trades.v1=7 days')).toThrow('TOPIC_RETENTION: md.raw.trades.v1="7 days" is not a duration: use <n>ms|s|m|h|d|w or forever, e.g. md.raw.trades.v1=7d,md.raw.quotes.v1=3d');
    expect(fails('md.raw.trades.v1=0d')).toThrow(/is not a duration/);
    expect(fails('md.raw.trades.v1')).toThrow('TOPIC_RETENTION: "md.raw.trades.v1" is not topic=duration');
    expect(fails('md.raw.trades.v1=1d,md.raw.trades.v1=2d')).toThrow('TOPIC_RETENTION: md.raw.trades.v1 is given twice');
    for (const text of ['md.raw.trade.v1=7d', 'x', 'md.raw.trades.v1=7x']) expect(fails(text)).toThrow(/^TOPIC_RETENTION: [^\n]+$/);
  });

  it('reads durations in ms, s, m, h, d and w, and forever as Kafka\'s -1', () => {
    expect(['250ms', '90s', '15m', '6h', '3d', '1w', 'forever', '-1'].map(parseRetentionMs))
      .toEqual([250, 90_000, 900_000, 6 * 3_600_000, 3 * DAY, 7 * DAY, -1, -1]);
    expect(['', '3', 'd', '3 d', '-3d', '1.5d', '03d', '99999999999999999999d'].map(parseRetentionMs)).toEqual(Array(8).fill(null));
  });

  it('formats a retention so that it parses back to the same value', () => {
    for (const ms of [-1, 250, 90_000, 900_000, 3 * DAY, 7 * DAY, 36 * 3_600_000]) expect(parseRetentionMs(formatRetention(ms))).toBe(ms);
    expect([-1, 3 * DAY, 36 * 3_600_000, 1500].map(formatRetention)).toEqual(['forever', '3d', '36h', '1500ms']);
  });
});
