import type { CleanBar, RawBar, Timeframe } from '@md/contracts';
import { DuplicateDetector, type DuplicateConfig } from './duplicate.detector';
import { MissingBarsDetector, type DayCompleteness, type MissingBarsConfig } from './missing-bars.detector';
import { OhlcViolationDetector } from './ohlc-violation.detector';
import { PriceOutlierDetector, type PriceOutlierConfig } from './price-outlier.detector';
import { ProviderDisagreementDetector, type ProviderDisagreementConfig } from './provider-disagreement.detector';
import type { QualityIssue, QualityStream } from './quality-issue';
import { VolumeAnomalyDetector, type VolumeAnomalyConfig } from './volume-anomaly.detector';
import { ZoneMislabelDetector, type ZoneMislabelConfig } from './zone-mislabel.detector';

// The quality-monitor's per-stream bundles of detectors, one JSON state each, so a stream's
// state is one changelog record. Raw bars (what providers sent: duplicates, OHLC violations,
// zone labels, provider disagreement) and clean bars (what the pipeline passed on, with
// adjustment factors: gaps, outliers, volume) are separate streams.

export interface QualityChecksConfig {
  missing: Partial<MissingBarsConfig>;
  outlier: Partial<PriceOutlierConfig>;
  volume: Partial<VolumeAnomalyConfig>;
  duplicate: Partial<DuplicateConfig>;
  zone: Partial<ZoneMislabelConfig>;
  providers: Partial<ProviderDisagreementConfig>;
}

type StateOf<T extends { toJSON(): unknown }> = ReturnType<T['toJSON']>;

interface RawState {
  duplicates: StateOf<DuplicateDetector>;
  ohlc: StateOf<OhlcViolationDetector>;
  zone: StateOf<ZoneMislabelDetector>;
  providers: StateOf<ProviderDisagreementDetector>;
}

export class RawBarChecks {
  private constructor(
    private readonly duplicates: DuplicateDetector,
    private readonly ohlc: OhlcViolationDetector,
    private readonly zone: ZoneMislabelDetector,
    private readonly providers: ProviderDisagreementDetector,
  ) {}

  static fromJSON(stream: QualityStream, config: QualityChecksConfig, s?: RawState): RawBarChecks {
    return new RawBarChecks(
      s ? DuplicateDetector.fromJSON(stream, s.duplicates, config.duplicate) : new DuplicateDetector(stream, config.duplicate),
      s ? OhlcViolationDetector.fromJSON(stream, s.ohlc) : new OhlcViolationDetector(stream),
      s ? ZoneMislabelDetector.fromJSON(stream, s.zone, config.zone) : new ZoneMislabelDetector(stream, config.zone),
      s ? ProviderDisagreementDetector.fromJSON(stream, s.providers, config.providers) : new ProviderDisagreementDetector(stream, config.providers),
    );
  }

  toJSON(): RawState {
    return { duplicates: this.duplicates.toJSON(), ohlc: this.ohlc.toJSON(), zone: this.zone.toJSON(), providers: this.providers.toJSON() };
  }

  observe(bar: RawBar): QualityIssue[] {
    return [...this.duplicates.observe(bar), ...this.ohlc.observe(bar), ...this.zone.observe(bar), ...this.providers.observe(bar)];
  }
}

interface CleanState {
  missing: StateOf<MissingBarsDetector>;
  outlier: StateOf<PriceOutlierDetector>;
  volume: StateOf<VolumeAnomalyDetector>;
  /** Newest day whose completeness was published. */
  scoredThrough: string | null;
}

export class CleanBarChecks {
  private constructor(
    private readonly missing: MissingBarsDetector,
    private readonly outlier: PriceOutlierDetector,
    private readonly volume: VolumeAnomalyDetector,
    private scoredThrough: string | null,
  ) {}

  static fromJSON(stream: QualityStream, config: QualityChecksConfig, s?: CleanState): CleanBarChecks {
    return new CleanBarChecks(
      s ? MissingBarsDetector.fromJSON(stream, s.missing, config.missing) : new MissingBarsDetector(stream, config.missing),
      s ? PriceOutlierDetector.fromJSON(stream, s.outlier, config.outlier) : new PriceOutlierDetector(stream, config.outlier),
      s ? VolumeAnomalyDetector.fromJSON(stream, s.volume, config.volume) : new VolumeAnomalyDetector(stream, config.volume),
      s?.scoredThrough ?? null,
    );
  }

  toJSON(): CleanState {
    return { missing: this.missing.toJSON(), outlier: this.outlier.toJSON(), volume: this.volume.toJSON(), scoredThrough: this.scoredThrough };
  }

  observe(bar: CleanBar): QualityIssue[] {
    return [...this.missing.observe(bar), ...this.outlier.observe(bar), ...this.volume.observe(bar)];
  }

  /** Days finished since the last call, each once (published as 'completeness' rows). */
  newlyScoredDays(): DayCompleteness[] {
    const fresh = this.missing.completedAfter(this.scoredThrough);
    if (fresh.length) this.scoredThrough = fresh[fresh.length - 1].date;
    return fresh;
  }
}

export function qualityStream(symbol: string, timeframe: Timeframe): QualityStream {
  return { symbol, timeframe };
}
