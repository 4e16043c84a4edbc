import fc from 'fast-check';
import type { RawBar } from '@md/contracts';
import { rfc3339Micros } from '@md/market';
import {
  AlpacaBarRevisions, classifyAlpacaFrame, classifyAlpacaMessage, decodeAlpacaJson,
  type AlpacaItem, type AlpacaMapContext,
} from './alpaca-stream';

const revisions = new AlpacaBarRevisions();
let clockMs = 1_700_000_000_000;
const ctx: AlpacaMapContext = { provider: 'alpaca', ingestTime: 42, revision: (bar, type) => revisions.revision(bar, type, clockMs++) };

// Examples from docs.alpaca.markets "Real-time Stock Data".
const BAR = { T: 'b', S: 'SPY', o: 388.985, h: 389.13, l: 388.975, c: 389.12, v: 49378, n: 461, vw: 389.062639, t: '2021-02-22T19:15:00Z' };
const TRADE = { T: 't', i: 96921, S: 'AAPL', x: 'D', p: 126.55, s: 1, t: '2021-02-22T15:51:44.208Z', c: ['@', 'I'], z: 'C' };
const QUOTE = { T: 'q', S: 'AMD', bx: 'U', bp: 87.66, bs: 1, ax: 'Q', ap: 87.68, as: 4, t: '2021-02-22T15:51:45.335689322Z', c: ['R'], z: 'C' };
const CORRECTION = {
  T: 'c', S: 'EEM', x: 'M', oi: 52983525033527, op: 39.1582, os: 440000, oc: [' ', '7'],
  ci: 52983525034326, cp: 39.1809, cs: 440000, cc: [' ', '7'], z: 'B', t: '2023-04-06T14:25:06.542305024Z',
};
const CANCEL = { T: 'x', S: 'GOOGL', i: 465, x: 'D', p: 105.31, s: 300, a: 'C', z: 'C', t: '2023-04-06T13:15:42.83540958Z' };

function record(item: AlpacaItem) {
  if (item.kind !== 'record') throw new Error(`expected a record, got ${JSON.stringify(item)}`);
  return item.record.value;
}

