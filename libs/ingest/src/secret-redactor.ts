import type { StreamLogger } from './connector';

// Secrets never reach a log line (STYLE.md habit 7): every message a connector logs, every status
// reason and every error it throws passes through one redactor built from its keys and secrets.

/** The forms a secret can leak in: verbatim, URL-encoded, base64. Short strings are skipped (they would redact everything). */
function leakForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
  return [...new Set(forms)].filter((f) => f.length >= 4);
}

/**
 * A key as a connector holds it: its value, or a function that answers the current one (a
 * NAME_FILE that rotates: secretSource in @md/config). Read it with secretValue where it is sent,
 * at each connect or request, so a rotated key reaches the next one without a restart.
 */
export type Secret = string | (() => string);

export const secretValue = (secret: Secret): string => (typeof secret === 'function' ? secret() : secret);

/** Values of one rotating secret kept redacted: the current one and those before it (an old key may still be in a late error). */
const KEPT_VALUES = 8;

export function redactor(secrets: readonly Secret[]): (text: string) => string {
  const seen: string[] = [];
  let forms: string[] = [];
  return (text) => {
    const fresh = secrets.map(secretValue).filter((v) => !seen.includes(v));
    if (fresh.length) {
      seen.push(...fresh);
      seen.splice(0, Math.max(0, seen.length - KEPT_VALUES * secrets.length));
      forms = seen.flatMap(leakForms).sort((a, b) => b.length - a.length);
    }
    return forms.reduce((out, form) => out.split(form).join('[redacted]'), text);
  };
}

export function redactingLogger(inner: StreamLogger, redact: (text: string) => string): StreamLogger {
  return {
    log: (m) => inner.log(redact(m)),
    warn: (m) => inner.warn(redact(m)),
    error: (m) => inner.error(redact(m)),
  };
}
