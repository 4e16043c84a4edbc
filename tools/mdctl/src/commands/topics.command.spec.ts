import { TOPIC_TABLE, TOPICS } from '@md/contracts';
import { UsageError } from '../usage-error';
import { declaredTopics, withRetention } from './topics.command';

describe('declaredTopics', () => {
  it('is the whole table when no topic is named, and the named specs otherwise', () => {
    expect(declaredTopics([])).toEqual(TOPIC_TABLE);
    expect(declaredTopics([TOPICS.bars]).map((t) => t.name)).toEqual([TOPICS.bars]);
  });

  it('refuses a topic that is not declared, listing the declared ones', () => {
    expect(() => declaredTopics(['md.bars.v2'])).toThrow(/^topic "md.bars.v2" is not declared in TOPIC_TABLE \(libs\/contracts\/src\/topics.ts\); declared: md.raw.bars.v1, /);
  });
});

describe('withRetention', () => {
  it('applies --retention or TOPIC_RETENTION to the topics about to be created', () => {
    const [trades] = withRetention(declaredTopics([TOPICS.rawTrades]), 'md.raw.trades.v1=7d,md.raw.quotes.v1=1d', true);
    expect(trades.retentionMs).toBe(7 * 86_400_000);
  });

  it('refuses a bad value as a usage error naming the option or the variable it came from', () => {
    expect(() => withRetention(TOPIC_TABLE, 'md.raw.trades.v1=7days', true)).toThrow(UsageError);
    expect(() => withRetention(TOPIC_TABLE, 'md.raw.trades.v1=7days', true)).toThrow(/^--retention: md.raw.trades.v1="7days" is not a duration/);
    expect(() => withRetention(TOPIC_TABLE, 'md.bars.v2=7d', false)).toThrow(/^TOPIC_RETENTION: "md.bars.v2" is not a declared topic/);
  });
});
