import type { StreamLogger } from './connector';

// Secrets never reach a log line (STYLE.md habit 7): every message a connector logs, every status
// reason and every error it throws passes through one redactor built from its keys and secrets.

/** The forms a secret can leak in: verbatim, URL-encoded, base64. Short strings are skipped (they would redact everything). */
function leakForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
  return [...new Set(forms)].filter((f) => f.length >= 4);
}

export function redactor(secrets: readonly string[]): (text: string) => string {
  const forms = secrets.flatMap(leakForms).sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((out, form) => out.split(form).join('[redacted]'), text);
}

export function redactingLogger(inner: StreamLogger, redact: (text: string) => string): StreamLogger {
  return {
    log: (m) => inner.log(redact(m)),
    warn: (m) => inner.warn(redact(m)),
    error: (m) => inner.error(redact(m)),
  };
}
