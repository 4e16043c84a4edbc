import { AtrIndicator } from './atr.indicator';
import { BollingerIndicator } from './bollinger.indicator';
import { EmaIndicator } from './ema.indicator';
import type { IndicatorSpec } from './feature-set.schema';
import type { Indicator } from './indicator';
import { MacdIndicator } from './macd.indicator';
import { ReturnIndicator } from './returns.indicator';
import { RsiIndicator } from './rsi.indicator';
import { SmaIndicator } from './sma.indicator';
import { VolatilityIndicator } from './volatility.indicator';
import { VolumeRatioIndicator } from './volume-ratio.indicator';
import { VwapIndicator } from './vwap.indicator';
import { ZscoreIndicator } from './zscore.indicator';

/** A fresh indicator for a spec, or one restored from its toJSON state. */
export function createIndicator(spec: IndicatorSpec, state?: unknown): Indicator {
  switch (spec.kind) {
    case 'sma':
      return new SmaIndicator(spec, state);
    case 'ema':
      return new EmaIndicator(spec, state);
    case 'rsi':
      return new RsiIndicator(spec, state);
    case 'macd':
      return new MacdIndicator(spec, state);
    case 'bollinger':
      return new BollingerIndicator(spec, state);
    case 'atr':
      return new AtrIndicator(spec, state);
    case 'vwap':
      return new VwapIndicator(spec, state);
    case 'return':
    case 'log_return':
      return new ReturnIndicator(spec, state);
    case 'volatility':
      return new VolatilityIndicator(spec, state);
    case 'zscore':
      return new ZscoreIndicator(spec, state);
    case 'volume_ratio':
      return new VolumeRatioIndicator(spec, state);
  }
}
