import type { ChainableCommander } from 'ioredis';
import { isCluster, type RedisClient } from './redis-connection';

/** One feature vector as the store keeps it: the latest per (symbol, timeframe), plus history. */
export interface StoredFeatures {
  symbol: string;
  timeframe: string;
  /** Bar start the features describe, UTC epoch microseconds. */
  eventTime: number;
  featureSet: string;
  values: Record<string, number | null>;
  /** Rule version that computed it: a vector of a lower generation never replaces a higher one (a reprocess). */
  generation: number;
}

export interface FeatureStoreOptions {
  /** Key prefix, so several pipelines can share one Redis. */
  prefix: string;
  /** Expiry of a key after its last write, in seconds; 0 keeps keys forever. */
  ttlSeconds: number;
  /** Entries kept in a key's history (newest first); bounds memory per key. */
  historyLength: number;
}

/** superseded: dropped before Redis, as a newer vector of the same key in the same batch would trim it from the history anyway. */
export type WriteOutcome = 'applied' | 'stale' | 'superseded';

// Feast-like online layout. Both keys of a (symbol, timeframe) share a hash tag {…}, so they
// live in one Redis Cluster slot and one script can touch both atomically (a script's keys must
// share a slot, else CROSSSLOT: https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags).
// The layout has been the same on a single node since the store began: nothing to migrate.
export function latestKey(o: Pick<FeatureStoreOptions, 'prefix'>, symbol: string, timeframe: string): string {
  return `${o.prefix}:{${symbol}:${timeframe}}`;
}

export function historyKey(o: Pick<FeatureStoreOptions, 'prefix'>, symbol: string, timeframe: string): string {
  return `${latestKey(o, symbol, timeframe)}:history`;
}

const EVENT_TIME = '_event_time';
const FEATURE_SET = '_feature_set';
const GENERATION = '_generation';
// A Redis hash field holds strings; an empty string is a feature still warming up.
const NULL_VALUE = '';

/**
 * The write is one Lua script so that "only forward in event time, never back in generation" is
 * decided and applied atomically: two writers (a reprocess racing the live engine) can never
 * interleave a read and a write. History: the entry for the same event time is replaced (a revised
 * bar, a recomputation) unless it is of a higher generation; the sorted set is trimmed to the
 * newest N. Latest: replaced by a newer event time, or by the same time at an equal or higher
 * generation (a revision of the newest bar, a reprocess); older is a replayed or late vector and
 * is ignored. Lua numbers are doubles: epoch microseconds (< 2^53) compare exactly. Members are
 * JSON with the generation first, {"t":…,"g":…,…}, so the script reads it with one match.
 */
const WRITE_SCRIPT = `
local t = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local g = tonumber(ARGV[5])
local keep = false
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], t, t)) do
  local eg = tonumber(string.match(m, '"g":(%d+)')) or 0
  if eg > g then keep = true end
end
if not keep then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], t, t)
  redis.call('ZADD', KEYS[2], t, ARGV[4])
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[3]) + 1))
  if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
end
local current = redis.call('HGET', KEYS[1], '${EVENT_TIME}')
if current then
  local ct = tonumber(current)
  local cg = tonumber(redis.call('HGET', KEYS[1], '${GENERATION}') or '0') or 0
  if ct > t or (ct == t and cg > g) then return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
`;

interface ScriptedRedis {
  mdWriteFeatures(latest: string, history: string, ...args: Array<string | number>): Promise<number>;
}

/** Registers the write script on a client (EVALSHA with a fallback to EVAL, by ioredis). */
export function defineFeatureScripts(client: RedisClient): void {
  if (!(client as unknown as Partial<ScriptedRedis>).mdWriteFeatures) client.defineCommand('mdWriteFeatures', { numberOfKeys: 2, lua: WRITE_SCRIPT });
}

function hashFields(f: StoredFeatures): string[] {
  const fields = [EVENT_TIME, String(f.eventTime), FEATURE_SET, f.featureSet, GENERATION, String(f.generation ?? 0)];
  for (const [name, value] of Object.entries(f.values)) fields.push(name, value === null ? NULL_VALUE : String(value));
  return fields;
}

/**
 * The part of a key Redis Cluster hashes to pick its slot: the text between the first `{` and the
 * next `}` when not empty, else the whole key (cluster spec, "Hash tags").
 */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

type Reply = [Error | null, unknown];

/**
 * Runs one command per item in pipelines and returns the replies in item order. A single node
 * takes one pipeline (one round trip). A cluster refuses a pipeline whose keys live on different
 * nodes (ioredis: "All keys in the pipeline should belong to the same slots allocation group"),
 * so there it is one pipeline per hash tag, all in flight at once: a key's commands stay in order.
 */
async function pipelined<T>(client: RedisClient, items: readonly T[], keyOf: (item: T) => string, add: (p: ChainableCommander, item: T) => void): Promise<Reply[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const tag = isCluster(client) ? hashTag(keyOf(item)) : '';
    const group = groups.get(tag);
    if (group) group.push(i);
    else groups.set(tag, [i]);
  });
  const replies: Reply[] = new Array(items.length);
  await Promise.all([...groups.values()].map(async (indices) => {
    const pipeline = client.pipeline();
    for (const i of indices) add(pipeline, items[i]);
    const results = await pipeline.exec();
    if (!results) throw new Error('redis: pipeline was discarded (connection lost); the batch will be retried');
    indices.forEach((i, k) => (replies[i] = results[k] ?? [new Error('no reply'), null]));
  }));
  return replies;
}

