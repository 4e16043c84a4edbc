import fc from 'fast-check';
import { EXT_TIMESTAMP, ExtData, encode, encodeTimeSpecToTimestamp } from '@msgpack/msgpack';
import { decodeFrame, encodeRequest } from './alpaca-stream.wire';

describe('stream framing', () => {
  it('decodes the MessagePack timestamp extension to RFC-3339 text with nanoseconds, and 64-bit ids exactly', () => {
    const t = new ExtData(EXT_TIMESTAMP, encodeTimeSpecToTimestamp({ sec: 1_614_009_105, nsec: 335_689_322 }));
    const frame = Buffer.from(encode([{ T: 't', i: 2n ** 63n - 1n, t }], { useBigInt64: true }));
    expect(decodeFrame(frame, true)).toEqual({ ok: true, value: [{ T: 't', i: 2n ** 63n - 1n, t: '2021-02-22T15:51:45.335689322Z' }] });
  });

  it('decodes text frames as JSON and encodes requests per encoding', () => {
    expect(decodeFrame(Buffer.from('[{"T":"success","msg":"connected"}]'), false)).toEqual({ ok: true, value: [{ T: 'success', msg: 'connected' }] });
    expect(encodeRequest({ action: 'auth' }, 'json')).toBe('{"action":"auth"}');
    expect(encodeRequest({ action: 'auth' }, 'msgpack')).toBeInstanceOf(Uint8Array);
  });

  it('never throws on arbitrary bytes: a value or a reason', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, binary) => {
      const decoded = decodeFrame(Buffer.from(bytes), binary);
      return decoded.ok || decoded.reason.length > 0;
    }), { numRuns: 2000 });
  });
});
