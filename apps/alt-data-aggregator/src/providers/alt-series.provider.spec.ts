import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AltDataBook, lexiconScore, parseSocialCsv, snowflakeTimeMicros, tweetIdFromUrl, type AltSeriesObservation } from '@md/altdata';
import { microsToIso } from '@md/market';
import { waitFor } from '@md/testing';
import { tweetsFilePath } from '@md/simulators';
import { AltSeriesProvider } from './alt-series.provider';
import { MemorySink } from '@md/ingest';
import type { AltEvent } from './provider';

// No invented numbers: the series is derived from real data we have, the number of tweets per
// ticker per UTC day in the shared tweets file (times from the tweets' status ids), fed as a
// web_traffic-like activity series. It tests the adapter, not a web-traffic vendor.
function dailyTweetCounts(): Array<{ symbol: string; time: string; value: number; signal: string }> {
  const counts = new Map<string, number>();
  for (const { row } of parseSocialCsv(readFileSync(tweetsFilePath(), 'utf8'))) {
    const id = row.url ? tweetIdFromUrl(row.url) : undefined;
    const us = id ? snowflakeTimeMicros(id) : undefined;
    if (us === undefined || !row.ticker) continue;
    for (const ticker of row.ticker.split(/\s+/).filter(Boolean)) {
      const key = `${ticker.replace('$', '').toUpperCase()}|${microsToIso(us).slice(0, 10)}T00:00:00Z`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].map(([k, value]) => ({ symbol: k.split('|')[0], time: k.split('|')[1], value, signal: 'web_traffic' }));
}

const SERIES = dailyTweetCounts();
const CSV = `symbol,time,value,signal\n${SERIES.map((r) => `${r.symbol},${r.time},${r.value},${r.signal}`).join('\n')}\n`;
const OPTIONS = { row: {}, batch: 50, maxSeries: 1000 };

describe('alternative-data series adapter', () => {
  it('reads a JSON file of rows in the documented schema', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'md-series-')), 'tweet-activity.json');
    writeFileSync(file, JSON.stringify(SERIES));
    const sink = new MemorySink<AltEvent>();
    await new AltSeriesProvider({ kind: 'file', path: file }, OPTIONS).run(sink);
    expect(sink.records).toHaveLength(SERIES.length);
    const tsla = sink.records.map((e) => e.value as AltSeriesObservation).filter((o) => o.symbol === 'TSLA');
    const total = (list: Array<{ value: number }>) => list.reduce((n, o) => n + o.value, 0);
    expect(total(sink.records.map((e) => e.value as AltSeriesObservation))).toBe(total(SERIES));
    expect(total(tsla)).toBeGreaterThanOrEqual(88); // 88 rows name $TSLA alone, all with status ids
    expect(tsla[0]).toMatchObject({ signal: 'web_traffic', provider: 'file:tweet-activity.json', id: null });
  });

  it('reads JSON lines and dead-letters a bad row with its line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'md-series-')), 'activity.jsonl');
    writeFileSync(file, `${JSON.stringify(SERIES[0])}\n{"symbol":"TSLA","time":"2022-05-16T00:00:00Z","value":"lots","signal":"web_traffic"}\nnot json\n`);
    const sink = new MemorySink<AltEvent>();
    await new AltSeriesProvider({ kind: 'file', path: file }, OPTIONS).run(sink);
    expect(sink.records).toHaveLength(1);
    expect(sink.rejected.map((r) => [r.source.split(':').pop(), r.reason])).toEqual([['2', 'value "lots" is not a finite number'], ['3', 'row is not an object']]);
  });

  describe('polled over HTTP', () => {
    let server: Server;
    let requests = 0;
    let body = CSV;
    let provider: AltSeriesProvider | undefined;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'content-type': 'text/csv' }).end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await provider?.stop(); // also when an assertion failed: a running poll loop would keep jest alive
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('publishes each row once across polls and counts the repeats as duplicates; the book turns warm series into composites', async () => {
      const sink = new MemorySink<AltEvent>();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/activity.csv`;
      provider = new AltSeriesProvider({ kind: 'http', url, intervalMs: 30, get: { timeoutMs: 2000, maxBytes: 1 << 20 }, backoff: { initialMs: 10, maxMs: 20 } }, OPTIONS);
      let duplicates = 0;
      provider.onDuplicates = (n) => (duplicates += n);
      const run = provider.run(sink);
      await waitFor('two re-polls', () => duplicates >= 2 * SERIES.length, 5000, 10);
      expect(requests).toBeGreaterThanOrEqual(3);
      expect(provider.status().reason).toBeNull();
      expect(sink.rejected).toEqual([]);
      expect(sink.records).toHaveLength(SERIES.length);
      body = `${CSV}TSLA,2022-06-01T00:00:00Z,3,web_traffic\n`;
      await waitFor('the new row', () => sink.records.length === SERIES.length + 1, 5000, 10);
      await provider.stop();
      await run;

      const book = new AltDataBook({ score: lexiconScore, series: { halfLifeMs: 30 * 86_400_000, minObservations: 3 } });
      const out = sink.records.flatMap((e) => book.series(e.value as AltSeriesObservation, 0));
      expect(out.filter((s) => s.signal === 'web_traffic')).toHaveLength(SERIES.length + 1);
      expect(out.some((s) => s.signal === 'composite' && s.symbol === 'TSLA')).toBe(true);
    });
  });
});
