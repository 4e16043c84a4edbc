import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import { form, problem, type Answer } from './etrade-answers';
import { hmacSha1Signature, parseAuthorizationHeader, signatureBaseString } from './oauth1-signature';

// E*TRADE's OAuth 1.0a side (apisb.etrade.com/docs/api, Authorization): the token flow
// (/oauth/request_token, /e/t/etws/authorize, /oauth/access_token, renew, revoke) and the check of
// every request's HMAC-SHA1 signature (RFC 5849 section 3.2). Token lifetimes follow "Get Access
// Token": expiry at midnight US Eastern, inactive after two hours without requests.

interface Token { secret: string; verifier?: string; callback?: string; expiresAt: number; lastUsed: number; revoked?: boolean }

const TIMESTAMP_WINDOW_S = 300; // "Must be accurate to within five minutes."
const REQUEST_TOKEN_TTL_MS = 5 * 60_000; // request tokens expire after five minutes
const INACTIVE_AFTER_MS = 2 * 3_600_000; // "if the application does not make any requests for two hours"
const MAX_NONCES = 100_000;
/** Request tokens are asked for with the consumer secret alone (RFC 5849 2.1): an empty token secret. */
const NO_TOKEN: Token = { secret: '', expiresAt: Infinity, lastUsed: 0 };
const newToken = () => randomBytes(24).toString('base64'); // with "+", "/" and "=", as E*TRADE's are

export class EtradeOAuth {
  private readonly requestTokens = new Map<string, Token>();
  private readonly accessTokens = new Map<string, Token>();
  private readonly nonces = new Map<string, number>();

  constructor(private readonly consumer: { key: string; secret: string }, private readonly now: () => number) {}

  /**
   * The answer of the OAuth side to a GET: the browser's authorize page, a refusal, or a token
   * endpoint's answer; undefined lets a request signed with an active access token on to its resource.
   * `path` is the URL's path without a .json suffix.
   */
  answer(url: URL, path: string, authorization: string | undefined): Answer | undefined {
    if (url.pathname === '/e/t/etws/authorize') return this.authorize(url.searchParams);
    const oauth = parseAuthorizationHeader(authorization);
    if (!oauth) return problem('parameter_absent&oauth_parameters_absent=Authorization');
    const p = Object.fromEntries(oauth);
    if (path === '/oauth/request_token') return this.checkSignature(url, oauth, NO_TOKEN) ?? this.requestToken(p.oauth_callback);
    // The token secret that signs: the request token's for access_token, the access token's for the rest.
    const token = (path === '/oauth/access_token' ? this.requestTokens : this.accessTokens).get(p.oauth_token ?? '');
    const refused = this.checkSignature(url, oauth, token);
    if (refused) return refused;
    if (path === '/oauth/access_token') return this.accessToken(p, token!);
    const inactive = this.checkAccessToken(token!, path === '/oauth/renew_access_token');
    if (inactive) return inactive;
    if (path === '/oauth/renew_access_token') return { status: 200, body: 'Access Token has been renewed' };
    if (path !== '/oauth/revoke_access_token') return undefined;
    token!.revoked = true;
    return { status: 200, body: 'Revoked Access Token' };
  }

  /** What Get Access Token hands out: valid until midnight US Eastern. */
  issueAccessToken(): { key: string; secret: string } {
    const key = newToken();
    const midnight = DateTime.fromMillis(this.now(), { zone: 'America/New_York' }).plus({ days: 1 }).startOf('day').toMillis();
    this.accessTokens.set(key, { secret: newToken(), expiresAt: midnight, lastUsed: this.now() });
    return { key, secret: this.accessTokens.get(key)!.secret };
  }

  /** Every access token goes inactive, as after two idle hours. */
  inactivateTokens(): void {
    for (const token of this.accessTokens.values()) token.lastUsed = -Infinity;
  }

