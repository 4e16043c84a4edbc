import { redactingLogger, redactor, secretValue } from './secret-redactor';

describe('redaction', () => {
  const redact = redactor(['PKKEY12345', 's3cr3t/with+chars']);

  it('hides a secret verbatim, URL-encoded and in base64', () => {
    const text = `key PKKEY12345 secret s3cr3t/with+chars url ${encodeURIComponent('s3cr3t/with+chars')} b64 ${Buffer.from('s3cr3t/with+chars').toString('base64')}`;
    expect(redact(text)).toBe('key [redacted] secret [redacted] url [redacted] b64 [redacted]');
  });

  it('leaves text alone when a "secret" is too short to be one', () => {
    expect(redactor(['a', ''])('a banana')).toBe('a banana');
  });

  it('follows a rotating key: the new value is redacted, and the old one still is', () => {
    let key = 'OLDKEY-1111';
    const rotating = redactor([() => key]);
    expect(rotating('sent OLDKEY-1111')).toBe('sent [redacted]');
    key = 'NEWKEY-2222';
    expect(secretValue(() => key)).toBe('NEWKEY-2222');
    expect(rotating('sent NEWKEY-2222 after OLDKEY-1111')).toBe('sent [redacted] after [redacted]');
  });

  it('redacts every line a logger is given', () => {
    const lines: string[] = [];
    const logger = redactingLogger({ log: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) }, redact);
    logger.error('auth with PKKEY12345 failed');
    expect(lines).toEqual(['auth with [redacted] failed']);
  });
});
