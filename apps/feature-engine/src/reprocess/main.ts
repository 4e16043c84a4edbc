import 'reflect-metadata';
import { TOPICS } from '@md/contracts';
import { reprocessMain } from '@md/reprocess';
import { FeatureEngineFields } from '../config';
import { loadFeatureConfig } from '../engine-config';
import { reprocessFeatureSymbol } from './feature-reprocess.job';

// `node dist/apps/feature-engine/src/reprocess/main.js --from 2024-05-01 --to 2024-06-01 [--symbols DBB]
// [--generation N] [--warmup-days 60] [--cause text]` (what `mdctl reprocess --stage feature-engine`
// runs): recompute the features of a window from the stored bars under the current FEATURE_SET_FILE
// and publish them with a generation the sinks accept as replacements. Needs DATABASE_URL.
let features: ReturnType<typeof loadFeatureConfig> | undefined;
reprocessMain({
  stage: 'feature-engine',
  config: FeatureEngineFields,
  outputs: [TOPICS.features],
  symbol: (ctx, request, symbol) => reprocessFeatureSymbol(ctx, (features ??= loadFeatureConfig(ctx.config)), request, symbol),
});
