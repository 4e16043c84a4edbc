import type { z } from 'zod';
import { InvalidRecordError, TOPICS, type CleanBar, type DeadLetterRecord, type RawBar, type ReprocessedRecord, type RestatementRecord } from '@md/contracts';
import { deadLetterFor } from '@md/kafka';
import { cleanBar, nowMicros, microsToIso } from '@md/market';
import { type ReprocessContext, type ReprocessRequest } from '@md/reprocess';
import { rawHistoryPages, storedAdjustmentSegments, storedCorporateActions, type RawHistoryWindow } from '@md/storage';
import type { PreprocessorFields } from '../config';
import { toRestatement } from '../records';
import { RebuiltAdjustments, referenceSpans, scheduleOf } from './rebuilt-adjustments';

type JobContext = ReprocessContext<z.infer<typeof PreprocessorFields>>;

/** Stored bars per read: a page is a few MB at most, whatever the window. */
const PAGE_ROWS = 5_000;

type Letter = DeadLetterRecord & { symbol: string };

/**
 * Re-cleans one symbol's stored bars of a window under the preprocessor's current rules, from the
 * writer's database (beyond Kafka's retention): validation and session tags by cleanBar, and the
 * adjustment factors of the symbol's complete schedule, rebuilt from the stored corporate actions
 * (so a split or dividend the stored bars' own factors lack is applied). Each bar of [from, to)
 * goes to md.bars.v1 with the request's generation; a stored bar the rules now refuse is
 * dead-lettered with its reason and not published, so the marker's delete removes it. When the
 * rebuilt schedule differs from the stored adjustment_segments, one restatement with the complete
 * schedule follows. The stage's only state is its adjustments, rebuilt here from the actions and the
 * bars around each dividend's ex-date, so --warmup-days does not apply. Twice is the same as once.
 */
export async function reprocessPreprocessorSymbol(ctx: JobContext, r: ReprocessRequest, symbol: string): Promise<ReprocessedRecord> {
  const actions = await storedCorporateActions(ctx.db, ctx.schema, symbol);
  const adjustments = new RebuiltAdjustments(actions);
  for (const reason of adjustments.refused) ctx.log(`${symbol}: stored action ignored, the rules refuse it: ${reason}`);
  const spans = referenceSpans(actions);
  for (const span of spans) {
    for await (const page of storedRawBars(ctx, { symbols: [symbol], fromUs: span.fromUs, toUs: span.toUs })) page.forEach((raw) => adjustments.observe(raw));
  }
  // The live stage restates from its own state: if it lacks one of these (dead-lettered for want of
  // a close), its next restatement would drop it, so the operator learns the close to resend it with.
  const waited = new Set(actions.filter((a) => a.kind === 'CASH_DIVIDEND' && a.referencePrice === null).map((a) => a.exDate));
  for (const d of adjustments.dividendReferences().filter((x) => waited.has(x.exDate))) {
    ctx.log(`${symbol}: dividend ex ${d.exDate} (${d.amount}) stored without referencePrice: ${d.referencePrice === undefined ? 'no stored close before its ex-date, not applied' : `close before its ex-date ${d.referencePrice} from the stored bars`}`);
  }

  const bars = ctx.publisher.batcher<CleanBar>(TOPICS.bars);
  const letters = ctx.publisher.batcher<Letter>(TOPICS.deadLetter);
  const timeframes = new Set<string>();
  for await (const page of storedRawBars(ctx, { symbols: [symbol], fromUs: r.from, toUs: r.to })) {
    for (const raw of page) {
      timeframes.add(raw.timeframe);
      const bar = recleaned(raw, r.generation);
      if ('reason' in bar) await letters.push(bar);
      else await bars.push({ ...bar, ...adjustments.factorsAt(bar.eventTime) });
    }
  }
  const [published, rejected] = [await bars.end(), await letters.end()];

  const changed = adjustments.changedFrom(scheduleOf(await storedAdjustmentSegments(ctx.db, ctx.schema, symbol)));
  if (changed.length) {
    const cause = `${r.cause} (reprocess of ${microsToIso(r.from)} .. ${microsToIso(r.to)}, generation ${r.generation}: schedule rebuilt from ${actions.length} stored actions)`;
    const restatements = ctx.publisher.batcher<RestatementRecord>(TOPICS.restatements);
    await restatements.push(toRestatement(symbol, { schedule: adjustments.schedule, changed, cause }, nowMicros()));
    await restatements.end();
  }
  const warmupFrom = Math.min(r.from, ...spans.map((s) => s.fromUs));
  const marker = await ctx.publisher.marker(symbol, [...timeframes].sort(), published, warmupFrom);
  ctx.log(
    `${symbol}: ${published} bars of generation ${r.generation} published for ${microsToIso(r.from)} .. ${microsToIso(r.to)} (${[...timeframes].sort().join(',') || 'no bars'}), `
      + `${rejected} dead-lettered, ${actions.length} stored actions, ${changed.length ? `restatement published (${changed.length} ranges changed)` : 'schedule unchanged'}`,
  );
  return marker;
}

/** The stored bars of a window as the raw bars they were, per symbol in time order (then timeframe). */
function storedRawBars(ctx: JobContext, window: RawHistoryWindow): AsyncGenerator<RawBar[]> {
  return rawHistoryPages(ctx.db, ctx.schema, TOPICS.rawBars, window, PAGE_ROWS) as AsyncGenerator<RawBar[]>;
}

/** The bar as the rules clean it now, or the dead letter of a stored bar they refuse (keyed by symbol, the stored row as JSON). */
function recleaned(raw: RawBar, generation: number): CleanBar | Letter {
  try {
    return cleanBar(raw, generation);
  } catch (err) {
    if (!(err instanceof InvalidRecordError)) throw err;
    const location = `reprocess:bars/${raw.symbol}/${raw.timeframe}/${microsToIso(raw.eventTime)}`;
    const letter = deadLetterFor('preprocessor', err, { location, key: Buffer.from(raw.symbol), payload: Buffer.from(JSON.stringify(raw)) });
    return { ...letter, symbol: raw.symbol };
  }
}
