import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Timeframe } from '@md/contracts';
import type { StageMetrics } from '@md/observability';
import type { CheckpointedSink, JobIdentity } from '@md/ingest';
import type { GatewayConfig } from './config';
import { CsvBarReplayConnector } from './providers/files/csv-bar-replay.connector';
import { publishFidelityExports } from './providers/files/fidelity-exports.job';
import { factorFileSymbol, publishLeanCorporateActions } from './providers/files/lean-corporate-actions';
import { LeanReplayConnector } from './providers/files/lean-replay.connector';
import { OptionsChainFileConnector } from './providers/files/options-chain-file.connector';

/**
 * A one-shot job of the gateway: publishes a file's records through a checkpointed sink (one Kafka
 * transaction a batch, with the job's position), then resolves with a summary. Its identity, the
 * checkpoint key, is what it reads (the file, the symbol it publishes under); `params` are how it
 * reads it, and a stored run resumes only under the same (libs/ingest job-checkpoint.ts).
 */
export interface FileJob {
  name: string;
  identity: Pick<JobIdentity, 'key' | 'params'>;
  // Each job's position type is its own; the gateway only hands the sink over.
  run(sink: CheckpointedSink<any>): Promise<string>;
  /** Ends the job after the batch in hand is committed. */
  stop(): Promise<void>;
  /** Whether the last run reached the end of its input (not stopped). */
  finished(): boolean;
}

/** The CSV bar replay the config asks for (REPLAY_FILE); its rows count as md_records_in_total{topic="file"}. */
export function csvReplay(c: GatewayConfig, metrics: StageMetrics): CsvBarReplayConnector | undefined {
  if (!c.REPLAY_FILE) return undefined;
  return new CsvBarReplayConnector({
    file: c.REPLAY_FILE, zone: c.REPLAY_ZONE, symbol: c.REPLAY_SYMBOL?.toUpperCase(), timeframe: c.REPLAY_TIMEFRAME as Timeframe,
    provider: c.REPLAY_PROVIDER, columns: c.REPLAY_COLUMNS, batchSize: c.PUBLISH_BATCH,
    onRow: () => metrics.recordsIn.inc({ stage: 'feed-gateway', topic: 'file' }),
  });
}

/** A connector that ends when its file does, as a job. */
function connectorJob(
  name: string,
  identity: FileJob['identity'],
  connector: { start(sink: CheckpointedSink<any>): Promise<void>; stop(): Promise<void>; finished(): boolean },
  summary: () => string,
): FileJob {
  return {
    name, identity,
    run: async (sink) => {
      await connector.start(sink);
      return summary();
    },
    stop: () => connector.stop(),
    finished: () => connector.finished(),
  };
}

/** A short, stable name for a list of files: the first, how many more, and a digest of them all. */
function filesKey(files: readonly string[]): string {
  const digest = createHash('sha256').update(files.map((f) => resolve(f)).join('\n')).digest('hex').slice(0, 16);
  return `${resolve(files[0])}${files.length > 1 ? ` +${files.length - 1} more` : ''} #${digest}`;
}

/**
 * The file jobs the config asks for, in a fixed order: the CSV bar replay (`replay`, from
 * csvReplay), then corporate actions (so the preprocessor knows them before the bars they adjust),
 * then option chains, then LEAN bars and ticks.
 */
export function fileJobs(c: GatewayConfig, replay?: CsvBarReplayConnector): FileJob[] {
  const jobs: FileJob[] = [];
  if (replay && c.REPLAY_FILE) {
    const identity = {
      key: `csv|${c.REPLAY_SYMBOL?.toUpperCase() ?? '(symbol column)'}|${resolve(c.REPLAY_FILE)}`,
      params: { timeframe: c.REPLAY_TIMEFRAME, provider: c.REPLAY_PROVIDER, zone: c.REPLAY_ZONE ?? null, columns: c.REPLAY_COLUMNS ?? null },
    };
    jobs.push(connectorJob(`CSV replay of ${c.REPLAY_FILE}`, identity, replay, () => `${replay.status().published} bars published, ${replay.status().rejected} rejected`));
  }
  if (c.LEAN_FACTOR_FILE) {
    const files = { factorFile: c.LEAN_FACTOR_FILE, mapFile: c.LEAN_MAP_FILE, symbol: c.LEAN_SYMBOL?.toUpperCase() };
    const symbol = factorFileSymbol(c.LEAN_FACTOR_FILE, files.symbol);
    jobs.push({
      name: `corporate actions from ${c.LEAN_FACTOR_FILE}`,
      identity: { key: `lean-factors|${symbol}|${resolve(c.LEAN_FACTOR_FILE)}`, params: { mapFile: c.LEAN_MAP_FILE ? resolve(c.LEAN_MAP_FILE) : null } },
      run: async (sink) => {
        const result = await publishLeanCorporateActions(sink, files);
        return result.published ? `${result.actions.length} actions published` : 'actions already published in this run';
      },
      stop: async () => undefined, // one batch: nothing to stop between
      finished: () => true,
    });
  }
  if (c.FIDELITY_POSITIONS_FILE || c.FIDELITY_HISTORY_FILE) {
    const files = { positionsFile: c.FIDELITY_POSITIONS_FILE, historyFile: c.FIDELITY_HISTORY_FILE, accountAliases: c.FIDELITY_ACCOUNTS };
    const paths = [c.FIDELITY_POSITIONS_FILE, c.FIDELITY_HISTORY_FILE].filter((f): f is string => !!f);
    jobs.push({
      name: `Fidelity account files ${paths.join(', ')}`,
      identity: { key: `fidelity|${filesKey(paths)}`, params: { aliases: Object.values(c.FIDELITY_ACCOUNTS).sort() } },
      run: async (sink) => {
        const r = await publishFidelityExports(sink, files);
        return r.published ? `${r.positions} positions and ${r.executions} executions published, ${r.rejected} rows rejected` : 'Fidelity files already published in this run';
      },
      stop: async () => undefined, // one batch: nothing to stop between
      finished: () => true,
    });
  }
  if (c.OPTIONS_CHAIN_FILE) {
    // GatewayConfig requires OPTIONS_RISK_FREE_RATE with OPTIONS_CHAIN_FILE.
    const chain = new OptionsChainFileConnector({ file: c.OPTIONS_CHAIN_FILE, riskFreeRate: c.OPTIONS_RISK_FREE_RATE! });
    const identity = { key: `options-chain|${resolve(c.OPTIONS_CHAIN_FILE)}`, params: { riskFreeRate: c.OPTIONS_RISK_FREE_RATE } };
    jobs.push(connectorJob(`option chain snapshot ${c.OPTIONS_CHAIN_FILE}`, identity, chain, () => `${chain.summary.published} contracts published, ${chain.summary.rejected} rejected`));
  }
  if (c.LEAN_FILES.length) {
    const lean = new LeanReplayConnector({ files: c.LEAN_FILES, speed: c.LEAN_SPEED });
    const identity = { key: `lean|${filesKey(c.LEAN_FILES)}`, params: { provider: 'lean' } };
    jobs.push(connectorJob(`LEAN replay of ${c.LEAN_FILES.length} file(s)`, identity, lean, () => `${lean.summary.published} records published, ${lean.summary.rejected} rejected`));
  }
  return jobs;
}
