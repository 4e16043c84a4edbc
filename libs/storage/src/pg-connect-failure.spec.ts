import { describePgFailure, isPgConnectFailure } from './pg-connect-failure';

const pgError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('describePgFailure', () => {
  it('names a refused password and where to fix it', () => {
    expect(describePgFailure(pgError('password authentication failed for user "md"', '28P01')))
      .toBe('password authentication failed for user "md" (28P01): check the password (DATABASE_PASSWORD or DATABASE_PASSWORD_FILE, or the URL)');
  });

  it('says when the certificate does not name the host', () => {
    expect(describePgFailure(pgError("Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1", 'ERR_TLS_CERT_ALTNAME_INVALID')))
      .toMatch(/\(ERR_TLS_CERT_ALTNAME_INVALID\): the server's certificate does not name the host of the URL/);
  });

  it('says when the server has TLS off', () => {
    expect(describePgFailure(new Error('The server does not support SSL connections'))).toMatch(/: the server has TLS off/);
  });
});

describe('isPgConnectFailure', () => {
  it('is true for connection, authentication and TLS failures, false for a failing statement', () => {
    for (const err of [pgError('x', '28P01'), pgError('x', '28000'), pgError('x', 'ECONNREFUSED'), pgError('x', 'SELF_SIGNED_CERT_IN_CHAIN'), pgError('x', 'ERR_TLS_CERT_ALTNAME_INVALID'), new Error('Connection terminated due to connection timeout')]) {
      expect(isPgConnectFailure(err)).toBe(true);
    }
    expect(isPgConnectFailure(pgError('permission denied for schema md', '42501'))).toBe(false);
    expect(isPgConnectFailure(pgError('relation "md.bars" does not exist', '42P01'))).toBe(false);
  });
});
