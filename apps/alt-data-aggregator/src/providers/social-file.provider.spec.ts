import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AltDocument } from '@md/altdata';
import { microsToIso } from '@md/market';
import { tweetsFilePath } from '@md/simulators';
import { MemorySink } from '@md/ingest';
import type { AltEvent } from './provider';
import { SocialFileProvider, type SocialFileOptions } from './social-file.provider';

const OPTIONS: SocialFileOptions = { path: tweetsFilePath(), time: { mode: 'tweet-id' }, maxRows: 1000, maxSymbols: 10, batch: 100 };

describe('social file replay of the shared tweets file', () => {
  it('publishes each post with a status id at its tweet time, in time order, and dead-letters the two without one', async () => {
    const sink = new MemorySink<AltEvent>();
    await new SocialFileProvider(OPTIONS).run(sink);
    const docs = sink.records.map((e) => e.value as AltDocument);
    expect(docs).toHaveLength(498);
    expect(sink.rejected).toHaveLength(2);
    expect(sink.rejected.every((r) => /no tweet status id in the URL "https:\/\/twitter\.com\/search/.test(r.reason) && r.source.startsWith(`${tweetsFilePath()}:`))).toBe(true);
    expect(docs.every((d, i) => i === 0 || d.eventTime >= docs[i - 1].eventTime)).toBe(true);
    expect(microsToIso(docs[0].eventTime)).toBe('2020-01-01T19:26:10.426Z');
    expect(docs.every((d) => d.provider === 'file:tweets_sentiment.csv' && d.signal === 'social_sentiment' && d.symbols.length >= 1)).toBe(true);
  });

  it('places rows by position in file-order mode: every row, deterministically', async () => {
    const sink = new MemorySink<AltEvent>();
    await new SocialFileProvider({ ...OPTIONS, time: { mode: 'file-order', startUs: 0, spacingUs: 1_000_000 } }).run(sink);
    expect(sink.records).toHaveLength(500);
    expect(sink.records.map((e) => (e.value as AltDocument).eventTime).slice(0, 3)).toEqual([0, 1_000_000, 2_000_000]);
  });

  it('refuses a file with more rows than SOCIAL_MAX_ROWS', async () => {
    await expect(new SocialFileProvider({ ...OPTIONS, maxRows: 100 }).run(new MemorySink<AltEvent>())).rejects.toThrow(/more than SOCIAL_MAX_ROWS \(100\)/);
    const empty = join(mkdtempSync(join(tmpdir(), 'md-social-')), 'empty.csv');
    writeFileSync(empty, 'Stock Ticker,Tweet Text,Sentiment,Tweet URL\n');
    const sink = new MemorySink<AltEvent>();
    await new SocialFileProvider({ ...OPTIONS, path: empty }).run(sink);
    expect(sink.records).toEqual([]);
  });
});
