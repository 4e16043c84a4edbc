import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

// The API's bearer tokens (issue 18; RFC 6750): a JSON file named by API_TOKENS_FILE,
// {"tokens": [{"name": "...", "token": "...", "scopes": ["read"]}]}. Pure: the file's text in,
// the tokens out; reading and following the file is token-file.ts.

export const API_SCOPES = ['read', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const tokenEntry = z
  .object({
    /** Who holds it: written to the audit log instead of the token. */
    name: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 letters, digits or ._@-'),
    // 32 characters of base64 are 192 bits: guessing is hopeless at any rate limit.
    token: z.string().min(32, 'must be at least 32 characters (make one with: openssl rand -base64 32)').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    scopes: z.array(z.enum(API_SCOPES)).min(1),
    /** Requests a second this token may make on average; default API_RATE_LIMIT_PER_SECOND. */
    ratePerSecond: z.number().positive().optional(),
  })
  .strict();

const tokensFile = z
  .object({ tokens: z.array(tokenEntry).min(1, 'must list at least one token') })
  .strict()
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    const secrets = new Set<string>();
    file.tokens.forEach((t, i) => {
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `"${t.name}" is used twice: the audit log could not tell them apart` });
      if (secrets.has(t.token)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'token'], message: 'is the same as an earlier token' });
      names.add(t.name);
      secrets.add(t.token);
    });
  });

export interface ApiToken {
  name: string;
  scopes: ReadonlySet<ApiScope>;
  ratePerSecond?: number;
  /** SHA-256 of the token: what a presented token is compared with (the token itself is not kept). */
  digest: Buffer;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The tokens of a file's text, or why not: the JSON path and the problem (never a token's value). */
export function parseApiTokens(text: string): ApiToken[] | Error {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return new Error(`not JSON (${(err as Error).message})`);
  }
  const result = tokensFile.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return new Error(`${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return result.data.tokens.map((t) => ({ name: t.name, scopes: new Set(t.scopes), ratePerSecond: t.ratePerSecond, digest: sha256(t.token) }));
}

/**
 * The token a caller presented, compared in constant time: both sides are SHA-256 digests of
 * equal length (so neither the length nor a common prefix shows in the timing), and every entry
 * is compared, with no early exit on a match.
 */
export function matchToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  const digest = sha256(presented);
  let found: ApiToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(token.digest, digest) && !found) found = token;
  }
  return found;
}

/** `admin` includes `read`: an operator's token reads data too. */
export function hasScope(token: ApiToken, needed: ApiScope): boolean {
  return token.scopes.has(needed) || token.scopes.has('admin');
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header ?? '');
  return match?.[1];
}
