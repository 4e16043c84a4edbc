import { EXT_TIMESTAMP, ExtensionCodec, decode, decodeTimestampToTimeSpec, encode } from '@msgpack/msgpack';
import { decodeAlpacaJson } from '@md/providers';

// Framing. JSON by default; MessagePack when the client sends `Content-Type: application/msgpack`
// (what the official SDK, @alpacahq/alpaca-trade-api, does). In MessagePack the server sends `t` as
// the timestamp extension (-1) with nanoseconds; it is decoded to the same RFC-3339 text JSON carries,
// so one mapping serves both. 64-bit integers (trade ids) decode as bigint, exactly.

export type AlpacaEncoding = 'json' | 'msgpack';

export const MSGPACK_HEADERS = { 'Content-Type': 'application/msgpack' };

const codec = new ExtensionCodec();
codec.register({
  type: EXT_TIMESTAMP,
  encode: () => null,
  decode: (data) => {
    const { sec, nsec } = decodeTimestampToTimeSpec(data);
    return `${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`;
  },
});

export function encodeRequest(request: Record<string, unknown>, encoding: AlpacaEncoding): string | Uint8Array {
  return encoding === 'msgpack' ? encode(request) : JSON.stringify(request);
}

/** A frame to its value, by the frame's own kind (text: JSON, binary: MessagePack); never throws. */
export function decodeFrame(data: Buffer, binary: boolean): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (!binary) return decodeAlpacaJson(data.toString('utf8'));
  try {
    return { ok: true, value: decode(data, { extensionCodec: codec, useBigInt64: true }) };
  } catch (err) {
    return { ok: false, reason: `frame is not MessagePack: ${(err as Error).message.slice(0, 80)}` };
  }
}
