import { TOPICS, type QualityIssueRecord, type ReprocessedRecord } from '@md/contracts';
import { microsToIso } from '@md/market';
import { warmupStart, type ReprocessContext, type ReprocessRequest } from '@md/reprocess';
import { storedCleanBars } from '@md/storage';
import type { QualityConfig } from '../config';
import { checksConfig, toRecord } from '../findings';
import { judgeStoredBars } from './stored-bar-judge';
import { storedInputFindings, storedTimeframes } from './stored-inputs';

/** Past the newest stored bar: reading stops at the store's end or once the window's findings are settled (stored-bar-judge). */
const END_OF_STORE = Date.UTC(2200, 0, 1) * 1000;

/**
 * Recomputes one symbol's quality findings for a window from the bars the writer stored, under
 * the stage's current config (QUIET_GAP_MINUTES, OUTLIER_SIGMAS, …): per stored timeframe, fresh
 * checks judge the bars from the start of the warm-up on, and every finding whose window starts
 * in [from, to) goes to md.quality.issues.v1 with the request's generation; then the marker, after
 * which the writer deletes what older generations left in the window (a gap the new threshold
 * no longer counts). Findings about the input as it arrived (repeats, OHLC violations, provider
 * disagreement) are not in the stored bars: they are carried over unchanged with the new
 * generation, so the marker keeps them. Staleness is judged against the wall clock while a feed
 * is live, so history cannot show it: it is neither recomputed nor carried, and the marker
 * removes the window's older stale rows. Running it twice publishes the same records again.
 */
export async function reprocessQualitySymbol(ctx: ReprocessContext<QualityConfig>, r: ReprocessRequest, symbol: string): Promise<ReprocessedRecord> {
  const warmupFrom = warmupStart(r);
  const config = checksConfig(ctx.config, symbol);
  const out = ctx.publisher.batcher<QualityIssueRecord>(TOPICS.qualityIssues);
  const counts = new Map<string, number>();
  const timeframes = await storedTimeframes(ctx.db, ctx.schema, symbol, warmupFrom, r.to);
  for (const timeframe of timeframes) {
    const pages = storedCleanBars(ctx.db, ctx.schema, symbol, timeframe, warmupFrom, END_OF_STORE);
    for await (const { issue, availableTime } of judgeStoredBars(pages, config, symbol, timeframe, r.from, r.to)) {
      counts.set(issue.type, (counts.get(issue.type) ?? 0) + 1);
      await out.push(toRecord(issue, availableTime, r.generation));
    }
  }
  let carried = 0;
  for await (const page of storedInputFindings(ctx.db, ctx.schema, symbol, timeframes, r.from, r.to, r.generation)) {
    for (const record of page) await out.push({ ...record, generation: r.generation });
    carried += page.length;
  }
  const outputs = await out.end();
  const marker = await ctx.publisher.marker(symbol, timeframes, outputs, warmupFrom);
  const found = [...counts].map(([type, n]) => `${type} ${n}`).join(', ') || 'none';
  ctx.log(`${symbol}: ${outputs} quality issues of generation ${r.generation} published for ${microsToIso(r.from)} .. ${microsToIso(r.to)} over ${timeframes.join(',') || 'no stored bars'}`
    + ` (found: ${found}; input findings carried over: ${carried}; stale not recomputed; warm-up from ${microsToIso(warmupFrom)})`);
  return marker;
}
