// Event time of a tweet from its id. Since November 2010 tweet ids are Snowflake ids: the top
// 41 bits are milliseconds since the Twitter epoch 1288834974657 (2010-11-04T01:42:54.657Z)
// (Twitter engineering blog, "Announcing Snowflake", 2010; github.com/twitter-archive/snowflake).
// The tweets file has no time column, but each row's URL carries its status id: this gives every
// row its real posting time, the same on every replay.

const TWITTER_EPOCH_MS = 1_288_834_974_657n;
/** The first Snowflake ids (late 2010) were about 2.9e16; older, sequential ids carry no time. */
const FIRST_SNOWFLAKE = 20_000_000_000_000_000n;
const STATUS_URL = /(?:twitter|x)\.com\/[^/?#]+\/status(?:es)?\/(\d{15,20})/i;

/** The status id in a tweet URL, or undefined. */
export function tweetIdFromUrl(url: string): string | undefined {
  return STATUS_URL.exec(url)?.[1];
}

/** UTC micros at which a Snowflake tweet id was minted; undefined for a pre-Snowflake id. */
export function snowflakeTimeMicros(id: string): number | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  const n = BigInt(id);
  if (n < FIRST_SNOWFLAKE || n >= 1n << 63n) return undefined;
  return Number((n >> 22n) + TWITTER_EPOCH_MS) * 1000;
}
