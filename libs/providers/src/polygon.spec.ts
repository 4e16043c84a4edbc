import fc from 'fast-check';
import { InvalidRecordError } from '@md/contracts';
import { jsonAverage, mapPolygonAggsPage, mapPolygonFrame } from './polygon';

const ctx = { provider: 'polygon', ingestTime: 7 };
const START_MS = Date.UTC(2023, 6, 10, 13, 30);
const am = { ev: 'AM', sym: 'DBB', v: 3057, av: 3057, op: 17.9, vw: 17.905123456, o: 17.9, c: 17.91, h: 17.91, l: 17.9, a: 17.9, z: 254, s: START_MS, e: START_MS + 60_000 };
const trade = { ev: 'T', sym: 'MSFT', x: 4, i: '12345', z: 3, p: 114.125, s: 100, c: [0, 12], t: 1536036818784, q: 3681328 };
const quote = { ev: 'Q', sym: 'MSFT', bx: 4, bp: 114.125, bs: 100, ax: 7, ap: 114.128, as: 160, c: 0, i: [604], t: 1536036818784, q: 50385480, z: 3 };
const frame = (...events: unknown[]) => mapPolygonFrame(JSON.stringify(events), ctx);

describe('Polygon WebSocket frames', () => {
  it('maps a minute aggregate to a raw bar labelled by its start', () => {
    expect(frame(am)).toEqual({ statuses: [], rejected: [], records: [{ kind: 'bar', value: {
      symbol: 'DBB', timeframe: '1m', provider: 'polygon', eventTime: START_MS * 1000, ingestTime: 7,
      open: '17.90000000', high: '17.91000000', low: '17.90000000', close: '17.91000000', volume: 3057,
      tradeCount: null, vwap: '17.90512346', revision: 0,
    } }] });
  });

  it('maps a trade with its exchange id, tape letter and condition ids', () => {
    expect(frame(trade).records).toEqual([{ kind: 'trade', value: {
      symbol: 'MSFT', provider: 'polygon', eventTime: 1536036818784000, ingestTime: 7, price: '114.12500000', size: 100,
      exchange: '4', tradeId: '12345', conditions: ['0', '12'], tape: 'C', correction: 'NONE',
    } }]);
  });

  it('maps a quote with both exchanges and its condition', () => {
    expect(frame(quote).records).toEqual([{ kind: 'quote', value: {
      symbol: 'MSFT', provider: 'polygon', eventTime: 1536036818784000, ingestTime: 7, bidPrice: '114.12500000', bidSize: 100,
      bidExchange: '4', askPrice: '114.12800000', askSize: 160, askExchange: '7', conditions: ['0'], tape: 'C',
    } }]);
  });

  it('collects status messages apart from data, in frame order', () => {
    const out = frame({ ev: 'status', status: 'connected', message: 'Connected Successfully' }, { ev: 'status', status: 'auth_success', message: 'authenticated' });
    expect(out.statuses).toEqual([{ status: 'connected', message: 'Connected Successfully' }, { status: 'auth_success', message: 'authenticated' }]);
    expect(out.records).toEqual([]);
  });

  it('rejects a malformed event with its reason and keeps the rest of the frame', () => {
    const out = frame(am, { ...trade, s: 1.5 }, { ...am, e: am.s + 120_000 }, { ev: 'XQ', sym: 'X' }, 42, { ...trade, p: 17.123456789 });
    expect(out.records).toHaveLength(1);
    expect(out.rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'trade: s: Expected integer, received float'],
      [2, 'minute aggregate: e: e - s is not one minute'],
      [3, 'unknown event type ev="XQ" (expected status, T, Q or AM)'],
      [4, 'event is number, expected an object with an ev field'],
      [5, 'p: 17.123456789 has more than 8 fraction digits'],
    ]);
  });

  it('rejects a minute aggregate that does not start on a minute', () => {
    expect(frame({ ...am, s: am.s + 1, e: am.e + 1 }).rejected[0].reason).toMatch(/is not on a minute boundary/);
  });

  it('rejects a whole frame that is not JSON or not an array', () => {
    expect(mapPolygonFrame('{"ev":', ctx).rejected[0]).toMatchObject({ index: null, event: '{"ev":', reason: expect.stringMatching(/^frame is not JSON/) });
    expect(mapPolygonFrame('{"ev":"AM"}', ctx).rejected[0].reason).toBe('frame is object, expected a JSON array of events');
  });

  it('expands prices printed in exponent form and rounds only averages', () => {
    expect(frame({ ...trade, p: 5e-7 }).records[0].value).toMatchObject({ price: '0.00000050' });
    expect(jsonAverage('vw', 1e-9)).toBe('0.00000000');
  });

  it('never throws, and accounts for every event of any frame', () => {
    const event = fc.record({ ev: fc.constantFrom('AM', 'T', 'Q', 'status', 'X'), sym: fc.oneof(fc.string(), fc.constant('DBB')) }, { requiredKeys: [] });
    const noisy = fc.tuple(event, fc.dictionary(fc.constantFrom('o', 'h', 'p', 's', 't', 'e', 'v', 'bp', 'as', 'status'), fc.jsonValue()))
      .map(([base, extra]) => ({ ...am, ...trade, ...base, ...extra }));
    const texts = fc.oneof(fc.string(), fc.json(), fc.array(fc.oneof(noisy, fc.jsonValue())).map((e) => JSON.stringify(e)));
    fc.assert(fc.property(texts, (text) => {
      const out = mapPolygonFrame(text, ctx);
      const total = out.records.length + out.statuses.length + out.rejected.length;
      const events = (() => { try { return JSON.parse(text); } catch { return undefined; } })();
      return Array.isArray(events) ? total === events.length : out.rejected.length === 1 && total === 1;
    }), { numRuns: 2000 });
  });
});

