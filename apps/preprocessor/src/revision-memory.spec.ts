import { ConfigError, parseConfig } from '@md/config';
import type { RawBar } from '@md/contracts';
import { PartitionState } from '@md/kafka';
import { StageMetrics } from '@md/observability';
import { PreprocessorConfig } from './config';
import { PreprocessorMetrics } from './preprocessor-metrics';
import { RevisionMemory, type RevisionMemorySettings } from './revision-memory';

const MINUTE = 60_000_000;
const MONDAY = Date.parse('2024-07-08T13:30:00Z') * 1000;
const DAY = 24 * 60 * MINUTE;
const bar = (symbol: string, at: number): RawBar => ({
  symbol, timeframe: '1m', provider: 'file', eventTime: at, ingestTime: 0, revision: 0,
  open: '20.66000000', high: '20.70000000', low: '20.60000000', close: '20.66000000', volume: 100, tradeCount: null, vwap: null,
});

function memory(settings: Partial<RevisionMemorySettings> = {}) {
  const metrics = new PreprocessorMetrics(new StageMetrics('preprocessor'));
  const revisions = new RevisionMemory({ REVISION_MEMORY_DAYS: 5, REVISION_MEMORY_MAX_BARS: 10_080, REVISION_MEMORY_MAX_ENTRIES: 3_000_000, ...settings }, metrics.revisions);
  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await metrics.revisions[name as 'entries'].get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
  return { revisions, value };
}

/** A chunk's commit, then a restore from the changelog records it wrote: what a restarted instance holds. */
function commitAndRestore(state: PartitionState): PartitionState {
  const changes = state.changes();
  state.commit();
  const restored = new PartitionState(state.partition);
  for (const { key, text } of changes) restored.restore(key, text);
  return restored;
}

describe('revision memory in the preprocessor state', () => {
  it('drops a repeat a week later after a restart, and passes on one older than the trading-day horizon', async () => {
    const { revisions, value } = memory();
    let state = new PartitionState(2);
    const week = [0, 1, 2, 3, 4].flatMap((d) => [0, 1, 2].map((m) => bar('DBB', MONDAY + d * DAY + m * MINUTE)));
    expect(week.map((b) => revisions.decide(b, state))).toEqual(week.map(() => 'new'));
    state = commitAndRestore(state);
    expect(week.map((b) => revisions.decide(b, state))).toEqual(week.map(() => 'duplicate'));
    // The Monday after: the window holds Tue..Mon, so last Monday's bars are forgotten.
    expect(revisions.decide(bar('DBB', MONDAY + 7 * DAY), state)).toBe('new');
    expect(revisions.decide(bar('DBB', MONDAY), state)).toBe('late');
    expect(revisions.decide(bar('DBB', MONDAY + DAY), state)).toBe('duplicate');
    expect(await value('evictions', { reason: 'horizon' })).toBe(3);
    expect(await value('entries')).toBe(13);
  });

  it('forgets the least recently decided series of a partition past its share of the total, counted', async () => {
    // 60 in total: 10 per partition, each series up to 10.
    const { revisions, value } = memory({ REVISION_MEMORY_MAX_BARS: 10, REVISION_MEMORY_MAX_ENTRIES: 60 });
    const state = new PartitionState(0);
    for (let m = 0; m < 6; m++) revisions.decide(bar('AAA', MONDAY + m * MINUTE), state);
    for (let m = 0; m < 6; m++) revisions.decide(bar('BBB', MONDAY + m * MINUTE), state);
    expect(await value('evictions', { reason: 'total_cap' })).toBe(6);
    expect(state.changes()).toContainEqual({ key: 'rev|1m|AAA', text: null });
    expect(revisions.decide(bar('AAA', MONDAY), state)).toBe('new');
    expect(revisions.decide(bar('BBB', MONDAY), state)).toBe('duplicate');
    for (let m = 0; m < 12; m++) revisions.decide(bar('CCC', MONDAY + m * MINUTE), state);
    expect(await value('evictions', { reason: 'series_cap' })).toBe(2);
    expect([await value('entries'), await value('series')]).toEqual([10, 1]);
  });

  it('refuses a total that cannot hold one full series per partition', () => {
    expect(() => parseConfig(PreprocessorConfig, { REVISION_MEMORY_MAX_BARS: '1000', REVISION_MEMORY_MAX_ENTRIES: '5999' })).toThrow(ConfigError);
    expect(parseConfig(PreprocessorConfig, {})).toMatchObject({ REVISION_MEMORY_DAYS: 5, REVISION_MEMORY_MAX_BARS: 10_080, REVISION_MEMORY_MAX_ENTRIES: 3_000_000 });
  });
});
