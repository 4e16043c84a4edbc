import type { Timeframe } from '@md/contracts';
import type { StageMetrics } from '@md/observability';
import type { RecordSink, StreamingConnector } from '@md/ingest';
import type { GatewayConfig } from './config';
import { CsvBarReplayConnector } from './providers/files/csv-bar-replay.connector';
import { publishLeanCorporateActions } from './providers/files/lean-corporate-actions';
import { LeanReplayConnector } from './providers/files/lean-replay.connector';
import { OptionsChainFileConnector } from './providers/files/options-chain-file.connector';

/** A one-shot job of the gateway: publishes a file's records through the sink, then resolves with a summary. */
export interface FileJob {
  name: string;
  run(sink: RecordSink): Promise<string>;
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
function connectorJob(name: string, connector: StreamingConnector, summary: () => string): FileJob {
  return {
    name,
    run: async (sink) => {
      await connector.start(sink);
      return summary();
    },
  };
}

/**
 * The file jobs the config asks for, in a fixed order: the CSV bar replay (`replay`, from
 * csvReplay), then corporate actions (so the preprocessor knows them before the bars they adjust),
 * then option chains, then LEAN bars and ticks. Every job publishes through the sink it is given.
 */
export function fileJobs(c: GatewayConfig, replay?: CsvBarReplayConnector): FileJob[] {
  const jobs: FileJob[] = [];
  if (replay) {
    jobs.push(connectorJob(`CSV replay of ${c.REPLAY_FILE}`, replay, () => `${replay.status().published} bars published, ${replay.status().rejected} rejected`));
  }
  if (c.LEAN_FACTOR_FILE) {
    const files = { factorFile: c.LEAN_FACTOR_FILE, mapFile: c.LEAN_MAP_FILE, symbol: c.LEAN_SYMBOL?.toUpperCase() };
    jobs.push({
      name: `corporate actions from ${c.LEAN_FACTOR_FILE}`,
      run: async (sink) => `${(await publishLeanCorporateActions(sink, files)).actions.length} actions published`,
    });
  }
  if (c.OPTIONS_CHAIN_FILE) {
    // GatewayConfig requires OPTIONS_RISK_FREE_RATE with OPTIONS_CHAIN_FILE.
    const chain = new OptionsChainFileConnector({ file: c.OPTIONS_CHAIN_FILE, riskFreeRate: c.OPTIONS_RISK_FREE_RATE! });
    jobs.push(connectorJob(`option chain snapshot ${c.OPTIONS_CHAIN_FILE}`, chain, () => `${chain.summary.published} contracts published, ${chain.summary.rejected} rejected`));
  }
  if (c.LEAN_FILES.length) {
    const lean = new LeanReplayConnector({ files: c.LEAN_FILES, speed: c.LEAN_SPEED });
    jobs.push(connectorJob(`LEAN replay of ${c.LEAN_FILES.length} file(s)`, lean, () => `${lean.summary.published} records published, ${lean.summary.rejected} rejected`));
  }
  return jobs;
}
