import { microsToIso } from '@md/market';
import { snowflakeTimeMicros, tweetIdFromUrl } from './tweet-time';

describe('tweet time from its Snowflake id', () => {
  it('reads the status id from a tweet URL, with or without a query string', () => {
    expect(tweetIdFromUrl('https://twitter.com/MelaynaLokosky/status/1526019773313650689')).toBe('1526019773313650689');
    expect(tweetIdFromUrl('https://twitter.com/option_oracle/status/1526484891881377792?t=wDZDLfRf1JdpQIZwGPBJzA&s=19')).toBe('1526484891881377792');
    expect(tweetIdFromUrl('https://twitter.com/search?q=%24amc&src=typeahead_click&f=top')).toBeUndefined();
  });

  it('decodes the millisecond timestamp in the top bits', () => {
    // (1526019773313650689 >> 22) + 1288834974657 = 1652666440691 ms.
    expect(microsToIso(snowflakeTimeMicros('1526019773313650689')!)).toBe('2022-05-16T02:00:40.691Z');
    expect(snowflakeTimeMicros('20')).toBeUndefined();
    expect(snowflakeTimeMicros('12a')).toBeUndefined();
  });
});
