import { TOPICS, type FeatureVectorRecord, type ReprocessedRecord } from '@md/contracts';
import { microsToIso } from '@md/market';
import type { FeatureConfig } from '@md/features';
import { MemoryKeyedState } from '@md/kafka';
import { warmupStart, type ReprocessContext, type ReprocessRequest } from '@md/reprocess';
import { storedCleanBars } from '@md/storage';
import type { FeatureEngineConfig } from '../config';
import { FeaturePipeline } from '../feature-pipeline';

/**
 * Recomputes one symbol's features for a window from the bars the writer stored (so a reprocess
 * reaches beyond Kafka's retention): the engine's own pipeline with a fresh state runs over
 * [from - warm-up, to), and every vector of [from, to) is published to md.features.v1 with the
 * request's generation, then the md.reprocessed.v1 marker (libs/reprocess). Sinks keep the higher
 * generation per vector, and the marker lets them delete what the older generation left in the
 * window (a feature dropped from the set). Running it twice publishes the same records again: the
 * stores end the same. The live stage keeps running; a vector it emits for the window under an
 * older generation is refused by the sinks.
 */
export async function reprocessFeatureSymbol(
  ctx: ReprocessContext<FeatureEngineConfig>, features: FeatureConfig, r: ReprocessRequest, symbol: string,
): Promise<ReprocessedRecord> {
  const warmupFrom = warmupStart(r);
  const state = new MemoryKeyedState();
  const pipeline = new FeaturePipeline({ ...ctx.config, GENERATION: r.generation }, features, { count: () => undefined, warn: ctx.log });
  const out = ctx.publisher.batcher<FeatureVectorRecord>(TOPICS.features);
  for await (const bars of storedCleanBars(ctx.db, ctx.schema, symbol, '1m', warmupFrom, r.to)) {
    for (const bar of bars) {
      for (const vector of pipeline.bar(bar, state)) if (vector.eventTime >= r.from && vector.eventTime < r.to) await out.push(vector);
    }
  }
  const outputs = await out.end();
  const marker = await ctx.publisher.marker(symbol, ctx.config.FEATURE_TIMEFRAMES, outputs, warmupFrom);
  ctx.log(`${symbol}: ${outputs} feature vectors of generation ${r.generation} published for ${microsToIso(r.from)} .. ${microsToIso(r.to)} (warm-up from ${microsToIso(warmupFrom)})`);
  return marker;
}
