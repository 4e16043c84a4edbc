import type { CleanBar, RawBar, Timeframe } from '@md/contracts';
import { barDate } from '@md/market';
import { CleanBarChecks, RawBarChecks, qualityStream, type QualityChecksConfig, type QualityIssue } from '@md/quality';
import { barEnd, cleanBarFindings } from '../findings';

export interface Finding {
  issue: QualityIssue;
  /** The end of the bar that revealed it, as live publishes it. */
  availableTime: number;
}

/** The provider's bar as it came in: the stored clean bar without what the preprocessor added. */
function rawOf(bar: CleanBar): RawBar {
  const { symbol, timeframe, provider, eventTime, ingestTime, open, high, low, close, volume, tradeCount, vwap, revision } = bar;
  return { symbol, timeframe, provider, eventTime, ingestTime, open, high, low, close, volume, tradeCount, vwap, revision };
}

/**
 * One timeframe's stored bars (oldest first, from the start of the warm-up on) judged by fresh
 * checks fed as live feeds them: every bar to the raw checks, each provider's bars to that
 * provider's clean checks. Yields the findings whose window starts in [from, to).
 *
 * A finding is revealed by a later bar: the empty minutes after the window's last bar by the next
 * bar, a day's completeness and zone fit by the first bar of a later day. So reading goes on past
 * `to` until every provider seen has had a bar of a New York date after the one holding `to`
 * (or the store ends, where live has not found them yet either); the pages stop being read there.
 */
export async function* judgeStoredBars(
  pages: AsyncIterable<CleanBar[]>, config: QualityChecksConfig, symbol: string, timeframe: Timeframe, from: number, to: number,
): AsyncGenerator<Finding> {
  const stream = qualityStream(symbol, timeframe);
  const raw = RawBarChecks.fromJSON(stream, config);
  const clean = new Map<string, CleanBarChecks>();
  const lastDate = barDate(to - 1, timeframe);
  /** Providers whose findings before `to` a later bar may still reveal. */
  const open = new Set<string>();
  for await (const bars of pages) {
    for (const bar of bars) {
      if (bar.eventTime >= to) {
        if (open.size === 0) return;
        if (!open.has(bar.provider)) continue;
        if (barDate(bar.eventTime, timeframe) > lastDate) open.delete(bar.provider);
      } else open.add(bar.provider);
      const checks = clean.get(bar.provider) ?? clean.set(bar.provider, CleanBarChecks.fromJSON(stream, config)).get(bar.provider)!;
      for (const issue of [...raw.observe(rawOf(bar)), ...cleanBarFindings(checks, bar)]) {
        if (issue.windowStartUs >= from && issue.windowStartUs < to) yield { issue, availableTime: barEnd(bar) };
      }
    }
  }
}
