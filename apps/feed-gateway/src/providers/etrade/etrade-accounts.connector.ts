import { ConcentrationWatch } from '@md/market';
import type { CanonicalRecord, RecordSink, StreamingConnector } from '@md/ingest';
import type { EtradeAccountRecords, EtradeAccountsPoller, EtradeAccountsStatus } from './etrade-accounts.poller';

// The E*TRADE accounts poller as one of the gateway's connectors: each cycle's orders,
// executions and positions go to the same topics as Alpaca's (md.orders.v1, md.executions.v1,
// md.positions.v1), unmappable items to the dead-letter topic. The poller publishes only what
// changed, so the account's book is kept here to judge concentration after each cycle, as the
// Alpaca connector does after each read. Transactions have no topic: counted in the status only.

export class EtradeAccountsConnector implements StreamingConnector {
  readonly provider = 'etrade-accounts';
  private readonly concentration: ConcentrationWatch;

  constructor(private readonly poller: EtradeAccountsPoller, concentrationLimit: number) {
    this.concentration = new ConcentrationWatch(concentrationLimit);
  }

  start(sink: RecordSink): Promise<void> {
    return this.poller.start({ publish: (records) => this.publish(sink, records) });
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  status(): EtradeAccountsStatus {
    return this.poller.status();
  }

  private async publish(sink: RecordSink, r: EtradeAccountRecords): Promise<void> {
    for (const rejected of r.rejected) await sink.reject(rejected);
    const records: CanonicalRecord[] = [
      ...r.orders.map((value): CanonicalRecord => ({ kind: 'order', value })),
      ...r.executions.map((value): CanonicalRecord => ({ kind: 'execution', value })),
      ...r.positions.map((value): CanonicalRecord => ({ kind: 'position', value })),
      ...this.concentration.update(r.positions).map((value): CanonicalRecord => ({ kind: 'risk_event', value })),
    ];
    if (records.length) await sink.publish(records);
  }
}
