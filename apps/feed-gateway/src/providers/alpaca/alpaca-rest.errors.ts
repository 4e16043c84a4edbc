import { MdError } from '@md/contracts';

/** An Alpaca REST call that failed; `status` is null when no HTTP answer came (network, timeout). */
export class AlpacaRestError extends MdError {
  constructor(message: string, readonly status: number | null, retriable: boolean, cause?: unknown) {
    super(message, { retriable, cause });
  }
}

/** Replaces every secret in `text` with "***" (STYLE.md habit 7: secrets never reach a log line). */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, secret) => out.split(secret).join('***'), text);
}

/** A key id as it may be shown: enough to tell keys apart, not enough to use one. */
export function maskKeyId(keyId: string): string {
  return keyId.length <= 4 ? '***' : `${keyId.slice(0, 4)}…`;
}

/** The error for a non-retriable answer (4xx other than 429), with Alpaca's message and a hint. */
export function httpError(status: number, what: string, serverMessage: string, keyId: string): AlpacaRestError {
  const hint = status === 401 || status === 403
    ? ` (check ALPACA_KEY_ID / ALPACA_SECRET_KEY and the plan's feeds; key ${maskKeyId(keyId)})`
    : '';
  return new AlpacaRestError(`Alpaca answered ${status} to ${what}: ${serverMessage || 'no message'}${hint}`, status, false);
}
