// The inputs of the alternative-data book: scored documents (news, social posts) and
// observations of numeric series (web traffic, card spending, satellite, supply chain).

export const DOCUMENT_SIGNALS = ['news_sentiment', 'social_sentiment'] as const;
export type DocumentSignal = (typeof DOCUMENT_SIGNALS)[number];

export const SERIES_SIGNALS = ['web_traffic', 'satellite', 'card_spending', 'supply_chain'] as const;
export type SeriesSignal = (typeof SERIES_SIGNALS)[number];

/** A text about one or more symbols, to be scored. */
export interface AltDocument {
  signal: DocumentSignal;
  /** alpaca-news, file:tweets_sentiment.csv, ... */
  provider: string;
  /** The provider's id (news id, tweet id): identity for de-duplication and sourceId. */
  id: string;
  symbols: string[];
  text: string;
  /** UTC micros: when the provider published it. */
  eventTime: number;
}

/** One value of a numeric alternative-data series for one symbol. */
export interface AltSeriesObservation {
  symbol: string;
  signal: SeriesSignal;
  provider: string;
  eventTime: number;
  value: number;
  /** The row's own id when it has one. */
  id: string | null;
}

/** Tickers as the platform spells them (upper case, class suffix after a dot; crypto pairs). */
export const TICKER = /^[A-Z][A-Z0-9.\-/]{0,20}$/;
