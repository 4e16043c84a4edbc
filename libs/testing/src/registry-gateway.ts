import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { TestCerts } from './test-certs';

/**
 * An https front of the local Apicurio that demands credentials, as a managed registry does
 * (Confluent Cloud: Basic API key/secret; a gateway in front of Apicurio: a bearer token).
 * Apicurio's own authentication needs an OIDC server, so the test puts the TLS and the
 * credential check here and forwards every accepted request, unchanged, to the real registry.
 */
export interface RegistryGateway {
  /** The https base URL, same path as the target's (…/apis/ccompat/v7). */
  url: string;
  /** Requests answered 401 (wrong or missing credentials) and forwarded. */
  refused: number;
  forwarded: number;
  stop(): Promise<void>;
}

export async function startRegistryGateway(targetUrl: string, certs: TestCerts, accepted: { username: string; password: string } | { token: string }): Promise<RegistryGateway> {
  const target = new URL(targetUrl);
  const expected = 'token' in accepted ? `Bearer ${accepted.token}` : `Basic ${Buffer.from(`${accepted.username}:${accepted.password}`).toString('base64')}`;
  const state = { refused: 0, forwarded: 0 };
  const server: Server = createServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) }, (req, res) => {
    if (req.headers.authorization !== expected) {
      state.refused++;
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="registry"' });
      res.end(JSON.stringify({ error_code: 40101, message: 'Unauthorized' }));
      return;
    }
    state.forwarded++;
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization;
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      res.writeHead(502);
      res.end(err.message);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`,
    get refused() {
      return state.refused;
    },
    get forwarded() {
      return state.forwarded;
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
