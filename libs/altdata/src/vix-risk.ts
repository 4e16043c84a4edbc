import type { RiskEventRecord, RiskSeverity, VixRegimeLevel, VixRegimeRecord } from '@md/contracts';

// A VIX regime change is a risk event (issue 17). Severity by the regime entered: HIGH is a
// warning, EXTREME and CRISIS critical, a move to a calmer regime informational. Dated by the
// classified close, so a replayed regime change is the same row.

const SEVERITY: Readonly<Record<VixRegimeLevel, RiskSeverity>> = {
  COMPLACENT: 'INFO', LOW: 'INFO', NORMAL: 'INFO', ELEVATED: 'INFO', HIGH: 'WARNING', EXTREME: 'CRITICAL', CRISIS: 'CRITICAL',
};

export function riskFromVixRegime(r: VixRegimeRecord): RiskEventRecord | null {
  if (!r.changed) return null;
  return {
    type: 'vix_regime_change', severity: SEVERITY[r.regime], symbol: r.symbol, accountAlias: null,
    metrics: JSON.stringify({ value: r.value, regime: r.regime, previousRegime: r.previousRegime }),
    detectedAt: r.eventTime, availableTime: r.availableTime ?? r.eventTime,
  };
}
