import { type RawBar, timeframeMicros } from '@md/contracts';
import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';

// Two providers' bars for the same (symbol, timeframe, eventTime) should close at nearly the
// same price; a larger difference means one feed is wrong (bad print, wrong adjustment, wrong
// instrument). Raw closes are compared, each provider's latest revision. One issue per bar time.

export interface ProviderDisagreementConfig {
  /** Largest normal difference between two providers' closes, in basis points of their mean. */
  toleranceBps: number;
  /** Bar times remembered behind the newest one; older bars are not judged. */
  horizonBars: number;
}

export const DEFAULT_PROVIDER_DISAGREEMENT_CONFIG: ProviderDisagreementConfig = { toleranceBps: 10, horizonBars: 1440 };

/** Per bar time: each provider's [close, revision], and whether it was reported. */
export interface BarQuotes {
  eventTime: number;
  closes: Record<string, [string, number]>;
  reported: boolean;
}

export interface ProviderDisagreementState {
  newestEventUs: number | null;
  times: BarQuotes[];
}

type ProvidedBar = Pick<RawBar, 'eventTime' | 'provider' | 'close' | 'revision'>;

function differenceBps(a: number, b: number): number {
  return (Math.abs(a - b) / ((a + b) / 2)) * 10_000;
}

export class ProviderDisagreementDetector {
  private readonly config: ProviderDisagreementConfig;
  private newestEventUs: number | null;
  private readonly times = new Map<number, BarQuotes>();

  constructor(private readonly stream: QualityStream, config: Partial<ProviderDisagreementConfig> = {}, state?: ProviderDisagreementState) {
    this.config = { ...DEFAULT_PROVIDER_DISAGREEMENT_CONFIG, ...config };
    this.newestEventUs = state?.newestEventUs ?? null;
    for (const entry of state?.times ?? []) this.times.set(entry.eventTime, structuredClone(entry));
  }

  static fromJSON(stream: QualityStream, state: ProviderDisagreementState, config: Partial<ProviderDisagreementConfig> = {}): ProviderDisagreementDetector {
    return new ProviderDisagreementDetector(stream, config, state);
  }

  toJSON(): ProviderDisagreementState {
    return { newestEventUs: this.newestEventUs, times: [...this.times.values()].map((e) => structuredClone(e)) };
  }

  observe(bar: ProvidedBar): QualityIssue[] {
    if (bar.eventTime < this.cutoff()) return [];
    const quotes = this.entry(bar.eventTime);
    const held = quotes.closes[bar.provider];
    if (held && held[1] > bar.revision) return []; // an older revision than we hold
    quotes.closes[bar.provider] = [bar.close, bar.revision];
    if (quotes.reported) return [];
    const worst = this.widestPair(quotes);
    if (!worst || worst.bps <= this.config.toleranceBps) return [];
    quotes.reported = true;
    return [newIssue(this.stream, {
      type: 'provider_disagreement', severity: 'warning', windowStartUs: bar.eventTime, windowEndUs: bar.eventTime + timeframeMicros(this.stream.timeframe),
      evidence: { closes: Object.fromEntries(worst.pair.map((p) => [p, quotes.closes[p][0]])), differenceBps: worst.bps, toleranceBps: this.config.toleranceBps },
    })];
  }

  private widestPair(quotes: BarQuotes): { pair: [string, string]; bps: number } | null {
    let worst: { pair: [string, string]; bps: number } | null = null;
    const providers = Object.keys(quotes.closes).sort();
    for (let i = 0; i < providers.length; i++) {
      for (let j = i + 1; j < providers.length; j++) {
        const bps = differenceBps(Number(quotes.closes[providers[i]][0]), Number(quotes.closes[providers[j]][0]));
        if (!worst || bps > worst.bps) worst = { pair: [providers[i], providers[j]], bps };
      }
    }
    return worst;
  }

  private cutoff(): number {
    return this.newestEventUs === null ? -Infinity : this.newestEventUs - this.config.horizonBars * timeframeMicros(this.stream.timeframe);
  }

  private entry(eventTime: number): BarQuotes {
    const held = this.times.get(eventTime);
    if (held) return held;
    const created: BarQuotes = { eventTime, closes: {}, reported: false };
    this.times.set(eventTime, created);
    this.newestEventUs = Math.max(this.newestEventUs ?? eventTime, eventTime);
    const cutoff = this.cutoff();
    for (const [t] of this.times) {
      if (t >= cutoff && this.times.size <= this.config.horizonBars) break;
      this.times.delete(t);
    }
    return created;
  }
}
