import { Counter, Gauge } from 'prom-client';
import type { StageMetrics } from '@md/observability';

// The aggregator's own metrics, named once with units (STYLE.md habit 8), on the service registry
// beside the shared md_records_* counters.
export const ALT_DATA_METRIC_NAMES = {
  /** Inputs accepted from a provider, by kind (vix, document, series). */
  messages: 'md_altdata_messages_total',
  /** Inputs dead-lettered, by provider. */
  rejected: 'md_altdata_rejected_total',
  /** Inputs already published (a re-polled history row, a repeated VIX day, a re-sent document). */
  duplicates: 'md_altdata_duplicates_total',
  /** Seconds since the provider's last accepted input (absent until it has sent one). */
  lastMessageAge: 'md_altdata_last_message_age_seconds',
  /** Records published, by signal (composite, news_sentiment, ..., vix_regime). */
  signals: 'md_altdata_signals_total',
  /** News stream reconnects, by why the session ended. */
  newsReconnects: 'md_altdata_news_reconnects_total',
  /** 1 while the provider runs or waits normally, 0 once failed or stopped. */
  providerUp: 'md_altdata_provider_up',
} as const;

export class AltDataMetrics {
  private readonly lastAt = new Map<string, number>();
  private readonly messages: Counter<'provider' | 'kind'>;
  private readonly rejectedCount: Counter<'provider'>;
  private readonly duplicateCount: Counter<'provider'>;
  private readonly signalCount: Counter<'signal'>;
  private readonly reconnects: Counter<'reason'>;
  readonly providerUp: Gauge<'provider'>;

  constructor(stage: StageMetrics) {
    const registers = [stage.registry];
    const n = ALT_DATA_METRIC_NAMES;
    this.messages = new Counter({ name: n.messages, help: 'Inputs accepted from each alternative-data provider, by kind.', labelNames: ['provider', 'kind'], registers });
    this.rejectedCount = new Counter({ name: n.rejected, help: 'Inputs sent to md.dlq.v1, by provider.', labelNames: ['provider'], registers });
    this.duplicateCount = new Counter({ name: n.duplicates, help: 'Inputs already published, skipped, by provider.', labelNames: ['provider'], registers });
    this.signalCount = new Counter({ name: n.signals, help: 'Records published, by signal.', labelNames: ['signal'], registers });
    this.reconnects = new Counter({ name: n.newsReconnects, help: 'Alpaca news stream reconnects, by reason.', labelNames: ['reason'], registers });
    this.providerUp = new Gauge({ name: n.providerUp, help: '1 while a provider runs or waits normally, 0 once failed or stopped.', labelNames: ['provider'], registers });
    const lastAt = this.lastAt;
    new Gauge({
      name: n.lastMessageAge, help: 'Seconds since each provider last sent an accepted input.', labelNames: ['provider'], registers,
      collect() {
        const now = Date.now();
        for (const [provider, at] of lastAt) this.set({ provider }, (now - at) / 1000);
      },
    });
  }

  message(provider: string, kind: string, n = 1): void {
    this.messages.inc({ provider, kind }, n);
    this.lastAt.set(provider, Date.now());
  }

  rejected(provider: string): void {
    this.rejectedCount.inc({ provider });
  }

  duplicates(provider: string, n: number): void {
    if (n > 0) this.duplicateCount.inc({ provider }, n);
  }

  signals(signal: string, n: number): void {
    this.signalCount.inc({ signal }, n);
  }

  reconnect(reason: string): void {
    this.reconnects.inc({ reason });
  }
}