describe('Polygon aggregates page', () => {
  const scope = { ...ctx, symbol: 'DBB', timeframe: '1m' as const, fromUs: START_MS * 1000, toUs: (START_MS + 86_400_000) * 1000 };
  const result = { v: 3057, vw: 17.9051, o: 17.9, c: 17.91, h: 17.91, l: 17.9, t: START_MS, n: 12 };
  const page = (results?: unknown[], extra: object = {}) => ({ ticker: 'DBB', status: 'OK', adjusted: false, queryCount: 1, resultsCount: results?.length ?? 0, results, request_id: 'r1', ...extra });

  it('maps every bar of a page, labelled by t, and hands back next_url', () => {
    const next = 'https://api.polygon.io/v2/aggs/ticker/DBB/range/1/minute/1688995860000/1689081599999?cursor=abc';
    const mapped = mapPolygonAggsPage(page([result], { next_url: next }), scope);
    expect(mapped).toEqual({ rejected: [], nextUrl: next, records: [{
      symbol: 'DBB', timeframe: '1m', provider: 'polygon', eventTime: START_MS * 1000, ingestTime: 7,
      open: '17.90000000', high: '17.91000000', low: '17.90000000', close: '17.91000000', volume: 3057, tradeCount: 12, vwap: '17.90510000', revision: 1, // settled: its response time in ms, at least 1
    }] });
  });

  it('takes a page without results as empty and the last', () => {
    expect(mapPolygonAggsPage(page(undefined, { status: 'DELAYED' }), scope)).toEqual({ records: [], rejected: [], nextUrl: null });
  });

  it('rejects a bar outside the window or with a fractional volume, keeping the rest', () => {
    const mapped = mapPolygonAggsPage(page([result, { ...result, t: START_MS - 60_000 }, { ...result, v: 0.5 }]), scope);
    expect(mapped.records).toHaveLength(1);
    expect(mapped.rejected.map((r) => r.reason)).toEqual(['bar: t is outside the requested [from, to)', 'bar: v: Expected integer, received float']);
  });

  it('refuses another ticker, adjusted prices and an error envelope', () => {
    expect(() => mapPolygonAggsPage(page([], { ticker: 'SPY' }), scope)).toThrow('aggregates page is for SPY, DBB was requested');
    expect(() => mapPolygonAggsPage(page([], { adjusted: true }), scope)).toThrow(/split-adjusted/);
    expect(() => mapPolygonAggsPage({ status: 'ERROR', error: 'Unknown API Key' }, scope)).toThrow(/aggregates page is malformed/);
  });

  it('throws nothing but InvalidRecordError, whatever the body', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.array(fc.jsonValue()), (body, results) => {
      for (const input of [body, page(results)]) {
        try {
          mapPolygonAggsPage(input, scope);
        } catch (err) {
          if (!(err instanceof InvalidRecordError)) return false;
        }
      }
      return true;
    }), { numRuns: 1000 });
  });
});
