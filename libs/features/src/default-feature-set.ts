import { FeatureSetSchema, type FeatureSetSpec } from './feature-set.schema';

/**
 * The platform's default indicators (20 values per bar): trend (SMA, EMA 12/26, MACD 12/26/9),
 * momentum (RSI 14), volatility (Bollinger 20/2, ATR 14, 20-bar stdev of log returns, z-score),
 * session VWAP, one-bar returns and volume against its 20-bar mean. Periods are the textbook ones
 * (Appel's MACD, Wilder's 14, Bollinger's 20/2). Change the list: change the name (default-v2).
 */
export const DEFAULT_FEATURE_SET: FeatureSetSpec = FeatureSetSchema.parse({
  name: 'default-v1',
  indicators: [
    { name: 'sma_20', kind: 'sma', period: 20, field: 'close' },
    { name: 'ema_12', kind: 'ema', period: 12, field: 'close' },
    { name: 'ema_26', kind: 'ema', period: 26, field: 'close' },
    { name: 'rsi_14', kind: 'rsi', period: 14, field: 'close' },
    { name: 'macd_12_26_9', kind: 'macd', fast: 12, slow: 26, signal: 9, field: 'close' },
    { name: 'bb_20_2', kind: 'bollinger', period: 20, stdDev: 2, field: 'close' },
    { name: 'atr_14', kind: 'atr', period: 14 },
    { name: 'vwap_session', kind: 'vwap', session: 'regular' },
    { name: 'ret_1', kind: 'return', period: 1, field: 'close' },
    { name: 'logret_1', kind: 'log_return', period: 1, field: 'close' },
    { name: 'vol_20', kind: 'volatility', period: 20, field: 'close' },
    { name: 'zscore_20', kind: 'zscore', period: 20, field: 'close' },
    { name: 'volume_sma_20', kind: 'sma', period: 20, field: 'volume' },
    { name: 'volume_ratio_20', kind: 'volume_ratio', period: 20 },
  ],
});