  /** Every access token expires, as at midnight US Eastern. */
  expireTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = this.now();
  }

  /** RFC 5849 3.2: consumer, method, timestamp, signature, then nonce (3.3). Undefined when accepted. */
  private checkSignature(url: URL, oauth: Array<[string, string]>, token: Token | undefined): Answer | undefined {
    const p = Object.fromEntries(oauth);
    if (p.oauth_consumer_key !== this.consumer.key) return problem('consumer_key_unknown');
    if (p.oauth_signature_method !== 'HMAC-SHA1') return problem('signature_method_rejected', 400);
    if (p.oauth_version !== undefined && p.oauth_version !== '1.0') return problem('version_rejected', 400);
    if (!token) return problem('token_rejected');
    const nowS = Math.floor(this.now() / 1000);
    if (!/^\d+$/.test(p.oauth_timestamp ?? '') || Math.abs(Number(p.oauth_timestamp) - nowS) > TIMESTAMP_WINDOW_S) return problem('timestamp_refused', 400);
    const expected = hmacSha1Signature(signatureBaseString({ method: 'GET', url: url.href, oauthParams: oauth }), this.consumer.secret, token.secret);
    const given = Buffer.from(p.oauth_signature ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) return problem('signature_invalid');
    return this.useNonce(`${p.oauth_token ?? ''}|${p.oauth_timestamp}|${p.oauth_nonce ?? ''}`, nowS);
  }

  /** A nonce is single-use for its timestamp and token; remembered as long as its timestamp is acceptable. */
  private useNonce(key: string, nowS: number): Answer | undefined {
    if (this.nonces.has(key)) return problem('nonce_used');
    // Insertion order is time order: forget from the oldest while too old to be accepted, or over the bound.
    for (const [k, at] of this.nonces) {
      if (at >= nowS - 2 * TIMESTAMP_WINDOW_S && this.nonces.size < MAX_NONCES) break;
      this.nonces.delete(k);
    }
    this.nonces.set(key, nowS);
    return undefined;
  }

  private requestToken(callback: string | undefined): Answer {
    if (!callback) return problem('parameter_absent&oauth_parameters_absent=oauth_callback', 400);
    const token = newToken();
    this.requestTokens.set(token, { secret: newToken(), callback, expiresAt: this.now() + REQUEST_TOKEN_TTL_MS, lastUsed: this.now() });
    return form({ oauth_token: token, oauth_token_secret: this.requestTokens.get(token)!.secret, oauth_callback_confirmed: 'true' });
  }

  /** The user's browser: signs in, approves, and sees the verifier (oob) or is sent to the callback. */
  private authorize(params: URLSearchParams): Answer {
    const token = this.requestTokens.get(params.get('token') ?? '');
    if (params.get('key') !== this.consumer.key || !token || token.expiresAt < this.now()) return { status: 400, body: 'invalid key or token' };
    token.verifier = randomBytes(4).toString('hex').slice(0, 5).toUpperCase();
    if (token.callback && token.callback !== 'oob') {
      return { status: 302, body: '', headers: { location: `${token.callback}${token.callback.includes('?') ? '&' : '?'}oauth_verifier=${token.verifier}` } };
    }
    return { status: 200, body: `<html><body><p>Enter this code in your application:</p><input id="verifier" value="${token.verifier}"></body></html>` };
  }

  private accessToken(p: Record<string, string>, requestToken: Token): Answer {
    if (requestToken.expiresAt < this.now()) return problem('token_expired');
    if (!requestToken.verifier || p.oauth_verifier !== requestToken.verifier) return problem('permission_denied');
    this.requestTokens.delete(p.oauth_token); // a request token is exchanged once
    const token = this.issueAccessToken();
    return form({ oauth_token: token.key, oauth_token_secret: token.secret });
  }

  /** Expired at midnight US Eastern; inactive after two idle hours until renewed. */
  private checkAccessToken(token: Token, renewing: boolean): Answer | undefined {
    const now = this.now();
    if (token.revoked || now >= token.expiresAt) return problem('token_expired');
    if (!renewing && now - token.lastUsed > INACTIVE_AFTER_MS) return problem('token_rejected');
    token.lastUsed = now;
    return undefined;
  }
}
