import { TOPICS } from '@md/contracts';
import { UsageError } from './usage-error';

/** A consumer group and the input topics it reads: what `rewind` moves back. */
export interface StageGroup {
  /** The service's config variable holding the group id, for the error messages. */
  variable: string;
  groupId: string;
  topics: string[];
}

// The stages' default groups and inputs, as each app's config.ts and service declare them
// (GROUP_ID defaults; subscriptions in preprocessor.service.ts, feature-engine.service.ts,
// monitor.service.ts, the writer's table-sinks.ts).
export const STAGE_GROUPS = {
  preprocessor: [{ variable: 'GROUP_ID', groupId: 'md-preprocessor', topics: [TOPICS.rawBars, TOPICS.corporateActions] }],
  'feature-engine': [{ variable: 'GROUP_ID', groupId: 'md-feature-engine', topics: [TOPICS.bars, TOPICS.rawTrades] }],
  'timescale-writer': [
    { variable: 'GROUP_ID', groupId: 'md-timescale-writer', topics: [TOPICS.bars] },
    { variable: 'EVENTS_GROUP_ID', groupId: 'md-timescale-writer-events', topics: [TOPICS.corporateActions, TOPICS.restatements, TOPICS.qualityIssues, TOPICS.optionsChain] },
    { variable: 'DERIVED_GROUP_ID', groupId: 'md-timescale-writer-derived', topics: [TOPICS.features, TOPICS.intrinsicBars, TOPICS.altSignals, TOPICS.vixRegime, TOPICS.reprocessed] },
    { variable: 'RAW_GROUP_ID', groupId: 'md-timescale-writer-raw', topics: [TOPICS.rawTrades, TOPICS.rawQuotes] },
    { variable: 'TRADING_GROUP_ID', groupId: 'md-timescale-writer-trading', topics: [TOPICS.orders, TOPICS.executions, TOPICS.positions, TOPICS.signals, TOPICS.riskEvents] },
  ],
  'quality-monitor': [{ variable: 'GROUP_ID', groupId: 'md-quality-monitor', topics: [TOPICS.rawBars, TOPICS.bars] }],
} as const satisfies Record<string, readonly StageGroup[]>;

export type StageName = keyof typeof STAGE_GROUPS;
export const STAGE_NAMES = Object.keys(STAGE_GROUPS) as StageName[];

/**
 * The groups `rewind --stage` moves back. `overrides` maps a group variable to the id a
 * deployment set (`--group GROUP_ID=prep-blue`, or a bare id for the stage's first group).
 */
export function stageGroups(stage: string, overrides: readonly string[] = []): StageGroup[] {
  if (!(stage in STAGE_GROUPS)) throw new UsageError(`--stage "${stage}" is not a stage: use one of ${STAGE_NAMES.join(', ')}`);
  const groups: StageGroup[] = STAGE_GROUPS[stage as StageName].map((g) => ({ ...g, topics: [...g.topics] }));
  for (const override of overrides) {
    const [variable, id] = override.includes('=') ? override.split('=', 2) : [groups[0].variable, override];
    const group = groups.find((g) => g.variable === variable);
    if (!group) throw new UsageError(`--group ${override}: ${stage} has no ${variable}; its groups are ${groups.map((g) => g.variable).join(', ')}`);
    if (!id.trim()) throw new UsageError(`--group ${override}: the group id is empty`);
    group.groupId = id.trim();
  }
  return groups;
}
