import { createHmac } from 'node:crypto';

// OAuth 1.0a request signing as RFC 5849 defines it (sections 3.4-3.6), written from the RFC and not
// from any client's signer, so that a server verifying with it shows a client's signer agrees.

/** RFC 5849 3.6: every byte of the UTF-8 form except ALPHA / DIGIT / "-" / "." / "_" / "~" as %XX, upper-case hex. */
export function rfc5849Encode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || [0x2d, 0x2e, 0x5f, 0x7e].includes(byte);
    out += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** RFC 5849 3.5.1: `OAuth realm="x", name="percent-encoded value", ...`; names and values decoded. */
export function parseAuthorizationHeader(header: string | undefined): Array<[string, string]> | undefined {
  const m = /^OAuth\s+(.*)$/is.exec(header ?? '');
  if (!m) return undefined;
  return [...m[1].matchAll(/([^\s=,]+)\s*=\s*"([^"]*)"/g)].map(([, name, value]) => [decodeURIComponent(name), decodeURIComponent(value)]);
}

export interface SignedRequest {
  method: string;
  /** Absolute URL as the client addressed it, query included. */
  url: string;
  /** The Authorization header's parameters (realm is left out here, 3.4.1.3.1). */
  oauthParams: ReadonlyArray<[string, string]>;
  /** Decoded application/x-www-form-urlencoded body parameters, if any. */
  bodyParams?: ReadonlyArray<[string, string]>;
}

/** RFC 5849 3.4.1: method & base string URI & normalized parameters, each percent-encoded. */
export function signatureBaseString(req: SignedRequest): string {
  const url = new URL(req.url);
  const defaultPort = (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443');
  const baseUri = `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${url.port && !defaultPort ? `:${url.port}` : ''}${url.pathname}`;
  const params = [...url.searchParams, ...req.oauthParams, ...(req.bodyParams ?? [])]
    .filter(([name]) => name !== 'realm' && name !== 'oauth_signature')
    .map(([name, value]) => [rfc5849Encode(name), rfc5849Encode(value)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [req.method.toUpperCase(), rfc5849Encode(baseUri), rfc5849Encode(params)].join('&');
}

/** RFC 5849 3.4.2: HMAC-SHA1 keyed by encoded client secret "&" encoded token secret, base64. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${rfc5849Encode(consumerSecret)}&${rfc5849Encode(tokenSecret)}`).update(baseString).digest('base64');
}
