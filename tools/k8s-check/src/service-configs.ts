import type { z } from 'zod';
import { SERVICE_NAMES, commonConfig, connectionSchema, objectShape, type ServiceName } from '@md/config';
/* eslint-disable @nx/enforce-module-boundaries -- the apps' own config schemas are the source of truth for env names */
import { AltDataConfig } from '../../../apps/alt-data-aggregator/src/config';
import { FeatureEngineConfig } from '../../../apps/feature-engine/src/config';
import { GatewayConfig } from '../../../apps/feed-gateway/src/config';
import { PreprocessorConfig } from '../../../apps/preprocessor/src/config';
import { QualityConfig } from '../../../apps/quality-monitor/src/config';
import { WriterConfig } from '../../../apps/timescale-writer/src/config';
import { STAGE_GROUPS } from '../../mdctl/src/stages';
/* eslint-enable @nx/enforce-module-boundaries */
import type { CronJobRules } from './cronjob-invariants';

/** Each service's zod config schema: the env names deploy files may set (k8s overlays, docker-compose.yml). */
export const SERVICE_CONFIGS: Record<ServiceName, z.ZodTypeAny> = {
  'feed-gateway': GatewayConfig,
  preprocessor: PreprocessorConfig,
  'feature-engine': FeatureEngineConfig,
  'alt-data-aggregator': AltDataConfig,
  'timescale-writer': WriterConfig,
  'quality-monitor': QualityConfig,
};

/**
 * The variables mdctl reads (it has no zod config): the tools' connection settings (connectionSchema,
 * through cli-context.ts), READ_API_URL and MD_API_TOKEN (cli-context.ts), DATABASE_URL and
 * DATABASE_PASSWORD (backup/backup-database.ts, parse-endpoints.ts; each also as NAME_FILE),
 * DB_SCHEMA, restore's layout settings (restore.command.ts) and TOPIC_RETENTION (topics.command.ts).
 * service-configs.spec.ts fails when mdctl's source reads one that is not here.
 */
export const MDCTL_ENV: readonly string[] = [
  ...Object.keys(connectionSchema.shape),
  'READ_API_URL', 'MD_API_TOKEN', 'DATABASE_URL', 'DATABASE_PASSWORD', 'DB_SCHEMA',
  'RETENTION_BARS_1M', 'CHUNK_INTERVAL_1M', 'COMPRESS_AFTER', 'TOPIC_RETENTION',
];

/** The stages' group variables, which mdctl takes only as `--group VAR=id` (stages.ts): a CronJob passes `--group VAR=$(VAR)`. */
export const MDCTL_GROUP_VARIABLES: readonly string[] = [...new Set(Object.values(STAGE_GROUPS).flatMap((groups) => groups.map((g) => g.variable)))];

/** What a CronJob's program reads: the six services' zod configs and mdctl's variables; md-common (commonConfig) whole. */
export function cronJobRules(): CronJobRules {
  const services = Object.fromEntries(SERVICE_NAMES.map((name) => [name, Object.keys(objectShape(SERVICE_CONFIGS[name])!)]));
  return { configKeys: { ...services, mdctl: MDCTL_ENV }, argumentKeys: { mdctl: MDCTL_GROUP_VARIABLES }, sharedKeys: Object.keys(commonConfig) };
}