/**
 * Writes a batch pipelined (one round trip; on a cluster, one per key, all in flight at once);
 * returns what happened to each vector. A replay hands over long runs of one key; only the
 * newest `historyLength` of a run can survive the history trim and only the newest can be the
 * latest, so the older ones are not sent (see supersededInBatch).
 */
export async function writeFeatures(client: RedisClient, o: FeatureStoreOptions, batch: readonly StoredFeatures[]): Promise<WriteOutcome[]> {
  if (!batch.length) return [];
  defineFeatureScripts(client);
  const dropped = supersededInBatch(batch, (f) => latestKey(o, f.symbol, f.timeframe), o.historyLength);
  const sent = batch.filter((_, i) => !dropped.has(i));
  const results = await pipelined(client, sent, (f) => latestKey(o, f.symbol, f.timeframe), (p, f) => {
    const member = JSON.stringify({ t: f.eventTime, g: f.generation ?? 0, s: f.featureSet, v: f.values });
    (p as unknown as ScriptedRedis).mdWriteFeatures(latestKey(o, f.symbol, f.timeframe), historyKey(o, f.symbol, f.timeframe), f.eventTime, o.ttlSeconds, o.historyLength, member, f.generation ?? 0, ...hashFields(f));
  });
  let next = 0;
  return batch.map((_, i) => {
    if (dropped.has(i)) return 'superseded';
    const [err, applied] = results[next++];
    if (err) throw err;
    return applied === 1 ? 'applied' : 'stale';
  });
}

/**
 * Indices of vectors whose write could not change the store's final state: per key, when the
 * batch's vectors of that key have strictly rising event times and one generation, all but the
 * newest `historyLength`. Each dropped one is older than `historyLength` sent ones of its key, so
 * the trim to the newest N would remove it, and the newest sent one decides the latest. Any other
 * run (a revision, mixed generations, times out of order) is sent whole.
 */
export function supersededInBatch<T extends Pick<StoredFeatures, 'eventTime' | 'generation'>>(batch: readonly T[], keyOf: (f: T) => string, historyLength: number): Set<number> {
  const byKey = new Map<string, number[]>();
  batch.forEach((f, i) => {
    const key = keyOf(f);
    const run = byKey.get(key);
    if (run) run.push(i);
    else byKey.set(key, [i]);
  });
  const dropped = new Set<number>();
  for (const run of byKey.values()) {
    if (run.length <= historyLength) continue;
    const ordered = run.every((idx, k) => k === 0 || (batch[idx].eventTime > batch[run[k - 1]].eventTime && (batch[idx].generation ?? 0) === (batch[run[0]].generation ?? 0)));
    if (ordered) for (const idx of run.slice(0, run.length - historyLength)) dropped.add(idx);
  }
  return dropped;
}

function fromHash(symbol: string, timeframe: string, hash: Record<string, string>): StoredFeatures | null {
  if (hash[EVENT_TIME] === undefined) return null;
  const values: Record<string, number | null> = {};
  for (const [name, text] of Object.entries(hash)) {
    if (name === EVENT_TIME || name === FEATURE_SET || name === GENERATION) continue;
    values[name] = text === NULL_VALUE ? null : Number(text);
  }
  return { symbol, timeframe, eventTime: Number(hash[EVENT_TIME]), featureSet: hash[FEATURE_SET] ?? '', values, generation: Number(hash[GENERATION] ?? 0) };
}

/** Latest vectors of many (symbol, timeframe) pairs, pipelined like writeFeatures; null = miss. */
export async function readLatest(client: RedisClient, o: FeatureStoreOptions, keys: ReadonlyArray<{ symbol: string; timeframe: string }>): Promise<Array<StoredFeatures | null>> {
  if (!keys.length) return [];
  const key = (k: { symbol: string; timeframe: string }) => latestKey(o, k.symbol, k.timeframe);
  const results = await pipelined(client, keys, key, (p, k) => p.hgetall(key(k)));
  return keys.map((k, i) => {
    const [err, hash] = results[i];
    if (err) throw err;
    return fromHash(k.symbol, k.timeframe, hash as Record<string, string>);
  });
}

/** The newest `limit` history entries of one key, newest first. */
export async function readHistory(client: RedisClient, o: FeatureStoreOptions, symbol: string, timeframe: string, limit: number): Promise<StoredFeatures[]> {
  const members = await client.zrevrange(historyKey(o, symbol, timeframe), 0, Math.max(0, limit - 1));
  return members.map((m) => {
    const e = JSON.parse(m) as { t: number; g?: number; s: string; v: Record<string, number | null> };
    return { symbol, timeframe, eventTime: e.t, featureSet: e.s, values: e.v, generation: e.g ?? 0 };
  });
}
