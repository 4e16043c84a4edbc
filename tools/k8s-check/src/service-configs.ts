import type { z } from 'zod';
import type { ServiceName } from '@md/config';
/* eslint-disable @nx/enforce-module-boundaries -- the apps' own config schemas are the source of truth for env names */
import { AltDataConfig } from '../../../apps/alt-data-aggregator/src/config';
import { FeatureEngineConfig } from '../../../apps/feature-engine/src/config';
import { GatewayConfig } from '../../../apps/feed-gateway/src/config';
import { PreprocessorConfig } from '../../../apps/preprocessor/src/config';
import { QualityConfig } from '../../../apps/quality-monitor/src/config';
import { WriterConfig } from '../../../apps/timescale-writer/src/config';
/* eslint-enable @nx/enforce-module-boundaries */

/** Each service's zod config schema: the env names deploy files may set (k8s overlays, docker-compose.yml). */
export const SERVICE_CONFIGS: Record<ServiceName, z.ZodTypeAny> = {
  'feed-gateway': GatewayConfig,
  preprocessor: PreprocessorConfig,
  'feature-engine': FeatureEngineConfig,
  'alt-data-aggregator': AltDataConfig,
  'timescale-writer': WriterConfig,
  'quality-monitor': QualityConfig,
};
