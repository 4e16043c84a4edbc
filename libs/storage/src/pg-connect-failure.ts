// Why a connection to PostgreSQL failed, in one line with what to check. These failures are the
// server's or the network's state (a rotated password, a certificate being replaced, a server
// starting): a service waits them out with /ready 503 instead of exiting into a crash loop.

/** PostgreSQL SQLSTATE (Appendix A) → what to check. */
const SQLSTATE_HINTS: Record<string, string> = {
  '28P01': 'check the password (DATABASE_PASSWORD or DATABASE_PASSWORD_FILE, or the URL)',
  '28000': "the server's pg_hba.conf refuses this user, database or connection type (a hostssl-only server refuses plaintext: add sslmode=verify-full)",
  '3D000': 'the database named in the URL does not exist',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has no connection slot left',
};

/** Node/OpenSSL certificate errors (tls.TLSSocket `authorizationError` codes) → what to check. */
const TLS_HINTS: Record<string, string> = {
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not name the host of the URL (sslmode=verify-full): connect by a name the certificate holds",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not signed by the CA of sslrootcert",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not the CA of sslrootcert",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not signed by the CA of sslrootcert",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate is not signed by the CA of sslrootcert",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
};

const PLAINTEXT_REFUSED = /The server does not support SSL connections/;

/** One line: the driver's message, its code and a hint. Never holds the password (pg's messages name the user only). */
export function describePgFailure(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  const hint = (code && (SQLSTATE_HINTS[code] ?? TLS_HINTS[code]))
    ?? (PLAINTEXT_REFUSED.test(message) ? 'the server has TLS off: remove sslmode or turn ssl on in the server' : undefined);
  return `${message}${code ? ` (${code})` : ''}${hint ? `: ${hint}` : ''}`;
}

/**
 * True for failures to establish or authenticate a connection (network, TLS, SQLSTATE classes
 * 08 connection exception and 28 invalid authorization, 3D000, 57P03, 53300), as opposed to a
 * statement failing on a working connection.
 */
export function isPgConnectFailure(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^(08|28)/.test(code) || code in SQLSTATE_HINTS || code in TLS_HINTS || /^ERR_TLS_|^ERR_SSL_|CERT/.test(code)) return true;
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/.test(code)) return true;
  return /Connection terminated|connection timeout|SSL connection|does not support SSL/i.test(typeof e?.message === 'string' ? e.message : '');
}
