import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK, registryConnectionOf } from '@md/config';
import { TOPICS, TransientError, type DeadLetterRecord } from '@md/contracts';
import { makeTestCerts, registerTestSecrets, startRegistryGateway, type RegistryGateway, type TestCerts } from '@md/testing';
import { ccompatSubjectVersions, registryHttp, SchemaCodec } from '../src';

// The registry behind TLS and credentials, as a managed one is: the codec (registry client and
// the id look-up it has no call for) through an https gateway in front of the real Apicurio,
// and the id look-up's answers classified against a real HTTP server.

/** A loopback HTTP server answering every request with `status`/`body`, recording requests. */
async function answering(status: number, body: unknown): Promise<{ url: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('ccompatSubjectVersions against a real HTTP server (integration)', () => {
  it('reads 40403 as an unknown id, and any other failure as retriable', async () => {
    const notFound = await answering(404, { message: 'Schema 99 not found.', error_code: 40403 });
    const wrongPath = await answering(404, '<html>Not Found</html>');
    const starting = await answering(503, { message: 'starting' });
    const refusing = await answering(401, { message: 'unauthorized' });
    try {
      await expect(ccompatSubjectVersions(registryHttp(`${notFound.url}/apis/ccompat/v7/`), 1000)(99)).resolves.toEqual([]);
      expect(notFound.requests[0].url).toBe('/apis/ccompat/v7/schemas/ids/99/versions');
      await expect(ccompatSubjectVersions(registryHttp(wrongPath.url), 1000)(1)).rejects.toBeInstanceOf(TransientError);
      await expect(ccompatSubjectVersions(registryHttp(starting.url), 1000)(1)).rejects.toThrow(/HTTP 503/);
      await expect(ccompatSubjectVersions(registryHttp(refusing.url), 1000)(1)).rejects.toBeInstanceOf(TransientError);
      await expect(ccompatSubjectVersions(registryHttp('http://127.0.0.1:9'), 1000)(1)).rejects.toThrow(/did not answer the subjects of schema id 1/);
    } finally {
      await Promise.all([notFound, wrongPath, starting, refusing].map((s) => closeServer(s.server)));
    }
  });

  it('sends credentials from the URL as Basic auth and keeps them out of every message', async () => {
    const failing = await answering(500, {});
    try {
      const withCredentials = failing.url.replace('http://', 'http://svc%40md:s3cret@');
      const failure = ccompatSubjectVersions(registryHttp(withCredentials), 1000)(1);
      const message = await failure.then(() => '', (err: Error) => err.message);
      expect(message).toMatch(/HTTP 500/);
      expect(message).not.toContain('s3cret');
      expect(failing.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('svc@md:s3cret').toString('base64')}`);
    } finally {
      await closeServer(failing.server);
    }
  });
});

describe('the schema codec through an https registry with credentials (integration)', () => {
  let dir: string;
  let certs: TestCerts;
  let basic: RegistryGateway;
  let bearer: RegistryGateway;
  const password = `pw-${Date.now()}`;
  const token = `token-${Date.now()}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'md-registry-tls-'));
    certs = makeTestCerts(dir);
    registerTestSecrets(password, token);
    basic = await startRegistryGateway(LOCAL_STACK.registryUrl, certs, { username: 'md-svc', password });
    bearer = await startRegistryGateway(LOCAL_STACK.registryUrl, certs, { token });
  });

  afterAll(async () => {
    await Promise.all([basic?.stop(), bearer?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const settings = (url: string, extra: Record<string, string>) =>
    registryConnectionOf({ KAFKA_BROKERS: [], SCHEMA_REGISTRY_URL: url, SCHEMA_REGISTRY_CA_FILE: certs.caFile, ...extra });

  const deadLetter: DeadLetterRecord = {
    stage: 'registry-tls-test', reason: 'probe', errorType: 'InvalidRecordError', sourceTopic: TOPICS.rawBars, sourcePartition: 0,
    sourceOffset: 0, sourceLocation: null, key: null, payload: Buffer.from('x'), failedAt: 1_700_000_000_000_000,
  };

  it('registers, encodes and decodes with Basic auth, verifying the server against the CA file', async () => {
    const codec = new SchemaCodec(settings(basic.url, { SCHEMA_REGISTRY_USERNAME: 'md-svc', SCHEMA_REGISTRY_PASSWORD: password }));
    const encoded = await codec.encode(TOPICS.deadLetter, deadLetter);
    // A fresh codec has no cached id: decoding asks the registry (and the id look-up) through the gateway.
    const reader = new SchemaCodec(settings(basic.url, { SCHEMA_REGISTRY_USERNAME: 'md-svc', SCHEMA_REGISTRY_PASSWORD: password }));
    await expect(reader.decode(TOPICS.deadLetter, encoded)).resolves.toMatchObject({ stage: 'registry-tls-test', reason: 'probe' });
    expect(basic.forwarded).toBeGreaterThanOrEqual(2);
  });

  it('works with a bearer token', async () => {
    const codec = new SchemaCodec(settings(bearer.url, { SCHEMA_REGISTRY_TOKEN: token }));
    await expect(codec.registerTopic(TOPICS.deadLetter)).resolves.toBeGreaterThan(0);
  });

  it('fails clearly, without the password, when the credentials are wrong', async () => {
    const refusedBefore = basic.refused;
    const codec = new SchemaCodec(settings(basic.url, { SCHEMA_REGISTRY_USERNAME: 'md-svc', SCHEMA_REGISTRY_PASSWORD: 'wrong-password' }));
    const failure = await codec.registerTopic(TOPICS.deadLetter).then(() => undefined, (err: Error) => err);
    // Retriable: a stage waits a refusal out at /ready 503 (fixing the secret needs no restart loop).
    expect(failure).toBeInstanceOf(TransientError);
    const message = failure!.message;
    expect(message).toMatch(/401|Unauthorized/i);
    expect(message).toContain('SCHEMA_REGISTRY_PASSWORD');
    expect(message).not.toContain('wrong-password');
    expect(basic.refused).toBeGreaterThan(refusedBefore);
  });

  it('refuses a registry whose certificate the configured CA did not sign', async () => {
    const codec = new SchemaCodec({ url: basic.url, auth: { username: 'md-svc', password } });
    const failure = codec.registerTopic(TOPICS.deadLetter);
    await expect(failure).rejects.toThrow(/certificate is not trusted .*(self.signed|unable to verify).*SCHEMA_REGISTRY_CA_FILE/i);
    await expect(failure).rejects.toBeInstanceOf(TransientError);
  });
});
