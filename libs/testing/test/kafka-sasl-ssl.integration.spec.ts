import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { makeTestCerts } from '../src/test-certs';
import { startLocalKafka, LocalKafka } from '../src/local-kafka';
import { waitFor } from '../src/wait-for';

// Integration: a private broker whose only client listener is SASL_SSL (KAFKA_SECURITY=sasl_ssl:
// TLS with the PEM key store of makeTestCerts, KIP-651; SCRAM users added at format time). A
// client that trusts the test CA and knows a password produces and consumes; a wrong password
// is an authentication error, not a hang; a plaintext client gets no answer from the port.

const dir = mkdtempSync(join(tmpdir(), 'md-kafka-sasl-'));
const certs = makeTestCerts(join(dir, 'certs'));
const users = [
  { name: 'md-broker', password: randomBytes(12).toString('hex') },
  { name: 'md-app', password: randomBytes(12).toString('hex') },
];
let kafka: LocalKafka;

const client = (extra: Partial<KafkaConfig>) =>
  new Kafka({ clientId: 'sasl-ssl-test', brokers: kafka.bootstrap, logLevel: logLevel.NOTHING, connectionTimeout: 5_000, ...extra });
const secured = (sasl: SASLOptions, extra: Partial<KafkaConfig> = {}) => client({ ssl: { ca: [readFileSync(certs.caFile, 'utf8')] }, sasl, ...extra });
/** Failures are the point: no retries to wait out. */
const once = { retry: { retries: 0 } };

beforeAll(async () => {
  kafka = await startLocalKafka({ dir, security: { certs, users } });
});

afterAll(async () => {
  await kafka?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a client with the CA and a SCRAM-SHA-512 password produces and consumes', async () => {
  const app = secured({ mechanism: 'scram-sha-512', username: 'md-app', password: users[1].password });
  const admin = app.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'secured', numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = app.producer();
  await producer.connect();
  await producer.send({ topic: 'secured', messages: [{ key: 'k', value: 'over TLS' }] });
  await producer.disconnect();

  const consumer = app.consumer({ groupId: 'sasl-ssl-test' });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'secured', fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
  try {
    await waitFor('the record to come back', () => seen.length > 0, 60_000);
  } finally {
    await consumer.disconnect();
  }
  expect(seen).toEqual(['over TLS']);
});

test('SCRAM-SHA-256 and PLAIN are accepted too', async () => {
  for (const mechanism of ['scram-sha-256', 'plain'] as const) {
    const admin = secured({ mechanism, username: 'md-app', password: users[1].password } as SASLOptions).admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();
  }
});

test('a wrong password is an authentication error', async () => {
  const admin = secured({ mechanism: 'scram-sha-512', username: 'md-app', password: 'not-the-password' }, once).admin();
  await expect(admin.connect()).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
});

test('a plaintext client is refused', async () => {
  const admin = client(once).admin();
  const outcome = await admin.connect().then(() => 'connected', (err: Error & { cause?: Error }) => `${(err.cause ?? err).name}: ${(err.cause ?? err).message}`);
  await admin.disconnect();
  // The broker reads the plaintext request as a bad TLS handshake and closes the connection.
  expect(outcome).toMatch(/^KafkaJSConnection(Closed)?Error: /);
});
