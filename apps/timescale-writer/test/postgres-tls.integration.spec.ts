import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS, type CleanBar } from '@md/contracts';
import { DBB_EXCERPT_FILE, fixturePath } from '@md/fixtures';
import { SchemaCodec, createIdempotentProducer, createKafka, ensureTopics } from '@md/kafka';
import { PgDb } from '@md/storage';
import {
  expectedDbbBars, httpJson, metricValue, registerTestSecrets, startGroupAtEnd, startService, startTlsPostgres, stopService, uniqueId, waitFor,
  type ExpectedBar, type RunningService, type TlsPostgres,
} from '@md/testing';

// Integration (issue 13, PostgreSQL over TLS): a second cluster of this machine's PostgreSQL,
// started by the suite with ssl = on (certificate from makeTestCerts: 127.0.0.1 and localhost),
// SCRAM passwords and a pg_hba that rejects plaintext. The real writer stores bars through it
// with sslmode=verify-full, the CA file and DATABASE_PASSWORD_FILE; a wrong password and a host
// the certificate does not name leave it running, /ready 503, with one clear line in its log.
// Issue 18 point 4: a password rotated mid-replay (server, then DATABASE_PASSWORD_FILE) reaches
// the pool's new connections; the writer is never restarted and stores every bar once.
const BARS = 120;
// Each writer its own five groups: writers sharing one would rebalance each other (kafkajs ERROR lines).
const WRITER_GROUPS = ['GROUP_ID', 'EVENTS_GROUP_ID', 'DERIVED_GROUP_ID', 'RAW_GROUP_ID', 'TRADING_GROUP_ID'] as const;
const GROUP_TOPICS: Record<(typeof WRITER_GROUPS)[number], string[]> = {
  GROUP_ID: [TOPICS.bars],
  EVENTS_GROUP_ID: [TOPICS.corporateActions, TOPICS.restatements, TOPICS.qualityIssues, TOPICS.optionsChain],
  DERIVED_GROUP_ID: [TOPICS.features, TOPICS.intrinsicBars, TOPICS.altSignals, TOPICS.vixRegime, TOPICS.reprocessed],
  RAW_GROUP_ID: [TOPICS.rawTrades, TOPICS.rawQuotes],
  TRADING_GROUP_ID: [TOPICS.orders, TOPICS.executions, TOPICS.positions, TOPICS.signals, TOPICS.riskEvents],
};

/** A DBB minute of the fixture as the preprocessor would publish it. */
const dbbBar = (symbol: string, b: ExpectedBar): CleanBar => {
  const eventTime = Date.parse(b.time) * 1000;
  return {
    symbol, timeframe: '1m', provider: 'test', eventTime, ingestTime: eventTime + 60_000_000, open: b.open, high: b.high, low: b.low, close: b.close,
    volume: Number(b.volume), tradeCount: null, vwap: null, revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
  };
};

function bar(symbol: string, i: number): CleanBar {
  const eventTime = Date.UTC(2024, 4, 6, 13, 30 + i) * 1000;
  const price = (100 + i / 100).toFixed(8);
  return {
    symbol, timeframe: '1m', provider: 'test', eventTime, ingestTime: eventTime + 60_000_000, open: price, high: price, low: price, close: price,
    volume: 100 + i, tradeCount: null, vwap: null, revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
  };
}

