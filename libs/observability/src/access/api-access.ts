import { bearerToken, hasScope, matchToken, type ApiScope, type ApiToken } from './api-tokens';
import { RateLimiter } from './rate-limiter';

/** Who may call the /v1 routes: everyone on loopback (no tokens file), or the file's tokens. */
export interface AccessSettings {
  /** The tokens in force now; undefined: the open mode, where the API listens on 127.0.0.1 only. */
  tokens?: () => readonly ApiToken[];
  ratePerSecond: number;
  burst: number;
}

export type AccessDecision =
  | { status: 200; token: string }
  | { status: 401; token: 'anonymous'; message: string }
  | { status: 403; token: string; message: string }
  | { status: 429; token: string; message: string; retryAfterSeconds: number };

/** The name a request runs under when the API is open (no API_TOKENS_FILE, loopback only). */
export const LOCAL_CALLER = 'local';

/** The decision for one request: pure but for the rate buckets it keeps. */
export class ApiAccess {
  private readonly limiter: RateLimiter;
  private tokensSeen?: readonly ApiToken[];

  constructor(private readonly settings: AccessSettings) {
    this.limiter = new RateLimiter(settings.burst);
  }

  get open(): boolean {
    return !this.settings.tokens;
  }

  decide(authorization: string | undefined, needed: ApiScope, nowMs: number): AccessDecision {
    if (!this.settings.tokens) return { status: 200, token: LOCAL_CALLER };
    const tokens = this.settings.tokens();
    this.forgetRemoved(tokens);
    const presented = bearerToken(authorization);
    if (presented === undefined) {
      return { status: 401, token: 'anonymous', message: 'this route needs a bearer token: send the header "Authorization: Bearer <token>" with a token from API_TOKENS_FILE' };
    }
    const token = matchToken(tokens, presented);
    if (!token) return { status: 401, token: 'anonymous', message: 'the bearer token is not one of API_TOKENS_FILE\'s (revoked, mistyped or from another deployment)' };
    if (!hasScope(token, needed)) return { status: 403, token: token.name, message: `token "${token.name}" lacks the scope "${needed}" this route needs (it has: ${[...token.scopes].join(', ')})` };
    const wait = this.limiter.take(token.name, token.ratePerSecond ?? this.settings.ratePerSecond, nowMs);
    if (wait > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(wait));
      return { status: 429, token: token.name, message: `token "${token.name}" is over its rate of ${token.ratePerSecond ?? this.settings.ratePerSecond} requests a second: retry after ${retryAfterSeconds} s`, retryAfterSeconds };
    }
    return { status: 200, token: token.name };
  }

  /** The file gives a new list only when it changed: drop the buckets of names no longer in it. */
  private forgetRemoved(tokens: readonly ApiToken[]): void {
    if (tokens === this.tokensSeen) return;
    this.tokensSeen = tokens;
    this.limiter.retain(new Set(tokens.map((t) => t.name)));
  }
}
