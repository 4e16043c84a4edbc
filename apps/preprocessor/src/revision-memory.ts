import { BAR_PARTITIONS, type Timeframe } from '@md/contracts';
import { PartitionState, type KeyedState } from '@md/kafka';
import { RevisionBudget, RevisionSeries, tradingDayHorizon, type RevisionDecision, type RevisionKeyed, type RevisionSeriesOptions } from '@md/market';
import type { RevisionMetrics } from './preprocessor-metrics';

// The preprocessor's duplicate memory, in its keyed state (changelogged in the same transaction
// as the outputs and input offsets, restored after a crash or rebalance): one RevisionSeries per
// `rev|<timeframe>|<symbol>` key (the key version 1 used, so an upgrade reads the old state), and
// per partition one RevisionBudget under `rev-budget` that bounds the total.

export interface RevisionMemorySettings {
  REVISION_MEMORY_DAYS: number;
  REVISION_MEMORY_MAX_BARS: number;
  REVISION_MEMORY_MAX_ENTRIES: number;
}

const BUDGET_KEY = 'rev-budget';
const seriesKey = (timeframe: Timeframe, symbol: string) => `rev|${timeframe}|${symbol}`;

export class RevisionMemory {
  private readonly options: RevisionSeriesOptions;
  private readonly partitionCap: number;
  /** Entries and series held per input partition, as of each partition's last decision. */
  private readonly held = new Map<number, { entries: number; series: number }>();

  constructor(settings: RevisionMemorySettings, private readonly metrics: RevisionMetrics) {
    this.options = { maxEntries: settings.REVISION_MEMORY_MAX_BARS, horizonStart: tradingDayHorizon(settings.REVISION_MEMORY_DAYS) };
    // Every instance restores every partition's changelog, so the instance total is the sum of the shares.
    this.partitionCap = Math.floor(settings.REVISION_MEMORY_MAX_ENTRIES / BAR_PARTITIONS);
  }

  /** Decides `bar` against its series (recording it when new or a revision) and keeps the bounds. */
  decide(bar: RevisionKeyed, state: KeyedState): RevisionDecision {
    const key = seriesKey(bar.timeframe, bar.symbol);
    const series = state.load(key, (s) => (s === undefined ? new RevisionSeries(bar.symbol, bar.timeframe, this.options) : RevisionSeries.fromJSON(s, this.options)));
    const decision = series.decide(bar);
    this.countEvictions(series);
    const budget = state.load(BUDGET_KEY, (s) => RevisionBudget.fromJSON(s, this.partitionCap));
    for (const forgotten of budget.update(key, series.size)) {
      state.remove(forgotten.key);
      this.metrics.evictions.inc({ reason: 'total_cap' }, forgotten.entries);
    }
    this.report(state, budget);
    return decision;
  }

  private countEvictions(series: RevisionSeries): void {
    if (series.evicted.horizon) this.metrics.evictions.inc({ reason: 'horizon' }, series.evicted.horizon);
    if (series.evicted.cap) this.metrics.evictions.inc({ reason: 'series_cap' }, series.evicted.cap);
    series.evicted.horizon = 0;
    series.evicted.cap = 0;
  }

  private report(state: KeyedState, budget: RevisionBudget): void {
    this.held.set(state instanceof PartitionState ? state.partition : 0, { entries: budget.total, series: budget.seriesCount });
    let [entries, series] = [0, 0];
    for (const h of this.held.values()) [entries, series] = [entries + h.entries, series + h.series];
    this.metrics.entries.set(entries);
    this.metrics.series.set(series);
  }
}
