// Cashtags in social text: "$TSLA" names the ticker TSLA (StockTwits' and Twitter's convention).
// A cashtag is "$" then 1-6 letters, optionally a share-class suffix (".A", "-B"), not preceded
// by a letter, digit or "$" and not followed by a letter or digit: "$10,000" and "US$5" are
// amounts, not tickers. Lower case is accepted ("$para") and upper-cased.

const CASHTAG = /(?<![\p{L}\p{N}$])\$([A-Za-z]{1,6}(?:[.-][A-Za-z]{1,2})?)(?![\p{L}\p{N}])/gu;

/** Distinct tickers in order of first mention, at most `limit` (a tweet listing twenty tickers is spam, not twenty opinions). */
export function extractCashtags(text: string, limit = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(CASHTAG)) {
    const ticker = m[1].toUpperCase().replace('-', '.');
    if (!out.includes(ticker)) out.push(ticker);
    if (out.length >= limit) break;
  }
  return out;
}