describe('timescale-writer on PostgreSQL over TLS with verify-full and a password (integration)', () => {
  const password = `pw-${uniqueId('T')}-${Math.random().toString(36).slice(2)}`;
  const wrongPassword = `wrong-${Math.random().toString(36).slice(2)}`;
  const run = uniqueId('TLS');
  const schema = `t_${run.toLowerCase()}`;
  let pg: TlsPostgres;
  let kafka: Kafka;
  const writers: Record<'good' | 'wrongPassword' | 'wrongHost' | 'rotation', RunningService | undefined> = { good: undefined, wrongPassword: undefined, wrongHost: undefined, rotation: undefined };
  // The rotation scenario's own role and database, so rotating and terminating touch no other writer.
  const rotation = { role: 'md_rot', old: `old-${Math.random().toString(36).slice(2)}`, new: `new-${Math.random().toString(36).slice(2)}`, file: '' };
  let replay: ExpectedBar[] = [];
  let badConfig: RunningService[] = [];

  const url = (host: string, query: string, role = pg.user) => `postgres://${role}@${host}:${pg.port}/${role === pg.user ? pg.database : role}${query}`;
  const verifyFull = () => `?sslmode=verify-full&sslrootcert=${pg.certs.caFile}`;
  const passwordFile = (name: string, secret: string) => {
    const file = join(pg.dir, name);
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return file;
  };
  const startWriter = async (label: string, databaseUrl: string, secret: string, extra: Record<string, string> = {}) => {
    const env: Record<string, string> = { DATABASE_URL: databaseUrl, DATABASE_PASSWORD_FILE: passwordFile(`${label}.password`, secret), DB_SCHEMA: schema, SESSION_TIMEOUT_MS: '6000', RETRY_MAX_MS: '1000', ...extra };
    await Promise.all(WRITER_GROUPS.map(async (g) => {
      env[g] = `writer-${label}-${run}-${g.toLowerCase()}`;
      await startGroupAtEnd(kafka, env[g], GROUP_TOPICS[g]);
    }));
    return startService('timescale-writer', env, `test-${run}-writer-${label}`);
  };
  const publish = async (bars: CleanBar[]) => {
    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    try {
      const messages = [];
      for (const b of bars) messages.push({ key: b.symbol, value: await codec.encode(TOPICS.bars, b) });
      await producer.send({ topic: TOPICS.bars, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
  };
  const log = (service: RunningService | undefined) => readFileSync(service!.logFile, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
  const stillRunning = (service: RunningService | undefined) => service!.process.exitCode === null && service!.process.signalCode === null;

  const badSettings = () => [
    `${url('127.0.0.1', '?sslmode=verify-full&sslrootcert=')}${join(pg.dir, 'missing-ca.pem')}`,
    url('127.0.0.1', '?sslmode=verify_full'),
  ];

  beforeAll(async () => {
    // Real bars for the rotation replay; read first, so a run without fixtures fails here at once.
    replay = [...expectedDbbBars(fixturePath(DBB_EXCERPT_FILE)).values()];
    registerTestSecrets(password, wrongPassword, rotation.old, rotation.new);
    pg = await startTlsPostgres(password);
    pg.psql(`CREATE ROLE ${rotation.role} LOGIN PASSWORD '${rotation.old}'`);
    pg.psql(`CREATE DATABASE ${rotation.role} OWNER ${rotation.role}`);
    rotation.file = join(pg.dir, 'rotation.password');
    kafka = createKafka(`test-${run}`, [LOCAL_STACK.kafkaBrokers]);
    // The groups start at the topics' end: the topics must exist (this spec may be the first of a run).
    await ensureTopics(kafka, TOPIC_TABLE);
    // Every writer of the suite side by side (each its own groups, at the topics' end): the suite stays short on two cores.
    badConfig = await Promise.all(badSettings().map((databaseUrl, i) => startService('timescale-writer', {
      DATABASE_URL: databaseUrl, DATABASE_PASSWORD_FILE: passwordFile(`bad-${i}.password`, password),
    }, `test-${run}-writer-bad-config-${i}`)));
    [writers.good, writers.wrongPassword, writers.wrongHost, writers.rotation] = await Promise.all([
      startWriter('good', url('127.0.0.1', verifyFull()), password),
      startWriter('wrong-password', url('127.0.0.1', verifyFull()), wrongPassword),
      // The certificate names 127.0.0.1 and localhost; 127.0.0.2 reaches the same server.
      startWriter('wrong-host', url('127.0.0.2', verifyFull()), password),
      // Small transactions, so the replay is many commits long and the rotation lands among them.
      startWriter('rotation', url('127.0.0.1', verifyFull(), rotation.role), rotation.old, { MAX_BATCH_RECORDS: '100' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...Object.values(writers), ...badConfig].filter((w): w is RunningService => w !== undefined).map((w) => stopService(w)));
    pg?.stop();
  });

  it('stores bars through TLS with sslmode=verify-full, the CA file and the password from DATABASE_PASSWORD_FILE', async () => {
    const writer = writers.good!;
    await waitFor('the writer /ready', async () => (await httpJson(writer.port, '/ready').catch(() => ({ status: 0 }))).status === 200, 45_000, 200);
    await publish(Array.from({ length: BARS }, (_, i) => bar(run, i)));
    const db = new PgDb(url('127.0.0.1', verifyFull()), { max: 1 }, { password });
    try {
      await waitFor(`${BARS} bars in ${schema}.bars`, async () => {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.bars WHERE symbol = $1`, [run]).catch(() => ({ rows: [{ n: 0 }] }));
        return rows[0].n === BARS;
      }, 30_000, 200);
      // Every session of the writer's role is encrypted (pg_hba leaves no other way in).
      const { rows } = await db.query<{ sessions: number; encrypted: number }>(
        'SELECT count(*)::int AS sessions, count(*) FILTER (WHERE s.ssl)::int AS encrypted FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = $1', [pg.user]);
      expect(rows[0].sessions).toBeGreaterThan(1);
      expect(rows[0].encrypted).toBe(rows[0].sessions);
    } finally {
      await db.close();
    }
    expect(log(writer)).toMatch(/postgres:\/\/…@127\.0\.0\.1:\d+\/md_tls\?sslmode=verify-full&sslrootcert=\S+: TimescaleDB not available/);
  });

  it('refuses a wrong password with one clear line, /ready 503, and keeps running', async () => {
    const writer = writers.wrongPassword!;
    await waitFor('the refusal in the log', async () => /cannot use the database at postgres:\/\/…@127\.0\.0\.1:\d+\/md_tls\S*: password authentication failed for user "md_tls" \(28P01\): check the password/.test(log(writer)), 45_000, 200);
    const ready = await httpJson(writer.port, '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toBe(false);
    // One error line per distinct reason, not one per attempt (the sinks holding records warn at
    // most once per RETRY_MAX_MS each while they wait): after the server refused three attempts.
    const refusals = () => (readFileSync(pg.logFile, 'utf8').match(/password authentication failed for user "md_tls"/g) ?? []).length;
    await waitFor('three refused attempts in the server log', async () => refusals() >= 3, 30_000, 200);
    expect(stillRunning(writer)).toBe(true);
    expect(log(writer).match(/ERROR \[StorageService\]/g)).toHaveLength(1);
  });

  it('fails verify-full when the certificate does not name the host, and keeps running', async () => {
    const writer = writers.wrongHost!;
    await waitFor('the refusal in the log', async () => /cannot use the database at postgres:\/\/…@127\.0\.0\.2:\d+\S*: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.2 is not in the cert's list: 127\.0\.0\.1 \(ERR_TLS_CERT_ALTNAME_INVALID\)/.test(log(writer)), 45_000, 200);
    expect((await httpJson(writer.port, '/ready')).status).toBe(503);
    expect(stillRunning(writer)).toBe(true);
    // The same server and CA through verify-ca (chain only): the refusal was the host name alone.
    const db = new PgDb(url('127.0.0.2', `?sslmode=verify-ca&sslrootcert=${pg.certs.caFile}`), { max: 1 }, { password });
    try {
      expect((await db.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('is refused by the server without TLS', async () => {
    for (const query of ['', '?sslmode=disable']) {
      const db = new PgDb(url('127.0.0.1', query), { max: 1 }, { password });
      try {
        await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: '28000', message: expect.stringMatching(/pg_hba\.conf rejects connection .* no encryption/) });
      } finally {
        await db.close();
      }
    }
  });

  it('stops at start with one line naming DATABASE_URL when the CA file is unreadable or sslmode unknown', async () => {
    const lines = [
      /^config: DATABASE_URL is invalid \("postgres:\/\/…@127\.0\.0\.1:\d+\/md_tls\?sslmode=verify-full&sslrootcert=\S+missing-ca\.pem"\): sslrootcert "\S+": cannot read it \(ENOENT\)$/,
      /^config: DATABASE_URL is invalid \(".*"\): sslmode must be one of disable, require, verify-ca, verify-full \(got "verify_full"\)$/,
    ];
    await Promise.all(badConfig.map(async (writer, i) => {
      expect(await writer.exited).toBe(1);
      const output = log(writer).trim().split('\n');
      expect(output).toHaveLength(1);
      expect(output[0]).toMatch(lines[i]);
    }));
  });

  it('connects, migrates and stores once the server takes its password, without a restart', async () => {
    const writer = writers.wrongPassword!;
    // The password rotated on the server's side (the writer's file holds the new one); runs last, the other writers are done.
    pg.psql(`ALTER ROLE ${pg.user} PASSWORD '${wrongPassword}'`);
    await waitFor('the writer /ready', async () => (await httpJson(writer.port, '/ready')).status === 200, 45_000, 200);
    expect(log(writer)).toMatch(/connected to the database at postgres:\/\/…@127\.0\.0\.1/);
    // Its bars group held the suite's bars since the first test, waiting in Kafka: now stored (upserts of the same rows).
    await waitFor('the waiting bars stored', async () => (await metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.bars })) >= BARS, 30_000, 200);
    expect(stillRunning(writer)).toBe(true);
  });

  it('follows DATABASE_PASSWORD_FILE when the password rotates mid-replay: every bar stored once, same process, no ERROR line', async () => {
    const writer = writers.rotation!;
    const pid = writer.process.pid;
    const symbol = `${run}R`;
    const bars = replay.map((b) => dbbBar(symbol, b));
    const stored = async (secret: string) => {
      const db = new PgDb(url('127.0.0.1', verifyFull(), rotation.role), { max: 1 }, { password: secret });
      try {
        const { rows } = await db.query<ExpectedBar & { time: Date }>(`SELECT time, open, high, low, close, volume FROM ${schema}.bars WHERE symbol = $1 ORDER BY time`, [symbol]);
        return rows.map((r) => ({ ...r, time: r.time.toISOString() }));
      } finally {
        await db.close();
      }
    };
    const refusals = () => (readFileSync(pg.logFile, 'utf8').match(new RegExp(`password authentication failed for user "${rotation.role}"`, 'g')) ?? []).length;
    await waitFor('the writer /ready', async () => (await httpJson(writer.port, '/ready').catch(() => ({ status: 0 }))).status === 200, 45_000, 200);
    const half = Math.floor(bars.length / 2);
    await publish(bars.slice(0, half));
    await waitFor('the replay under way', async () => (await stored(rotation.old).catch(() => [])).length >= 100, 30_000, 20);

    // The server first, then the file (kubectl apply, a vault agent): in between the old one is refused.
    pg.psql(`ALTER ROLE ${rotation.role} PASSWORD '${rotation.new}'`);
    const terminated = pg.psql(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '${rotation.role}'`);
    expect(Number(/^\s*(\d+)\s*$/m.exec(terminated)?.[1])).toBeGreaterThan(0);
    // /ready pings through a new pool connection, which the server now refuses: the writer waits, 503.
    await waitFor('a new connection refused while the file holds the old password', async () => {
      await httpJson(writer.port, '/ready');
      return refusals() > 0;
    }, 30_000, 100);
    writeFileSync(rotation.file, `${rotation.new}\n`);
    await publish(bars.slice(half));
    await expect(stored(rotation.old)).rejects.toMatchObject({ code: '28P01' });

    await waitFor('every bar of the replay stored', async () => (await stored(rotation.new)).length >= bars.length, 30_000, 200);
    expect(await stored(rotation.new)).toEqual(replay);
    await waitFor('the writer /ready again', async () => (await httpJson(writer.port, '/ready')).status === 200, 10_000, 100);
    expect([writer.process.pid, stillRunning(writer)]).toEqual([pid, true]);
    expect(log(writer)).toContain('DATABASE_PASSWORD_FILE changed: new connections use the new secret');
    expect(log(writer)).not.toMatch(/\bERROR\b|dead-lettered/);
  });

  it('never writes the password to a log', () => {
    for (const writer of [...Object.values(writers), ...badConfig]) {
      expect(log(writer)).not.toContain(password);
      expect(log(writer)).not.toContain(wrongPassword);
      expect(log(writer)).not.toMatch(new RegExp(`${rotation.old}|${rotation.new}`));
    }
  });
});
