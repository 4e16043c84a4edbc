import { SERVICE_PORTS } from '@md/config';
import { TOPICS } from '@md/contracts';
import { httpJson, metricValue, waitFor } from '@md/testing';

const ENGINE = SERVICE_PORTS['feature-engine'];
const WRITER = SERVICE_PORTS['timescale-writer'];
const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'];

export interface FeaturesSummary {
  perTimeframe: Record<string, number>;
  total: number;
  latest: { timeframe: string; time: string; values: Record<string, number | null> } | null;
}

/**
 * Waits until the feature-engine has taken every clean bar, and its Redis sink and the writer's
 * derived sink have taken every vector it published; then reads the newest daily vector back
 * from the store's read API.
 */
export async function waitForFeatures(cleaned: number, symbol: string): Promise<FeaturesSummary> {
  await waitFor('the feature-engine to take every bar and the store and the writer every vector', async () => {
    const seen = await metricValue(ENGINE, 'md_records_in_total', { topic: TOPICS.bars });
    const published = await metricValue(ENGINE, 'md_records_out_total', { topic: TOPICS.features });
    const inRedis = await metricValue(ENGINE, 'md_records_in_total', { topic: TOPICS.features });
    const inDatabase = await metricValue(WRITER, 'md_records_in_total', { topic: TOPICS.features });
    return seen >= cleaned && inRedis >= published && inDatabase >= published;
  }, 10 * 60_000, 300);
  const perTimeframe: Record<string, number> = {};
  for (const tf of TIMEFRAMES) perTimeframe[tf] = await metricValue(ENGINE, 'md_features_computed_total', { timeframe: tf, outcome: 'computed' });
  const total = Object.values(perTimeframe).reduce((a, b) => a + b, 0);
  const answer = await httpJson(ENGINE, `/v1/features/${symbol}?timeframe=1d`);
  return { perTimeframe, total, latest: answer.status === 200 ? answer.body : null };
}
