import type { AltSignalRecord } from '@md/contracts';
import type { AltDocument, AltSeriesObservation } from './alt-document';
import { CompositeBook, DEFAULT_COMPOSITE_POLICY, type CompositeBookState, type CompositePolicy, type CompositeValue } from './composite-signal';
import { DEFAULT_SERIES_POLICY, EMPTY_MOMENTS, addMoment, seriesScore, type EwMoments, type SeriesPolicy } from './series-score';

// The aggregator's state machine, pure: documents and series observations in, the records of
// md.altdata.signals.v1 out (schemas/md.altdata.signals.v1.avsc):
//   - a document gives one per-document score per symbol (signal news_sentiment or
//     social_sentiment, sourceId = the document id) and, the first time that document is seen,
//     the symbol's new composite (a re-sent or duplicated document is scored again, so an edited
//     article's record is replaced by identity, but it is not counted twice in the composite);
//   - a series observation gives its raw value (signal web_traffic, ...) and, once the series is
//     warm and the observation is not late, the symbol's new composite with its standardised score.
// Every map is bounded; the whole state is plain JSON.

export interface AltDataBookOptions {
  /** Text to a score in [-1, 1] (the lexicon scorer). */
  score: (text: string) => number;
  composite?: CompositePolicy;
  series?: SeriesPolicy;
  /** Document ids remembered for de-duplication (oldest forgotten first). */
  maxSeenDocuments?: number;
  /** (symbol, signal) series whose moments are kept (least recently updated forgotten first). */
  maxSeries?: number;
}

export interface AltDataBookState {
  composite: CompositeBookState;
  series: Array<[key: string, moments: EwMoments]>;
  seen: string[];
}

export class AltDataBook {
  private readonly composite: CompositeBook;
  private readonly moments: Map<string, EwMoments>;
  private readonly seen: Set<string>;
  private readonly seriesPolicy: SeriesPolicy;
  private readonly maxSeen: number;
  private readonly maxSeries: number;

  constructor(private readonly options: AltDataBookOptions, state?: AltDataBookState) {
    this.composite = new CompositeBook(options.composite ?? DEFAULT_COMPOSITE_POLICY, state?.composite);
    this.seriesPolicy = options.series ?? DEFAULT_SERIES_POLICY;
    this.moments = new Map(state?.series ?? []);
    this.seen = new Set(state?.seen ?? []);
    this.maxSeen = options.maxSeenDocuments ?? 100_000;
    this.maxSeries = options.maxSeries ?? 100_000;
  }

  document(doc: AltDocument, ingestTime: number): AltSignalRecord[] {
    const score = Math.max(-1, Math.min(1, this.options.score(doc.text)));
    const key = `${doc.signal}|${doc.provider}|${doc.id}`;
    const first = !this.seen.has(key);
    if (first) this.remember(key);
    const out: AltSignalRecord[] = [];
    for (const symbol of doc.symbols) {
      out.push({ symbol, signal: doc.signal, provider: doc.provider, eventTime: doc.eventTime, ingestTime, value: score, observations: 1, components: {}, sourceId: doc.id, availableTime: doc.eventTime });
      if (first) this.pushComposite(out, symbol, this.composite.update(symbol, doc.signal, score, doc.eventTime), ingestTime);
    }
    return out;
  }

  series(obs: AltSeriesObservation, ingestTime: number): AltSignalRecord[] {
    const key = `${obs.symbol}|${obs.signal}`;
    const before = this.moments.get(key) ?? EMPTY_MOMENTS;
    const score = seriesScore(before, obs.value, obs.eventTime, this.seriesPolicy);
    this.moments.delete(key);
    this.moments.set(key, addMoment(before, obs.value, obs.eventTime, this.seriesPolicy));
    while (this.moments.size > this.maxSeries) this.moments.delete(this.moments.keys().next().value!);
    const out: AltSignalRecord[] = [{ symbol: obs.symbol, signal: obs.signal, provider: obs.provider, eventTime: obs.eventTime, ingestTime, value: obs.value, observations: 1, components: {}, sourceId: obs.id, availableTime: obs.eventTime }];
    if (score !== null) this.pushComposite(out, obs.symbol, this.composite.update(obs.symbol, obs.signal, score, obs.eventTime), ingestTime);
    return out;
  }

  toJSON(): AltDataBookState {
    return { composite: this.composite.toJSON(), series: [...this.moments], seen: [...this.seen] };
  }

  private remember(key: string): void {
    this.seen.add(key);
    if (this.seen.size > this.maxSeen) this.seen.delete(this.seen.values().next().value!);
  }

  private pushComposite(out: AltSignalRecord[], symbol: string, c: CompositeValue | null, ingestTime: number): void {
    if (!c) return;
    // A composite is known when its newest input is (its event time).
    out.push({ symbol, signal: 'composite', provider: 'composite', eventTime: c.eventTime, ingestTime, value: c.value, observations: c.sources, components: c.components, sourceId: null, availableTime: c.eventTime });
  }
}
