import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RegistryConnection } from '@md/config';

/**
 * How every call to the schema registry is made: the registry client and the plain GETs it has
 * no call for share one agent (the CA of an https registry) and one Authorization header (HTTP
 * Basic, RFC 7617, or a bearer token, RFC 6750). Credentials written into the URL
 * (https://user:pass@host) are moved into the header, so they never appear in a logged URL.
 */
export interface RegistryHttp {
  /** The registry base URL without credentials, safe to log. */
  base: string;
  agent: HttpAgent;
  /** The header as the credentials are now: read per request, so a rotated *_FILE applies to the next one. */
  readonly authorization?: string;
}

export function registryHttp(connection: RegistryConnection | string): RegistryHttp {
  const c = typeof connection === 'string' ? { url: connection } : connection;
  const url = new URL(c.url);
  let auth = c.auth;
  if (!auth && (url.username || url.password)) auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  const base = url.toString().replace(/\/+$/, '');
  const agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, ...(c.ca ? { ca: c.ca } : {}) }) : new HttpAgent({ keepAlive: true });
  const header = (a: NonNullable<RegistryConnection['auth']>) => ('token' in a ? `Bearer ${a.token}` : `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`);
  return { base, agent, get authorization() { return auth && header(auth); } };
}

export interface RegistryRequest {
  method?: 'GET' | 'POST';
  /** A JSON body (POST), sent as application/vnd.schemaregistry.v1+json. */
  json?: unknown;
  timeoutMs: number;
}

/** One request under the registry base: the status and the parsed JSON body (undefined when not JSON). */
export function registryRequest(http: RegistryHttp, path: string, options: RegistryRequest): Promise<{ status: number; body: unknown }> {
  const url = new URL(`${http.base}${path}`);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (http.authorization) headers.authorization = http.authorization;
  const payload = options.json === undefined ? undefined : JSON.stringify(options.json);
  if (payload !== undefined) headers['content-type'] = 'application/vnd.schemaregistry.v1+json';
  return new Promise((resolve, reject) => {
    const req = send(url, { method: options.method ?? 'GET', headers, agent: http.agent, timeout: options.timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(parts).toString('utf8'));
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
