import 'reflect-metadata';
import { TOPICS } from '@md/contracts';
import { reprocessMain } from '@md/reprocess';
import { QualityConfig } from '../config';
import { reprocessQualitySymbol } from './quality-reprocess.job';

// `node dist/apps/quality-monitor/src/reprocess/main.js --from 2024-05-01 --to 2024-06-01 [--symbols DBB]
// [--generation N] [--warmup-days 60] [--cause text]` (what `mdctl reprocess --stage quality-monitor`
// runs): recompute a window's quality findings from the stored bars under the current thresholds
// and publish them with a generation the writer accepts as replacements. Needs DATABASE_URL.
reprocessMain({
  stage: 'quality-monitor',
  config: QualityConfig,
  outputs: [TOPICS.qualityIssues],
  symbol: (ctx, request, symbol) => reprocessQualitySymbol(ctx, request, symbol),
});
