import { parseCboeVixCsv } from '@md/altdata';
import type { ProviderSink } from './provider';
import { TextSourceProvider, type TextSource } from './text-source.provider';

// CBOE's daily VIX history (libs/altdata/src/cboe-vix-csv.ts for the format), read once from
// a file or polled from https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv.
// Only days after the newest one already published go on.

export class CboeVixProvider extends TextSourceProvider {
  readonly name: string;
  private lastEventTime = Number.NEGATIVE_INFINITY;

  constructor(source: TextSource, private readonly symbol: string) {
    super(source);
    this.name = source.kind === 'file' ? 'cboe-vix-file' : 'cboe-vix-http';
  }

  protected async take(text: string, where: string, _contentType: string, sink: ProviderSink): Promise<void> {
    const { observations, rejected } = parseCboeVixCsv(text, this.symbol);
    for (const r of rejected) await this.rejectOnce(sink, r.text, r.reason, `${where}:${r.line}`);
    const fresh = observations.filter((o) => o.eventTime > this.lastEventTime).sort((a, b) => a.eventTime - b.eventTime);
    if (!fresh.length) return;
    await sink.publish(fresh.map((value) => ({ kind: 'vix' as const, value })));
    this.lastEventTime = fresh[fresh.length - 1].eventTime;
    this.logger.log(`${this.name}: ${fresh.length} new daily closes up to ${fresh[fresh.length - 1].date}`);
  }
}
