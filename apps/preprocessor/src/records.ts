import type { CorporateActionRecord, RestatementRecord } from '@md/contracts';
import type { AdjustmentChange, CorporateAction } from '@md/market';

/** Avro record -> domain action (kinds are upper case on the wire, as Avro enums are). */
export function toCorporateAction(r: Omit<CorporateActionRecord, 'ingestTime'>): CorporateAction {
  const base = { symbol: r.symbol, exDate: r.exDate, provider: r.provider, revision: r.revision };
  if (r.kind === 'SPLIT') return { ...base, kind: 'split', ratio: { to: r.ratioTo ?? NaN, from: r.ratioFrom ?? NaN } };
  return { ...base, kind: 'cash_dividend', amount: r.amount ?? undefined };
}

/** The complete schedule as Avro segments ([from, to)), plus the changed range. */
export function toRestatement(symbol: string, change: AdjustmentChange, publishedAt: number): RestatementRecord {
  let from: number | null = null;
  const segments = change.schedule.map((s) => {
    const seg = { fromTime: from, toTime: s.untilExclusiveUs, splitFactor: s.splitFactor, dividendFactor: s.dividendFactor };
    from = s.untilExclusiveUs;
    return seg;
  });
  const first = change.changed[0];
  const last = change.changed[change.changed.length - 1];
  return { symbol, segments, changedFrom: first.fromUs, changedTo: last.untilExclusiveUs, cause: change.cause, publishedAt };
}
