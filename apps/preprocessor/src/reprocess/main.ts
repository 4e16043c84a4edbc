import 'reflect-metadata';
import { TOPICS } from '@md/contracts';
import { reprocessMain } from '@md/reprocess';
import { PreprocessorFields } from '../config';
import { reprocessPreprocessorSymbol } from './preprocessor-reprocess.job';

// `node dist/apps/preprocessor/src/reprocess/main.js --from 2024-05-01 --to 2024-06-01 [--symbols DBB]
// [--generation N] [--cause text]` (what `mdctl reprocess --stage preprocessor` runs): re-clean the
// stored bars of a window under the current rules and corporate actions, and publish them with a
// generation the writer accepts as replacements. Needs DATABASE_URL.
reprocessMain({
  stage: 'preprocessor',
  // The fields, not PreprocessorConfig: reprocessMain extends a plain object schema, and the
  // revision-memory bounds its refinement checks play no part in a reprocess.
  config: PreprocessorFields,
  outputs: [TOPICS.bars, TOPICS.restatements, TOPICS.deadLetter],
  symbol: (ctx, request, symbol) => reprocessPreprocessorSymbol(ctx, request, symbol),
});
