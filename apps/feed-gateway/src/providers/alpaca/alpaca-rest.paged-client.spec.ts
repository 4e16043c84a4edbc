import { InvalidRecordError } from '@md/contracts';
import { AlpacaRestSimulator } from '@md/simulators';
import { AlpacaPagedClient, symbolSet } from './alpaca-rest.paged-client';

const KEYS = { keyId: 'AKPAGEDTEST', secretKey: 'paged-secret-value' };
const FAST = { requests: 1_000, perMs: 1_000, burst: 100 };
const bar = (t: string) => ({ t, o: 1, h: 1, l: 1, c: 1, v: 1 });
const PARAMS = { symbols: 'AAA', timeframe: '1Min', start: '2023-07-10T00:00:00Z', end: '2023-07-11T00:00:00Z', feed: 'iex', sort: 'asc' };

/** The smallest client: bars pages, each mapped by the test. */
class BarsPages extends AlpacaPagedClient {
  constructor(baseUrl: string, pageLimit?: number) {
    super({ ...KEYS, baseUrl, budget: FAST, pageLimit }, 10);
  }

  read<T>(map: (body: unknown) => T) {
    return this.mappedPages('/v2/stocks/bars', { ...PARAMS, limit: String(this.pageLimit) }, map);
  }

  records(map: (body: unknown) => { records: string[]; rejected: { reason: string }[] }) {
    return this.recordPages('/v2/stocks/bars', { ...PARAMS, limit: String(this.pageLimit) }, map);
  }
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('Alpaca paged client', () => {
  let sim: AlpacaRestSimulator;
  beforeEach(async () => {
    sim = await AlpacaRestSimulator.start({ ...KEYS, includeDbb: false, recording: { bars: { AAA: ['13:30', '13:31', '13:32'].map((m) => bar(`2023-07-10T${m}:00Z`)) } } });
  });
  afterEach(() => sim.stop());

  it('counts every page and names the request that fetched it', async () => {
    const client = new BarsPages(sim.url, 2);
    const pages = await all(client.read((body) => Object.keys(body as object)));
    expect(pages).toHaveLength(2);
    expect(client.stats).toMatchObject({ pages: 2, requests: 2 });
    expect(pages[0].source).toMatch(/^alpaca-rest GET \/v2\/stocks\/bars\?symbols=AAA&.*limit=2/);
    expect(pages[1].source).toContain('&page_token=');
  });

  it('dead-letters each rejected item with its reason and request', async () => {
    const client = new BarsPages(sim.url);
    const [page] = await all(client.records(() => ({ records: ['ok'], rejected: [{ reason: 'too odd' }] })));
    expect(page).toEqual({ records: ['ok'], rejected: [{ payload: '{"reason":"too odd"}', reason: 'too odd', source: expect.stringMatching(/^alpaca-rest GET \/v2\/stocks\/bars\?/) }] });
  });

  it('fails a page its mapper refuses as a whole, not retriable, naming the path', async () => {
    const client = new BarsPages(sim.url);
    const refuse = () => {
      throw new InvalidRecordError('bars page is malformed: bars: Required');
    };
    await expect(all(client.read(refuse))).rejects.toMatchObject({ status: 200, retriable: false, message: '/v2/stocks/bars: bars page is malformed: bars: Required' });
  });

  it("refuses a page size outside the endpoint's 1..max", () => {
    expect(() => new BarsPages(sim.url, 11)).toThrow('pageLimit must be 1..10');
    expect(() => new BarsPages(sim.url, 0)).toThrow(RangeError);
  });

  it('reads symbols trimmed, uppercased and once each, in order', () => {
    expect(symbolSet([' bbb', 'AAA', 'bbb '])).toEqual(['BBB', 'AAA']);
  });
});
