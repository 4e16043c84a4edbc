import type { ConnectionOptions } from 'node:tls';
import type { PoolConfig } from 'pg';
import { readPemFile, redactUrl } from '@md/config';
import { ConfigError } from '@md/contracts';

// TLS follows libpq's URL parameters (https://www.postgresql.org/docs/current/libpq-ssl.html,
// table 34.1 "SSL Mode Descriptions"), resolved here instead of by pg-connection-string: v2.x
// treats require and verify-ca as verify-full (with a deprecation warning) and v3 will switch to
// libpq's meaning, it re-reads the files at every new connection, and it lets a password in the
// URL override one given beside it. We read the files once, at start, and fail with one line.
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];
/** Parameters consumed here; the rest (application_name, options, …) go to pg as they are. */
const OWN_PARAMS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'uselibpqcompat', 'user', 'password', 'host', 'port']);

export interface PgConnectionOptions {
  /** Kept out of the URL (DATABASE_PASSWORD or _FILE); a function is asked at each new connection (secretSource, @md/config). */
  password?: PoolConfig['password'];
  /** Names used in messages: how the URL and the password were given. */
  urlName?: string;
  passwordName?: string;
}

/**
 * pg Pool settings from a `postgres://` URL with libpq's TLS parameters: `sslmode` (disable,
 * require, verify-ca, verify-full), `sslrootcert` (a PEM CA file, or `system` for the CAs Node
 * trusts), `sslcert` + `sslkey` (client certificate). verify-full checks the chain and that the
 * certificate names the host of the URL; verify-ca the chain only; require encrypts without
 * checking (as libpq: with sslrootcert it checks the chain). A bad setting is a ConfigError.
 */
export function pgPoolConfig(url: string, options: PgConnectionOptions = {}): PoolConfig {
  const name = options.urlName ?? 'DATABASE_URL';
  const bad = (why: string) => new ConfigError(`config: ${name} is invalid ("${redactUrl(url)}"): ${why}`);
  if (!/^postgres(ql)?:\/\//.test(url)) throw bad('must be a postgres:// URL (postgres://user@host:5432/db)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('not a URL (percent-encode special characters of the user and password)');
  }
  const params = parsed.searchParams;
  const urlPassword = decodeURIComponent(parsed.password) || params.get('password') || undefined;
  if (urlPassword !== undefined && options.password !== undefined) {
    throw new ConfigError(`config: ${options.passwordName ?? 'DATABASE_PASSWORD'} is set and ${name} holds a password too: set one`);
  }
  const rest: Record<string, string> = {};
  for (const [key, value] of params) if (!OWN_PARAMS.has(key)) rest[key] = value;
  const port = params.get('port') ?? parsed.port;
  return {
    ...rest,
    host: params.get('host') ?? (decodeURIComponent(parsed.hostname).replace(/^\[(.+)\]$/, '$1') || undefined),
    port: port ? Number(port) : undefined,
    user: decodeURIComponent(parsed.username) || params.get('user') || undefined,
    database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
    password: options.password ?? urlPassword,
    ssl: sslOptions(params, bad),
  };
}

function sslOptions(params: URLSearchParams, bad: (why: string) => ConfigError): false | ConnectionOptions {
  if (params.has('ssl') || params.has('uselibpqcompat')) throw bad('use sslmode=disable|require|verify-ca|verify-full instead of the pg-only ssl and uselibpqcompat parameters');
  const given = params.get('sslmode');
  const files = ['sslrootcert', 'sslcert', 'sslkey'].filter((p) => params.has(p));
  if (given === 'allow' || given === 'prefer') throw bad(`sslmode=${given} falls back to plaintext, which the pg driver cannot do: use disable, require, verify-ca or verify-full`);
  if (given !== null && !(SSL_MODES as readonly string[]).includes(given)) throw bad(`sslmode must be one of ${SSL_MODES.join(', ')} (got "${given}")`);
  // Without sslmode pg connects in plaintext; a CA file alone must not suggest otherwise.
  const mode = (given ?? 'disable') as SslMode;
  if (mode === 'disable') {
    if (files.length) throw bad(`${files[0]} is set but ${given ? 'sslmode=disable' : 'sslmode is not'}: add sslmode=verify-full`);
    return false;
  }
  const read = (param: string, kind: 'certificate' | 'private key') => {
    const path = params.get(param);
    if (path === null) return undefined;
    const text = readPemFile(path, kind);
    if (text instanceof Error) throw bad(`${param} "${path}": ${text.message}`);
    return text;
  };
  // libpq: sslrootcert=system trusts the system's CAs and is only allowed with verify-full.
  const system = params.get('sslrootcert') === 'system';
  if (system && mode !== 'verify-full') throw bad('sslrootcert=system needs sslmode=verify-full');
  const ca = system ? undefined : read('sslrootcert', 'certificate');
  const cert = read('sslcert', 'certificate');
  const key = read('sslkey', 'private key');
  if ((cert === undefined) !== (key === undefined)) throw bad('sslcert and sslkey go together (a client certificate and its key)');
  const verifyChain = mode !== 'require' || ca !== undefined;
  const verifyHost = mode === 'verify-full';
  return {
    rejectUnauthorized: verifyChain,
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert, key } : {}),
    // Node checks the host name (tls.checkServerIdentity) unless told otherwise.
    ...(verifyHost ? {} : { checkServerIdentity: () => undefined }),
  };
}
