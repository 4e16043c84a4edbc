import { type CorporateActionRecord, InvalidRecordError } from '@md/contracts';
import { type CorporateAction, TICKER_PATTERN, actionViolations, corporateActionViolations } from './corporate-actions';
import { parseDecimal } from './decimal';

// Checks of an md.corporate-actions.v1 record of any kind, whichever source built it (LEAN files,
// Alpaca, a file sent by hand). Splits and dividends are checked as the domain action they become
// (corporate-actions.ts); symbol changes, mergers and spin-offs carry their terms: the other
// ticker in newSymbol, share terms in ratioTo/ratioFrom, cash in amount.

/** A SPLIT or CASH_DIVIDEND record as the domain action the adjustment schedule takes. */
export function priceActionOf(r: Omit<CorporateActionRecord, 'ingestTime'>): CorporateAction {
  const base = { symbol: r.symbol, exDate: r.exDate, provider: r.provider, revision: r.revision };
  if (r.kind === 'SPLIT') return { ...base, kind: 'split', ratio: { to: r.ratioTo ?? NaN, from: r.ratioFrom ?? NaN } };
  if (r.kind === 'CASH_DIVIDEND') return { ...base, kind: 'cash_dividend', amount: r.amount ?? undefined };
  throw new InvalidRecordError(`${r.symbol} ${r.kind} ex ${r.exDate} does not adjust prices; only SPLIT and CASH_DIVIDEND do`);
}

function termsProblems(r: CorporateActionRecord): string[] {
  const problems: string[] = [];
  const other = r.newSymbol ?? null;
  if (other !== null && !TICKER_PATTERN.test(other)) problems.push(`newSymbol ${JSON.stringify(other)} is not an upper-case ticker`);
  if (other === null && r.kind !== 'MERGER') problems.push(`a ${r.kind} needs newSymbol, the ${r.kind === 'SPIN_OFF' ? 'new company' : 'new ticker'}`);
  if (other === r.symbol) problems.push(`newSymbol is the symbol itself (${other}); a ${r.kind} names another ticker`);
  const hasRatio = r.ratioTo !== null || r.ratioFrom !== null;
  if (hasRatio && !((r.ratioTo ?? 0) > 0 && (r.ratioFrom ?? 0) > 0)) problems.push(`ratio must be two positive numbers, got to=${r.ratioTo} from=${r.ratioFrom}`);
  if (r.kind === 'SYMBOL_CHANGE' && (hasRatio || r.amount !== null)) problems.push('a SYMBOL_CHANGE carries no ratio or amount; a reverse split with a new ticker is a SPLIT and a SYMBOL_CHANGE');
  if (r.kind === 'SPIN_OFF' && !hasRatio) problems.push('a SPIN_OFF needs its share terms: ratioTo new shares for ratioFrom shares held');
  if (r.kind === 'MERGER' && !hasRatio && r.amount === null) problems.push('a MERGER needs its terms: acquirer shares (ratioTo for ratioFrom), cash per share (amount), or both');
  if (r.amount !== null && parseDecimal(r.amount).startsWith('-')) problems.push(`amount ${r.amount} is negative`);
  return problems;
}

/** Everything wrong with a record, each line naming symbol, kind and date; [] when valid. */
export function corporateActionRecordViolations(r: CorporateActionRecord): string[] {
  if (r.kind === 'SPLIT' || r.kind === 'CASH_DIVIDEND') {
    const ratio = r.ratioTo !== null && r.ratioFrom !== null ? { ratio: { to: r.ratioTo, from: r.ratioFrom } } : {};
    const kind = r.kind === 'SPLIT' ? 'split' : 'cash_dividend';
    return corporateActionViolations({ symbol: r.symbol, exDate: r.exDate, provider: r.provider, revision: r.revision, kind, ...ratio, amount: r.amount ?? undefined });
  }
  return actionViolations(r, termsProblems(r));
}

/** Throws an InvalidRecordError with every violation (a dead letter's reason). */
export function assertValidRecord(r: CorporateActionRecord): void {
  const problems = corporateActionRecordViolations(r);
  if (problems.length > 0) throw new InvalidRecordError(problems.join('; '));
}
