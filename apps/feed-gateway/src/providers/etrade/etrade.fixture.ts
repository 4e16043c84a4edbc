import type OAuth from 'oauth-1.0a';
import { EtradeSimulator } from '@md/simulators';
import { EtradeClient, type EtradeClientOptions } from './etrade.client';

// What the E*TRADE client and quote poller specs share: the simulator with quotes and an access
// token from the token flow.

export const CONSUMER = { consumerKey: 'etrade-consumer-key', consumerSecret: 'etrade+consumer/secret=' };

/** Shaped like the sample of E*TRADE's "Get Quotes" page (detailFlag=ALL). */
export const quote = (symbol: string, dateTimeUTC = 1529522220) => ({
  dateTime: '15:17:00 EDT 06-20-2018', dateTimeUTC, quoteStatus: 'DELAYED', ahFlag: 'false', hasMiniOptions: false,
  All: { adjustedFlag: false, ask: 1175.79, askSize: 100, bid: 1175.29, bidExchange: '', bidSize: 100, lastTrade: 1175.74 },
  Product: { symbol, securityType: 'EQ' },
});

export const SYMBOLS = Array.from({ length: 60 }, (_, i) => `SYM${String(i).padStart(2, '0')}`);

/** The token flow, the test acting as the user in the browser. */
export async function tokenFlow(etrade: EtradeClient): Promise<OAuth.Token> {
  const { token: requestToken, authorizeUrl } = await etrade.requestToken();
  const page = await (await fetch(authorizeUrl)).text();
  return etrade.accessToken(requestToken, /id="verifier" value="(\w+)"/.exec(page)![1]);
}

/** A fresh simulator (GOOG and SYMBOLS quoted) with an access token from the token flow, per test: start() in beforeEach, stop() in afterEach. */
export class EtradeSandbox {
  sim!: EtradeSimulator;
  quotes!: Record<string, ReturnType<typeof quote>>;
  token!: OAuth.Token;

  async start(): Promise<void> {
    this.quotes = Object.fromEntries(['GOOG', ...SYMBOLS].map((s) => [s, quote(s)]));
    this.sim = await EtradeSimulator.start({ ...CONSUMER, quotes: this.quotes });
    this.token = await tokenFlow(new EtradeClient({ baseUrl: this.sim.url, ...CONSUMER }));
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }

  /** A client of the simulator with the access token, four requests a second and a short backoff. */
  client(options: Partial<EtradeClientOptions> = {}): EtradeClient {
    return new EtradeClient({ baseUrl: this.sim.url, ...CONSUMER, accessToken: this.token, requestsPerSecond: 4, backoff: { initialMs: 5, maxMs: 20 }, ...options });
  }
}
