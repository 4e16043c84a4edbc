import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaConnection } from '@md/config';
import { type CleanBar, TOPICS, TOPIC_TABLE } from '@md/contracts';
import type { Kafka } from 'kafkajs';
import { createKafka } from '@md/kafka';
import { BARS_COPY_COLUMNS, DEFAULT_STORAGE_OPTIONS, PgDb, barMonths, barOrder, barsCopyText, ensureMonthlyPartitions, migrate } from '@md/storage';
import { CONNECT_BAR_COLUMNS, barKeyJson, barValueJson } from './connect-records';
import { connectorFailure, createConnector, fetchConnect, startConnectWorker, tail } from './connect-worker';
import { kafkaLibsDir, runJavaTool, writeClientConfig } from './kafka-perf-java';
import { deleteScratchGroup, deleteScratchTopic, recreateScratchTopic } from './kafka-perf-scratch';

// Scratch names, not platform ones: the topic and schema are created fresh and dropped after.
const PEER_TOPIC = 'bench.connect-peer';
const SCHEMA = 'bench_connect';

/** The platform sink's batch (sink-bench.ts): the JDBC sink gets the same. */
const BATCH = 5000;
/** Rows of the platform's COPY compared column by column with the connector's. */
const SAMPLE_ROWS = 2000;

export interface ConnectPeerOptions {
  /** Kafka brokers; with `ssl`/`sasl` of the caller's connection (kafkaConnectionOf) when the cluster is secured. */
  brokers: string[];
  ssl?: KafkaConnection['ssl'];
  sasl?: KafkaConnection['sasl'];
  /** postgres://user[:password]@host:port/db[?sslmode=…], the database the platform's sink writes. */
  databaseUrl: string;
  bars: CleanBar[];
}

export interface ConnectPeerResult {
  rowsPerSecond: number;
  /** Rows in the table at the end (distinct primary keys of the bars). */
  rows: number;
  /** From the connector's creation on a running worker to the last row visible. */
  seconds: number;
  /** From the connector's creation to the first row visible: task start (Hibernate, JDBC pool), group join, first batch. */
  firstRowSeconds: number;
  /**
   * Rows written after the first visible ones over the time they took: the sink's pace once
   * started, without its start-up. Undefined when the first poll already saw every row.
   */
  steadyRowsPerSecond: number | undefined;
  tasks: number;
}

/**
 * A peer on the same rows, in the same run: Kafka Connect (standalone) with Debezium's JDBC sink
 * connector upserting the bars from a topic into a table made by the platform's own migrations,
 * the sink a team would reach for instead of writing one. Settings are the ones a competent user
 * picks for throughput on PostgreSQL (Debezium JDBC sink docs,
 * https://debezium.io/documentation/reference/3.6/connectors/jdbc.html):
 * - insert.mode=upsert, primary.key.mode=record_key: INSERT … ON CONFLICT (symbol, timeframe, time)
 *   DO UPDATE, the platform sink's statement without its (generation, revision) guard.
 * - dialect.postgres.unnest.insert.enabled=true (an option of the 3.6 connector, off by default):
 *   one INSERT … SELECT FROM unnest(…) per batch instead of a JDBC batch of row statements, the
 *   same form as the platform's unnest upsert; about 3x the row-statement form on this machine.
 * - batch.size and consumer max.poll.records = 5000, the platform sink's batch.
 * - tasks.max = the machine's cores (2 here) over the bars topic's 6 partitions: one writer per
 *   core (measured 11-12k rows/s against 9-10k with one task); the platform's figure (sinkRates)
 *   is one writer.
 * - schema.evolution=none: the table is the platform's (migrate into a scratch schema, monthly
 *   partitions created before the write), never one Debezium derives.
 * The topic is filled before the connector starts and the worker is already running, so the clock
 * holds what a sink does: fetch, JsonConverter, JDBC upsert, until count(*) reaches every row.
 * Afterwards a sample of rows is checked equal, column by column, to the platform's COPY of the
 * same bars. Kafka fetch and JSON parsing are inside this clock but not inside sinkRates'.
 */
