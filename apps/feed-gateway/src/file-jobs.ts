import type { GatewayConfig } from './config';
import { publishLeanCorporateActions } from './providers/files/lean-corporate-actions';
import { LeanReplayConnector } from './providers/files/lean-replay.connector';
import { OptionsChainFileConnector } from './providers/files/options-chain-file.connector';
import type { RecordSink } from './providers/provider';

/** A one-shot job of the gateway: publishes a file's records through the sink, then resolves. */
export interface FileJob {
  name: string;
  run(sink: RecordSink): Promise<string>;
}

/**
 * The file jobs the config asks for, in a fixed order: corporate actions first (so the
 * preprocessor knows them before the bars they adjust), then option chains, then LEAN bars and
 * ticks. The CSV bar replay (REPLAY_FILE) runs before all of them in GatewayService.
 */
export function fileJobs(c: GatewayConfig): FileJob[] {
  const jobs: FileJob[] = [];
  if (c.LEAN_FACTOR_FILE) {
    const files = { factorFile: c.LEAN_FACTOR_FILE, mapFile: c.LEAN_MAP_FILE, symbol: c.LEAN_SYMBOL?.toUpperCase() };
    jobs.push({
      name: `corporate actions from ${c.LEAN_FACTOR_FILE}`,
      run: async (sink) => `${(await publishLeanCorporateActions(sink, files)).actions.length} actions published`,
    });
  }
  if (c.OPTIONS_CHAIN_FILE) {
    if (c.OPTIONS_RISK_FREE_RATE === undefined) {
      throw new Error('config: OPTIONS_RISK_FREE_RATE is invalid (unset): required with OPTIONS_CHAIN_FILE, greeks need a rate (e.g. 0.053 for 5.3%)');
    }
    const connector = new OptionsChainFileConnector({ file: c.OPTIONS_CHAIN_FILE, riskFreeRate: c.OPTIONS_RISK_FREE_RATE });
    jobs.push({
      name: `option chain snapshot ${c.OPTIONS_CHAIN_FILE}`,
      run: async (sink) => {
        await connector.start(sink);
        return `${connector.summary.published} contracts published, ${connector.summary.rejected} rejected`;
      },
    });
  }
  if (c.LEAN_FILES.length) {
    const connector = new LeanReplayConnector({ files: c.LEAN_FILES, speed: c.LEAN_SPEED });
    jobs.push({
      name: `LEAN replay of ${c.LEAN_FILES.length} file(s)`,
      run: async (sink) => {
        await connector.start(sink);
        return `${connector.summary.published} records published, ${connector.summary.rejected} rejected`;
      },
    });
  }
  return jobs;
}