describe('Alpaca stream messages to canonical records', () => {
  it('maps a minute bar with exact decimal prices, labelled by its start', () => {
    expect(record(classifyAlpacaMessage(BAR, ctx))).toEqual({
      symbol: 'SPY', timeframe: '1m', provider: 'alpaca', eventTime: Date.UTC(2021, 1, 22, 19, 15) * 1000, ingestTime: 42,
      open: '388.98500000', high: '389.13000000', low: '388.97500000', close: '389.12000000', volume: 49378,
      tradeCount: 461, vwap: '389.06263900', revision: 0,
    });
  });

  it('gives an updated bar a higher revision than the original bar of the same minute', () => {
    const original = record(classifyAlpacaMessage(BAR, ctx)) as RawBar;
    const updated = record(classifyAlpacaMessage({ ...BAR, T: 'u', c: 389.2, v: 49400 }, ctx)) as RawBar;
    const again = record(classifyAlpacaMessage({ ...BAR, T: 'u', c: 389.2, v: 49400 }, ctx)) as RawBar;
    const later = record(classifyAlpacaMessage({ ...BAR, T: 'u', c: 389.3, v: 49500 }, ctx)) as RawBar;
    expect(updated.revision).toBeGreaterThan(original.revision);
    expect(again.revision).toBe(updated.revision);
    expect(later.revision).toBeGreaterThan(updated.revision);
  });

  it('maps a daily bar to the 1d timeframe', () => {
    const daily = record(classifyAlpacaMessage({ ...BAR, T: 'd', t: '2021-02-22T05:00:00Z' }, ctx)) as RawBar;
    expect(daily.timeframe).toBe('1d');
    expect(daily.revision).toBeGreaterThan(0);
  });

  it('maps a trade, keeping microseconds of a nanosecond timestamp', () => {
    expect(record(classifyAlpacaMessage(TRADE, ctx))).toMatchObject({
      symbol: 'AAPL', price: '126.55000000', size: 1, exchange: 'D', tradeId: '96921', conditions: ['@', 'I'], tape: 'C', correction: 'NONE',
    });
    expect(rfc3339Micros('2021-02-22T15:51:45.335689322Z')).toBe(Date.UTC(2021, 1, 22, 15, 51, 45) * 1000 + 335689);
  });

  it('maps a quote', () => {
    expect(record(classifyAlpacaMessage(QUOTE, ctx))).toMatchObject({
      symbol: 'AMD', bidPrice: '87.66000000', bidSize: 1, bidExchange: 'U', askPrice: '87.68000000', askSize: 4, askExchange: 'Q',
    });
  });

  it('turns a correction into a CORRECTED trade under the original id, and a cancel into a CANCELLED one', () => {
    expect(record(classifyAlpacaMessage(CORRECTION, ctx))).toMatchObject({ tradeId: '52983525033527', price: '39.18090000', correction: 'CORRECTED' });
    expect(record(classifyAlpacaMessage(CANCEL, ctx))).toMatchObject({ tradeId: '465', price: '105.31000000', correction: 'CANCELLED' });
    expect(record(classifyAlpacaMessage({ ...CANCEL, a: 'E' }, ctx))).toMatchObject({ correction: 'CANCELLED' });
  });

  it('keeps a 64-bit trade id from MessagePack exactly', () => {
    expect(record(classifyAlpacaMessage({ ...TRADE, i: 2n ** 63n - 1n }, ctx))).toMatchObject({ tradeId: '9223372036854775807' });
  });

  it('classifies control messages and every documented error code', () => {
    expect(classifyAlpacaMessage({ T: 'success', msg: 'connected' }, ctx)).toEqual({ kind: 'control', control: { type: 'connected' } });
    expect(classifyAlpacaMessage({ T: 'subscription', bars: ['AAPL'] }, ctx)).toEqual({ kind: 'control', control: { type: 'subscription', subscriptions: { bars: ['AAPL'] } } });
    const action = (code: number) => {
      const item = classifyAlpacaMessage({ T: 'error', code, msg: 'x' }, ctx);
      return item.kind === 'control' && item.control.type === 'error' ? item.control.action : undefined;
    };
    expect([400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 500, 999].map(action)).toEqual([
      'report', 'reconnect', 'fail', 'report', 'reconnect', 'symbol-limit', 'wait-connection-limit', 'reconnect', 'fail', 'fail', 'reconnect', 'report',
    ]);
  });

  it('keeps statuses and LULDs apart from malformed messages: valid, but without a topic', () => {
    expect(classifyAlpacaMessage({ T: 's', S: 'AAPL', sc: 'H' }, ctx)).toMatchObject({ kind: 'unmapped', type: 's' });
  });

  it('rejects malformed messages with a reason naming the field', () => {
    const reason = (m: unknown) => (classifyAlpacaMessage(m, ctx) as { reason: string }).reason;
    expect(reason({ ...BAR, o: '388.9' })).toMatch(/bar \(T=b\) for "SPY": o: /);
    expect(reason({ ...BAR, v: -1 })).toMatch(/v: /);
    expect(reason({ ...BAR, t: '2021-02-22 19:15:00' })).toMatch(/not an RFC-3339 time/);
    expect(reason({ ...BAR, t: '2021-02-22T19:15:30Z' })).toMatch(/minute boundary/);
    expect(reason({ ...BAR, o: 1e300 })).toMatch(/integer digits/);
    expect(reason({ ...TRADE, p: 1.000000001 })).toMatch(/fraction digits/);
    expect(reason({ ...BAR, h: Number.NaN })).toMatch(/h: /);
    expect(reason({ T: 'zz' })).toBe('unknown message type T="zz"');
    expect(reason({ T: '__proto__' })).toMatch(/unknown message type/);
    expect(reason({ S: 'AAPL' })).toMatch(/no string T/);
    expect(reason({ T: 'success', msg: 'hello' })).toMatch(/msg/);
  });

  it('rejects frames that are not arrays of messages, and numbers each message of a batch', () => {
    expect(classifyAlpacaFrame({ T: 'b' }, ctx)).toEqual([{ kind: 'rejected', reason: 'frame is object, expected an array of messages' }]);
    expect(classifyAlpacaFrame([], ctx)[0]).toMatchObject({ kind: 'rejected' });
    const items = classifyAlpacaFrame([BAR, { T: 'zz' }], ctx);
    expect(items.map((i) => i.kind)).toEqual(['record', 'rejected']);
    expect(items[1]).toMatchObject({ reason: 'message 2 of 2: unknown message type T="zz"' });
    expect(decodeAlpacaJson('[{"T":')).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
  });
});

describe('arbitrary frames (property)', () => {
  const settled = (items: AlpacaItem[]) =>
    items.length > 0 && items.every((i) => i.kind === 'record' || i.kind === 'control' || ((i.kind === 'rejected' || i.kind === 'unmapped') && i.reason.length > 0));

  it('never throw: each message is mapped, a control message, or rejected with a reason', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true }), (frame) => settled(classifyAlpacaFrame(frame, ctx))), { numRuns: 2000 });
  });

  it('never throw on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const decoded = decodeAlpacaJson(text);
      return decoded.ok ? settled(classifyAlpacaFrame(decoded.value, ctx)) : decoded.reason.length > 0;
    }));
  });

  it('never throw when any field of a valid message is replaced by anything', () => {
    const messages = [BAR, TRADE, QUOTE, CORRECTION, CANCEL];
    const mutated = fc.tuple(fc.constantFrom(...messages), fc.string({ maxLength: 3 }), fc.anything({ withBigInt: true })).map(
      ([m, key, value]) => ({ ...m, [Object.keys(m)[key.length % Object.keys(m).length]]: value }),
    );
    fc.assert(fc.property(mutated, (m) => settled(classifyAlpacaFrame([m], ctx))), { numRuns: 2000 });
  });

  it('maps every finite price it accepts to a canonical 8-decimal string', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, min: 0, max: 1e12 }), (p) => {
      const item = classifyAlpacaMessage({ ...TRADE, p }, ctx);
      return item.kind === 'rejected' || /^\d+\.\d{8}$/.test((record(item) as { price: string }).price);
    }));
  });
});