export async function connectPeerRate(opts: ConnectPeerOptions): Promise<ConnectPeerResult> {
  if (opts.bars.length === 0) throw new Error('connectPeerRate needs bars');
  const kafkaLibs = kafkaLibsDir(); // the console producer's; throws naming the fix when missing
  const home = await fetchConnect();
  const connection: KafkaConnection = { brokers: opts.brokers, ssl: opts.ssl, sasl: opts.sasl };
  const partitions = TOPIC_TABLE.find((t) => t.name === TOPICS.bars)!.partitions;
  const tasks = Math.min(availableParallelism(), partitions);
  const winners = platformRows(opts.bars);
  const dir = mkdtempSync(join(tmpdir(), 'md-connect-peer-'));
  const kafka = createKafka('md-bench-connect-peer', connection);
  const db = new PgDb(opts.databaseUrl);
  // A new name per run: Connect names the sink's consumer group connect-<name>, deleted afterwards.
  const connector = `bench-connect-peer-${Date.now().toString(36)}`;
  let stopWorker: (() => Promise<void>) | undefined;
  try {
    await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema: SCHEMA });
    await db.transaction((tx) => ensureMonthlyPartitions(tx, SCHEMA, 'bars', barMonths(opts.bars)));
    await recreateScratchTopic(kafka, PEER_TOPIC, partitions);
    await produceBars(kafka, connection, kafkaLibs, opts.bars, dir);

    const worker = await startConnectWorker(home, connection, dir, BATCH);
    stopWorker = worker.stop;
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    await createConnector(worker.url, connector, connectorConfig(opts.databaseUrl, tasks));
    const progress = await awaitRows(db, worker.url, connector, winners.size, elapsed, worker.logFile);
    await stopWorker();
    stopWorker = undefined;
    await checkSample(db, [...winners.values()]);
    const { seconds, firstRowSeconds, firstRows } = progress;
    const steadyRowsPerSecond = firstRows < winners.size ? (winners.size - firstRows) / (seconds - firstRowSeconds) : undefined;
    return { rowsPerSecond: winners.size / seconds, rows: winners.size, seconds, firstRowSeconds, steadyRowsPerSecond, tasks };
  } finally {
    await stopWorker?.();
    await deleteScratchGroup(kafka, `connect-${connector}`);
    await deleteScratchTopic(kafka, PEER_TOPIC);
    await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Debezium JDBC sink's configuration (the settings are explained on connectPeerRate). */
function connectorConfig(databaseUrl: string, tasks: number): Record<string, string> {
  const pg = jdbcConnection(databaseUrl);
  return {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    'tasks.max': String(tasks),
    topics: PEER_TOPIC,
    'connection.url': pg.url,
    'connection.username': pg.username,
    'connection.password': pg.password,
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'schema.evolution': 'none',
    'collection.name.format': `${SCHEMA}.bars`,
    'batch.size': String(BATCH),
    'dialect.postgres.unnest.insert.enabled': 'true',
    // A task writes on one connection at a time; the default pool (5 to 32 per task) only holds
    // idle connections of the shared PostgreSQL.
    'connection.pool.min_size': '1',
    'connection.pool.max_size': '2',
  };
}

/** postgres://user:pw@host:port/db?params as pgjdbc's URL plus credentials (pgjdbc reads libpq's sslmode and sslrootcert). */
export function jdbcConnection(databaseUrl: string): { url: string; username: string; password: string } {
  const u = new URL(databaseUrl);
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error(`not a postgres:// URL: ${u.protocol}`);
  const query = u.search ? `?${u.searchParams.toString()}` : '';
  return {
    url: `jdbc:postgresql://${u.hostname}:${u.port || 5432}${u.pathname || '/postgres'}${query}`,
    username: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password),
  };
}

/** Per primary key, the bar the platform's sink keeps (the highest (generation, revision)). */
function platformRows(bars: readonly CleanBar[]): Map<string, CleanBar> {
  const rows = new Map<string, CleanBar>();
  for (const b of bars) {
    const key = `${b.symbol}|${b.timeframe}|${b.eventTime}`;
    const seen = rows.get(key);
    if (!seen || barOrder(b, seen) > 0) rows.set(key, b);
  }
  return rows;
}

/**
 * Fills the topic through Kafka's console producer (org.apache.kafka.tools.ConsoleProducer, one
 * "key<TAB>value" line per bar; JSON.stringify leaves no raw tab or newline inside a string):
 * the Java producer moves these ~1.7 KB messages several times faster than kafkajs does. Outside
 * the clock; acks=all as the platform's producers. Checks the topic then holds every bar.
 */
