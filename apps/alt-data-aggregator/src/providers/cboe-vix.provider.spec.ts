import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@md/testing';
import { CboeVixProvider } from './cboe-vix.provider';
import { MemorySink } from '@md/ingest';
import type { AltEvent } from './provider';
import type { TextSource } from './text-source.provider';
import { VIX_2015_FILE, fixturePath } from '@md/fixtures';

// Real CBOE closes (08/03/2015-09/11/2015), see the fixture's header for where they come from.
const FIXTURE = fixturePath(VIX_2015_FILE);
const TEXT = readFileSync(FIXTURE, 'utf8');
const LINES = TEXT.trimEnd().split('\n');

/** A stand-in for cdn.cboe.com: serves `body()` with an ETag, answers 304 to a matching If-None-Match, or `status` when set. */
class CboeServer {
  requests = 0;
  notModified = 0;
  status = 200;
  body = TEXT;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<CboeServer> {
    const holder: { self?: CboeServer } = {};
    const server = createServer((req, res) => {
      const self = holder.self!;
      self.requests++;
      if (self.status !== 200) return void res.writeHead(self.status).end('unavailable');
      const etag = `"${self.body.length}"`;
      if (req.headers['if-none-match'] === etag) {
        self.notModified++;
        return void res.writeHead(304).end();
      }
      res.writeHead(200, { 'content-type': 'text/csv', etag }).end(self.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new CboeServer(server);
    return holder.self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/global/us_indices/daily_prices/VIX_History.csv`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const http = (url: string): TextSource => ({ kind: 'http', url, intervalMs: 50, get: { timeoutMs: 2000, maxBytes: 1 << 20 }, backoff: { initialMs: 20, maxMs: 40 } });

describe('CBOE VIX provider', () => {
  it('reads the file once: every daily close, oldest first', async () => {
    const sink = new MemorySink<AltEvent>();
    const provider = new CboeVixProvider({ kind: 'file', path: FIXTURE }, 'VIX');
    await provider.run(sink);
    expect(sink.records).toHaveLength(29);
    expect(sink.records[15]).toMatchObject({ kind: 'vix', value: { symbol: 'VIX', value: 40.74, date: '08/24/2015' } });
    expect(provider.status().state).toBe('done');
  });

  describe('polling over HTTP', () => {
    let server: CboeServer;
    let provider: CboeVixProvider | undefined;
    beforeEach(async () => (server = await CboeServer.start()));
    afterEach(async () => {
      await provider?.stop();
      await server.close();
    });

    it('publishes the history once, then only days that are new; an unchanged file costs a 304', async () => {
      const sink = new MemorySink<AltEvent>();
      provider = new CboeVixProvider(http(server.url), 'VIX');
      const run = provider.run(sink);
      await waitFor('the first read', () => sink.records.length === 29, 5000, 10);
      await waitFor('a conditional re-poll', () => server.notModified >= 2, 5000, 10);
      // CBOE appends the next trading day (the real 09/14/2015 close) and a bad row.
      server.body = `${TEXT}09/14/2015,24.030000,25.320000,23.640000,24.250000\n09/15/2015,,,,n/a\n`;
      await waitFor('the new day', () => sink.records.length === 30, 5000, 10);
      await waitFor('two more polls', () => server.requests >= 6, 5000, 10);
      expect(sink.records.length).toBe(30);
      expect(sink.records[29]).toMatchObject({ value: { value: 24.25, date: '09/14/2015' } });
      expect(sink.rejected).toEqual([{ payload: '09/15/2015,,,,n/a', reason: 'CLOSE "n/a" is not a positive number', source: `${server.url}:${LINES.length + 2}` }]);
      await provider.stop();
      await run;
      expect(provider.status().state).toBe('stopped');
    });

    it('keeps polling through server errors, saying why it waits', async () => {
      server.status = 503;
      const sink = new MemorySink<AltEvent>();
      provider = new CboeVixProvider(http(server.url), 'VIX');
      void provider.run(sink);
      await waitFor('a failed poll', () => provider!.status().reason?.includes('HTTP 503'), 5000, 10);
      expect(provider.status().state).toBe('waiting');
      server.status = 200;
      await waitFor('the history after the outage', () => sink.records.length === 29, 5000, 10);
    });
  });
});
