// Which of two versions of one bar wins (issue 16, part 4): the later-settled one. A live minute
// bar is published as soon as its minute ends (revision 0); trades reported late still change it
// afterwards, so providers re-send it (Alpaca `u` updated bars, docs.alpaca.markets/docs/
// real-time-stock-pricing-data, "Updated bars"; Massive/Polygon rebroadcasts a changed AM bar:
// "treat a bar with a timestamp it has already seen as a replacement", massive.com/knowledge-base/
// article/why-am-i-receiving-a-late-aggregate-bar-through-polygons-websockets), and their REST
// aggregates are computed from everything known when asked. So a bar's revision is the time its
// version was observed, epoch milliseconds on the gateway's clock: 0 for a first live bar, the
// receive time for a re-sent one (AlpacaBarRevisions), the response time for a REST bar. A REST
// bar then replaces the live bar it disagrees with, and a later update replaces either. Any
// provider's REST connector uses this; a re-fetch with the same content changes nothing (the
// revision rule reads it as a duplicate, revision-series.ts; the writer's upsert as no change).

/** The revision of a bar version observed at `observedAtUs` (epoch micros): its time in ms, at least 1. */
export function settledRevision(observedAtUs: number): number {
  return Math.max(1, Math.floor(observedAtUs / 1000));
}