async function produceBars(kafka: Kafka, connection: KafkaConnection, kafkaLibs: string, bars: readonly CleanBar[], dir: string): Promise<void> {
  await runJavaTool(`${kafkaLibs}/*`, 'org.apache.kafka.tools.ConsoleProducer', [
    '--bootstrap-server', connection.brokers.join(','), '--topic', PEER_TOPIC, '--producer.config', writeClientConfig(connection, dir, 'producer.properties'),
    '--property', 'parse.key=true', '--property', 'key.separator=\t', '--request-required-acks', 'all',
    '--producer-property', 'batch.size=524288', '--producer-property', 'linger.ms=20',
  ], join(dir, 'console-producer.log'), 600_000 + bars.length, barLines(bars));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const written = (await admin.fetchTopicOffsets(PEER_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
    if (written !== bars.length) throw new Error(`ConsoleProducer wrote ${written} of ${bars.length} bars to ${PEER_TOPIC}`);
  } finally {
    await admin.disconnect();
  }
}

function* barLines(bars: readonly CleanBar[]): Generator<string> {
  let chunk = '';
  for (let i = 0; i < bars.length; i++) {
    chunk += `${barKeyJson(bars[i])}\t${barValueJson(bars[i])}\n`;
    if ((i + 1) % 1000 === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Polls count(*) until the table holds `rows` (a deadline, never a fixed sleep), failing fast
 * when the connector or a task fails. count(*) is an index-only scan of a few milliseconds here.
 */
async function awaitRows(db: PgDb, url: string, connector: string, rows: number, elapsed: () => number, logFile: string):
  Promise<{ firstRowSeconds: number; firstRows: number; seconds: number }> {
  const deadlineSeconds = Math.max(300, rows / 500);
  let first: { firstRowSeconds: number; firstRows: number } | undefined;
  let nextStatus = 0;
  for (;;) {
    const [{ count }] = (await db.query<{ count: string }>(`SELECT count(*) FROM ${SCHEMA}.bars`)).rows;
    const now = elapsed();
    if (Number(count) > 0) first ??= { firstRowSeconds: now, firstRows: Number(count) };
    if (Number(count) >= rows) return { ...first!, seconds: now };
    if (now >= nextStatus) {
      const failure = await connectorFailure(url, connector);
      // The trace's first line and its causes: the root cause (a missing table, a refused login) is last.
      if (failure) throw new Error(failure.message.split('\n').filter((l, i) => i === 0 || l.startsWith('Caused by:')).join('\n'));
      nextStatus = now + 1;
    }
    if (now > deadlineSeconds) throw new Error(`the Connect peer wrote ${count} of ${rows} rows in ${deadlineSeconds} s; worker log:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * COPYs a spread sample of the same bars the platform's way (barsCopyText, BARS_COPY_COLUMNS) into
 * a twin table and compares every column the messages carry; any difference throws.
 */
async function checkSample(db: PgDb, bars: readonly CleanBar[]): Promise<void> {
  const step = Math.max(1, Math.floor(bars.length / SAMPLE_ROWS));
  const sample = bars.filter((_, i) => i % step === 0 || i === bars.length - 1);
  await db.query(`CREATE TABLE ${SCHEMA}.bars_copy (LIKE ${SCHEMA}.bars INCLUDING DEFAULTS)`);
  await db.transaction((tx) => tx.copyFrom!(`COPY ${SCHEMA}.bars_copy (${BARS_COPY_COLUMNS}) FROM STDIN`, barsCopyText(sample)));
  const columns = CONNECT_BAR_COLUMNS.filter((c) => !['symbol', 'timeframe', 'time'].includes(c));
  const { rows } = await db.query<Record<string, unknown>>(`
    SELECT c.symbol, c.timeframe, c.time, ${columns.map((col) => `c.${col} AS copy_${col}, b.${col} AS connect_${col}`).join(', ')}
      FROM ${SCHEMA}.bars_copy c LEFT JOIN ${SCHEMA}.bars b USING (symbol, timeframe, time)
     WHERE b.symbol IS NULL OR (${columns.map((col) => `c.${col}`).join(', ')}) IS DISTINCT FROM (${columns.map((col) => `b.${col}`).join(', ')})
     LIMIT 3`);
  if (rows.length) throw new Error(`the Connect peer's rows differ from the platform's COPY, e.g. ${JSON.stringify(rows[0])}`);
}
