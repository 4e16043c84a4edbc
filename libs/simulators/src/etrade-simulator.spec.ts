import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { EtradeSimulator } from './etrade-simulator';
import { hmacSha1Signature, parseAuthorizationHeader, signatureBaseString } from './oauth1-signature';
import { snapshotChains } from './etrade-option-chains';

describe('OAuth 1.0a signature verification (RFC 5849)', () => {
  it('builds the signature base string of the example in section 3.4.1.1', () => {
    const header = 'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", '
      + 'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"';
    const base = signatureBaseString({
      method: 'POST', url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      oauthParams: parseAuthorizationHeader(header)!, bodyParams: [...new URLSearchParams('c2&a3=2+q')],
    });
    expect(base).toBe('POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26'
      + 'oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7');
  });

  it('reproduces the signature of the example in section 1.2', () => {
    const oauthParams = parseAuthorizationHeader('OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", '
      + 'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"')!;
    const base = signatureBaseString({ method: 'GET', url: 'http://photos.example.net/photos?file=vacation.jpg&size=original', oauthParams });
    expect(hmacSha1Signature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });
});

const CONSUMER = { key: 'sim-consumer-key', secret: 'sim consumer/secret+=' };
const KEY = 'vQMsebA1H5WltUfDkJP48g';
const ACCOUNTS = { accounts: [{ accountIdKey: KEY, accountId: '82736351' }, { accountIdKey: 'closed-key', accountId: '12345678', accountStatus: 'CLOSED' as const }] };
const GOOG = {
  dateTime: '15:17:00 EDT 06-20-2018', dateTimeUTC: 1529522220, quoteStatus: 'DELAYED', ahFlag: 'false',
  All: { ask: 1175.79, askSize: 100, bid: 1175.29, bidExchange: '', bidSize: 100, lastTrade: 1175.74 }, Product: { symbol: 'GOOG', securityType: 'EQ' },
};

describe('E*TRADE simulator', () => {
  let sim: EtradeSimulator;
  let clock = Date.now();
  const oauth = new OAuth({
    consumer: CONSUMER, signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  beforeEach(async () => {
    clock = Date.now();
    sim = await EtradeSimulator.start({ consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret, quotes: { GOOG }, now: () => clock, etradeAccounts: ACCOUNTS });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await sim.stop();
  });

  function signed(path: string, token?: OAuth.Token, extra: Record<string, string> = {}) {
    const url = `${sim.url}${path}`;
    const data = { ...oauth.authorize({ url, method: 'GET', data: extra }, token), ...extra };
    return { url, headers: { ...oauth.toHeader(data), accept: 'application/json' } };
  }

  async function get(path: string, token?: OAuth.Token, extra: Record<string, string> = {}, tamper = (h: string) => h) {
    const { url, headers } = signed(path, token, extra);
    const res = await fetch(url, { headers: { ...headers, Authorization: tamper(headers.Authorization) } });
    return { status: res.status, text: await res.text() };
  }

  async function accessToken(): Promise<OAuth.Token> {
    const request = new URLSearchParams((await get('/oauth/request_token', undefined, { oauth_callback: 'oob' })).text);
    const requestToken = { key: request.get('oauth_token')!, secret: request.get('oauth_token_secret')! };
    const page = await fetch(`${sim.url}/e/t/etws/authorize?key=${CONSUMER.key}&token=${encodeURIComponent(requestToken.key)}`);
    const verifier = /id="verifier" value="([A-Z0-9]+)"/.exec(await page.text())![1];
    const access = new URLSearchParams((await get('/oauth/access_token', requestToken, { oauth_verifier: verifier })).text);
    return { key: access.get('oauth_token')!, secret: access.get('oauth_token_secret')! };
  }

  it('runs the token flow and serves quotes and chains to requests signed by oauth-1.0a', async () => {
    const token = await accessToken();
    const quotes = await get('/v1/market/quote/GOOG,NOPE.json?detailFlag=ALL', token);
    expect(JSON.parse(quotes.text)).toEqual({ QuoteResponse: {
      QuoteData: [GOOG], Messages: { Message: [{ description: 'NOPE is not a valid symbol', type: 'WARNING' }] },
    } });
    const chain = JSON.parse((await get('/v1/market/optionchains?symbol=AAPL&expiryYear=2024&expiryMonth=8&expiryDay=2', token)).text);
    expect(chain.OptionChainResponse.SelectedED).toEqual({ year: 2024, month: 8, day: 2 });
    expect(chain.OptionChainResponse.OptionPair[0].Call).toMatchObject({ osiKey: 'AAPL--240802C00100000', strikePrice: 100, bid: 120.75, ask: 122.55 });
  });

  it('answers 401 to a tampered signature, a reused nonce, and an unknown consumer', async () => {
    const token = await accessToken();
    const tampered = await get('/v1/market/quote/GOOG.json', token, {}, (h) => h.replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA%3D"'));
    expect(tampered).toEqual({ status: 401, text: 'oauth_problem=signature_invalid' });
    const { url, headers } = signed('/v1/market/quote/GOOG.json', token);
    expect((await fetch(url, { headers })).status).toBe(200);
    expect(await (await fetch(url, { headers })).text()).toBe('oauth_problem=nonce_used');
    const other = await get('/v1/market/quote/GOOG.json', token, {}, (h) => h.replace(CONSUMER.key, 'someone-else'));
    expect(other).toEqual({ status: 401, text: 'oauth_problem=consumer_key_unknown' });
  });

  it('refuses a timestamp more than five minutes off and a verifier that was not issued', async () => {
    const token = await accessToken();
    clock += 6 * 60_000;
    expect((await get('/v1/market/quote/GOOG.json', token)).text).toBe('oauth_problem=timestamp_refused');
    clock = Date.now();
    const request = new URLSearchParams((await get('/oauth/request_token', undefined, { oauth_callback: 'oob' })).text);
    const requestToken = { key: request.get('oauth_token')!, secret: request.get('oauth_token_secret')! };
    expect((await get('/oauth/access_token', requestToken, { oauth_verifier: 'GUESS' })).status).toBe(401);
  });

  it('throttles the Market module beyond its rate per second with 429', async () => {
    const token = await accessToken();
    const statuses = await Promise.all(Array.from({ length: 6 }, () => get('/v1/market/quote/GOOG.json', token).then((r) => r.status)));
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  });

  it('inactivates a token after two idle hours until renewed, and expires it at midnight New York time', async () => {
    clock = Date.parse('2024-07-29T14:00:00Z'); // 10:00 in New York
    jest.spyOn(oauth, 'getTimeStamp').mockImplementation(() => Math.floor(clock / 1000)); // the signer's clock follows the server's
    const token = await accessToken();
    clock += 2 * 3_600_000 + 1;
    expect((await get('/v1/market/quote/GOOG.json', token)).text).toBe('oauth_problem=token_rejected');
    expect((await get('/oauth/renew_access_token', token)).status).toBe(200);
    expect((await get('/v1/market/quote/GOOG.json', token)).status).toBe(200);
    clock = Date.parse('2024-07-30T04:00:00Z'); // 00:00 in New York
    expect((await get('/oauth/renew_access_token', token)).text).toBe('oauth_problem=token_expired');
  });

  it('issues an access token without the browser steps, which signed requests then use', async () => {
    const token = sim.issueAccessToken();
    expect((await get('/v1/market/quote/GOOG.json', token)).status).toBe(200);
    expect((await get('/v1/market/quote/GOOG.json', { key: token.key, secret: 'not-its-secret' })).text).toBe('oauth_problem=signature_invalid');
  });

  it('fails the next Market requests with the status asked for, then serves again', async () => {
    const token = await accessToken();
    sim.failNext(2, 503);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/v1/market/quote/GOOG.json', token)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.quotesServed).toBe(1);
  });

  it('builds chains from the real July 2024 snapshot, calls and puts paired by strike', () => {
    const pairs = snapshotChains()['AAPL:2024-08-02'] as Array<{ Call?: { strikePrice: number }; Put?: { strikePrice: number } }>;
    const strikes = pairs.map((p) => (p.Call ?? p.Put)!.strikePrice);
    expect(strikes).toEqual([...strikes].sort((a, b) => a - b));
    expect(pairs.some((p) => p.Call && p.Put)).toBe(true);
  });

  describe('accounts', () => {
    const at = (iso: string) => Date.parse(iso);
    // The clock stands still: each account request moves it on, under the module's 2 a second.
    const call = (path: string, token: OAuth.Token, tamper?: (h: string) => string) => ((clock += 600), get(path, token, {}, tamper));
    const body = async (path: string, token: OAuth.Token) => JSON.parse((await call(path, token)).text);

    it('lists the accounts and pages the portfolio by pageNumber, to signed requests only', async () => {
      const token = sim.issueAccessToken();
      sim.accounts.setPositions(KEY, [{ symbol: 'SPY', quantity: 5, pricePaid: 400 }, { symbol: 'AAPL', quantity: 10, pricePaid: 150 }, { symbol: 'TSLA', quantity: 2, positionType: 'SHORT', pricePaid: 250 }]);
      const list = await body('/v1/accounts/list', token);
      expect(list.AccountListResponse.Accounts.Account.map((a: { accountIdKey: string; accountStatus: string }) => [a.accountIdKey, a.accountStatus])).toEqual([[KEY, 'ACTIVE'], ['closed-key', 'CLOSED']]);
      const first = (await body(`/v1/accounts/${KEY}/portfolio?count=2`, token)).PortfolioResponse.AccountPortfolio[0];
      expect([first.Position.map((p: { Product: { symbol: string } }) => p.Product.symbol), first.totalPages, first.nextPageNo]).toEqual([['AAPL', 'SPY'], 2, '2']);
      const last = (await body(`/v1/accounts/${KEY}/portfolio?count=2&pageNumber=2`, token)).PortfolioResponse.AccountPortfolio[0];
      expect(last.Position).toMatchObject([{ Product: { symbol: 'TSLA' }, quantity: -2, positionType: 'SHORT', pricePaid: 250, totalCost: 500 }]);
      expect(last.nextPageNo).toBeUndefined();
      expect((await call(`/v1/accounts/${KEY}/portfolio`, token, (h) => h.replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA%3D"'))).status).toBe(401);
      expect(JSON.parse((await call('/v1/accounts/not-mine/portfolio', token)).text)).toEqual({ Error: { code: 100, message: 'Account key does not belong to user.' } });
    });

    it('lists orders newest first, filtered by status and New York placement date, paged by marker', async () => {
      const token = sim.issueAccessToken();
      const ids = ['2024-07-01T14:00:00Z', '2024-07-02T14:00:00Z', '2024-07-02T15:00:00Z', '2024-07-03T03:30:00Z'] // the last is July 2 in New York
        .map((iso) => sim.accounts.placeOrder(KEY, { symbol: 'GOOG', orderAction: 'BUY', quantity: 10, priceType: 'LIMIT', limitPrice: 170, placedTime: at(iso) }));
      sim.accounts.fillOrder(KEY, ids[1], 4, 169.5, at('2024-07-02T14:05:00Z'));
      sim.accounts.cancelOrder(KEY, ids[2], at('2024-07-02T16:00:00Z'));
      const orders = (path: string) => body(path, token).then((b) => b.OrdersResponse);
      const first = await orders(`/v1/accounts/${KEY}/orders?count=2&fromDate=07022024&toDate=07022024`);
      expect(first.Order.map((o: { orderId: number }) => o.orderId)).toEqual([ids[3], ids[2]]);
      const second = await orders(`/v1/accounts/${KEY}/orders?count=2&fromDate=07022024&toDate=07022024&marker=${first.marker}`);
      expect([second.Order.map((o: { orderId: number }) => o.orderId), second.marker]).toEqual([[ids[1]], undefined]);
      expect(second.Order[0].OrderDetail[0]).toMatchObject({ status: 'PARTIAL', executedTime: at('2024-07-02T14:05:00Z'), Instrument: [{ orderedQuantity: 10, filledQuantity: 4, averageExecutionPrice: 169.5 }] });
      expect((await orders(`/v1/accounts/${KEY}/orders?status=CANCELLED`)).Order.map((o: { orderId: number }) => o.orderId)).toEqual([ids[2]]);
      expect((await call(`/v1/accounts/${KEY}/orders?fromDate=2024-07-02&toDate=07022024`, token)).status).toBe(400);
      expect((await call(`/v1/accounts/${KEY}/orders?status=DONE`, token)).status).toBe(400);
    });

    it('books a fill as a transaction and moves the position; pages transactions by marker and answers 204 without any', async () => {
      const token = sim.issueAccessToken();
      expect((await call(`/v1/accounts/${KEY}/transactions`, token)).status).toBe(204);
      const id = sim.accounts.placeOrder(KEY, { symbol: 'AAPL', orderAction: 'BUY', quantity: 10 });
      sim.accounts.fillOrder(KEY, id, 6, 100);
      sim.accounts.fillOrder(KEY, id, 4, 105);
      sim.accounts.addTransaction(KEY, { transactionType: 'Dividend', amount: 2.5 });
      const position = (await body(`/v1/accounts/${KEY}/portfolio`, token)).PortfolioResponse.AccountPortfolio[0].Position[0];
      expect(position).toMatchObject({ Product: { symbol: 'AAPL' }, quantity: 10, totalCost: 1020, pricePaid: 102 });
      const first = (await body(`/v1/accounts/${KEY}/transactions?count=2&sortOrder=ASC`, token)).TransactionListResponse;
      expect(first.Transaction.map((t: { transactionType: string; amount: number }) => [t.transactionType, t.amount])).toEqual([['Bought', -600], ['Bought', -420]]);
      const last = (await body(`/v1/accounts/${KEY}/transactions?count=2&sortOrder=ASC&marker=${first.marker}`, token)).TransactionListResponse;
      expect([last.Transaction.map((t: { transactionType: string }) => t.transactionType), last.moreTransactions, last.marker]).toEqual([['Dividend'], false, undefined]);
    });

    it('throttles the Accounts module beyond 2 a second, apart from the Market module, and fails account requests on demand', async () => {
      const token = sim.issueAccessToken();
      const statuses = await Promise.all(Array.from({ length: 4 }, () => get('/v1/accounts/list', token).then((r) => r.status)));
      expect(statuses.filter((s) => s === 429)).toHaveLength(2);
      expect((await get('/v1/market/quote/GOOG.json', token)).status).toBe(200);
      clock += 1000;
      sim.failNext(1, 500);
      expect((await get(`/v1/accounts/${KEY}/portfolio`, token)).status).toBe(500);
      expect((await get(`/v1/accounts/${KEY}/portfolio`, token)).status).toBe(200);
    });
  });
});
