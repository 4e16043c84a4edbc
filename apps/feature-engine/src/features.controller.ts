import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, UseFilters } from '@nestjs/common';
import { z } from 'zod';
import { nowMicros } from '@md/market';
import { RedisConnection, readHistory, readLatest, type StoredFeatures } from '@md/feature-store';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { storeOptions, type FeatureEngineConfig } from './config';
import { CONFIG } from '@md/config';
import { RedisSinkService } from './redis-sink.service';

const symbol = z.string().regex(/^[A-Z][A-Z0-9.\-/]{0,20}$/, 'must be an upper-case ticker such as DBB');
const timeframe = z.enum(['1m', '5m', '15m', '1h', '1d']);
const oneQuery = z.object({ timeframe: timeframe.default('1m'), history: z.coerce.number().int().min(0).max(1000).default(0) });
// A bounded batch: one pipelined round trip per call, so the bound is on what one call may ask.
const batchBody = z.object({ keys: z.array(z.object({ symbol, timeframe: timeframe.default('1m') })).min(1).max(1000) });

const toJson = (f: StoredFeatures) => ({ ...f, time: new Date(f.eventTime / 1000).toISOString() });

/** Online feature reads from the Redis store (the latest vector per key, optionally its history). */
@Controller('v1/features')
@UseFilters(BadQueryFilter)
export class FeaturesController {
  constructor(
    @Inject(CONFIG) private readonly config: FeatureEngineConfig,
    private readonly redis: RedisConnection,
    private readonly sink: RedisSinkService,
  ) {}

  @Get(':symbol')
  async one(@Param('symbol') raw: string, @Query() query: unknown) {
    const sym = parseQuery(z.object({ symbol }), { symbol: raw }).symbol;
    const q = parseQuery(oneQuery, query);
    const [latest] = await readLatest(this.redis.client, storeOptions(this.config), [{ symbol: sym, timeframe: q.timeframe }]);
    this.sink.featureStoreMetrics.countReads([latest], nowMicros());
    if (!latest) throw new NotFoundException(`no features stored for ${sym} ${q.timeframe} (not computed yet, expired after FEATURE_TTL_SECONDS, or an unknown symbol)`);
    const history = q.history ? (await readHistory(this.redis.client, storeOptions(this.config), sym, q.timeframe, q.history)).map(toJson) : undefined;
    return { ...toJson(latest), history };
  }

  @Post('batch')
  @HttpCode(200)
  async batch(@Body() body: unknown) {
    // A body that is no JSON object (an array, another content type) is refused naming the member it lacks.
    const { keys } = parseQuery(batchBody, body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {});
    const found = await readLatest(this.redis.client, storeOptions(this.config), keys);
    this.sink.featureStoreMetrics.countReads(found, nowMicros());
    return { count: found.filter(Boolean).length, results: keys.map((k, i) => ({ ...k, features: found[i] ? toJson(found[i]) : null })) };
  }
}
