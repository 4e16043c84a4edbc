import type { Command } from 'commander';
import type { Kafka } from 'kafkajs';
import { valueSubject } from '@md/contracts';
import { redactUrl, type RegistryConnection } from '@md/config';
import { SchemaCodec, createIdempotentProducer, registryHttp } from '@md/kafka';
import {
  PgDb, REPLAYABLE_TOPICS, SQL_IDENTIFIER, countRawHistory, describePgFailure, isPgConnectFailure, rawHistoryPages, toIso, type RawHistoryRecord, type RawHistoryWindow, type ReplayableTopic,
} from '@md/storage';
import { databaseUrlOf, endpointsOf, type CliIo } from '../cli-context';
import { cliKafka, withAdmin } from '../kafka-admin';
import { databasePassword } from '../parse-endpoints';
import { parseSymbols } from '../parse-symbols';
import { parseWindow } from '../parse-time';
import { EXIT, OperationError, UsageError } from '../usage-error';

// `mdctl replay --from-db`: re-publishes a stored window to its raw topic, so a replay is not
// bounded by Kafka retention (trades and quotes keep 3 days there, raw bars 7). The records are
// the stored ones (provider, event and ingest time as first received), Avro through the
// registry, keyed by symbol, through an idempotent producer (KIP-98) one page at a time, so each
// symbol's records reach its partition in event-time order. The writer's sinks store a
// re-published record once (natural keys), so the writer may keep running during a replay.

/** Rows per database page and per produce request: memory stays bounded whatever the window. */
export const REPLAY_PAGE_ROWS = 1000;
const PROGRESS_EVERY_MS = 1000;

/** The replay options as commander hands them over (shared with the offset replay in offsets.command.ts). */
export interface ReplayFromDbOptions {
  topic: string;
  from: string;
  to?: string;
  symbols?: string;
  group?: string;
  dbSchema?: string;
  dryRun?: boolean;
}

export interface ReplayFromDbPlan {
  topic: ReplayableTopic;
  window: RawHistoryWindow;
  schema: string;
  dryRun: boolean;
}

/** Every option checked before anything connects: a bad one exits 2 with nothing touched. */
export function replayFromDbPlan(o: ReplayFromDbOptions, env: NodeJS.ProcessEnv = process.env): ReplayFromDbPlan {
  const topic = REPLAYABLE_TOPICS.find((t) => t === o.topic);
  if (!topic) throw new UsageError(`--from-db replays what the timescale-writer stores: --topic ${REPLAYABLE_TOPICS.join(', ')}, not ${o.topic}`);
  if (o.group !== undefined) throw new UsageError('--group does not go with --from-db: the replay publishes to the topic, and each consumer reads it in its own group');
  if (o.to === undefined) throw new UsageError("--from-db needs --to <time>: it replays the event times [from, to), e.g. --from 2024-04-01 --to 2024-04-02");
  const { fromMs, toMs } = parseWindow(o.from, o.to);
  const schema = o.dbSchema ?? env.DB_SCHEMA ?? 'md';
  if (!SQL_IDENTIFIER.test(schema)) throw new UsageError(`--db-schema "${schema}" is not a plain lower-case SQL identifier (the writer's DB_SCHEMA, default md)`);
  return { topic, window: { symbols: o.symbols === undefined ? null : parseSymbols(o.symbols), fromUs: fromMs * 1000, toUs: toMs * 1000 }, schema, dryRun: Boolean(o.dryRun) };
}

/** One progress line: how far, where (the last symbol and event time sent), how fast. */
export function progressLine(sent: number, total: number, last: RawHistoryRecord | undefined, elapsedMs: number): string {
  const percent = total > 0 ? Math.min(100, Math.floor((sent / total) * 100)) : 100;
  const rate = elapsedMs > 0 ? Math.round((sent * 1000) / elapsedMs) : 0;
  const at = last ? `, at ${last.symbol} ${toIso(last.eventTime)}` : '';
  return `replay: ${sent.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} records (${percent}%)${at}, ${rate.toLocaleString('en-US')} records/s\n`;
}

/** Rows in the window, or an OperationError saying why the database could not answer. */
async function storedCount(db: PgDb, url: string, plan: ReplayFromDbPlan): Promise<{ records: number; symbols: number }> {
  try {
    return await countRawHistory(db, plan.schema, plan.topic, plan.window);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === '42P01') {
      throw new OperationError(`${e.message} in ${redactUrl(url)}: check --db-schema (default DB_SCHEMA, else md) and that the timescale-writer has migrated it (0006 adds trades and quotes)`, err);
    }
    if (isPgConnectFailure(err)) throw new OperationError(`cannot connect to the database at ${redactUrl(url)}: ${describePgFailure(err)}`, err);
    throw new OperationError(`cannot read the database at ${redactUrl(url)} (${e.code ?? e.message}): check --database-url / DATABASE_URL and that the server is up`, err);
  }
}

/** Stops the replay between two pages on Ctrl-C; what was sent stays sent. */
function interruptible(): { readonly requested: boolean; dispose(): void } {
  const state = { requested: false };
  const onSigint = () => {
    state.requested = true;
  };
  process.on('SIGINT', onSigint);
  return { get requested() { return state.requested; }, dispose: () => process.off('SIGINT', onSigint) };
}

async function publish(kafka: Kafka, registry: RegistryConnection, db: PgDb, plan: ReplayFromDbPlan, total: number, io: CliIo): Promise<void> {
  const codec = new SchemaCodec(registry);
  const registryUrl = registryHttp(registry).base;
  try {
    await codec.registerTopic(plan.topic);
  } catch (err) {
    throw new OperationError(`cannot get the schema id of ${valueSubject(plan.topic)} from the registry at ${registryUrl} (${(err as Error).message}): start it (\`mdctl stack up\`) or pass --registry`, err);
  }
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const interrupt = interruptible();
  const started = Date.now();
  let sent = 0;
  let last: RawHistoryRecord | undefined;
  let reported = 0;
  try {
    for await (const page of rawHistoryPages(db, plan.schema, plan.topic, plan.window, REPLAY_PAGE_ROWS)) {
      // One at a time: encodes are cheap once the schema id is known, and order is the page's.
      const messages = [];
      for (const record of page) messages.push({ key: record.symbol, value: await codec.encode(plan.topic, record) });
      await producer.send({ topic: plan.topic, acks: -1, messages });
      sent += page.length;
      last = page[page.length - 1];
      if (Date.now() - reported >= PROGRESS_EVERY_MS) {
        io.err.write(progressLine(sent, total, last, Date.now() - started));
        reported = Date.now();
      }
      if (interrupt.requested) break;
    }
  } finally {
    interrupt.dispose();
    await producer.disconnect();
  }
  io.err.write(progressLine(sent, total, last, Date.now() - started));
  if (interrupt.requested) {
    io.err.write(`interrupted: ${sent} records are in ${plan.topic}, up to ${last ? `${last.symbol} ${toIso(last.eventTime)}` : 'none'}; the rest were not sent\n`);
    process.exitCode = EXIT.interrupted;
    return;
  }
  io.out.write(`replayed ${sent} records into ${plan.topic} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/** `replay --from-db`: the stored window of `--topic` re-published to it. */
export async function replayFromDb(opts: ReplayFromDbOptions, cmd: Command, io: CliIo): Promise<void> {
  const plan = replayFromDbPlan(opts);
  const url = databaseUrlOf(cmd, 'replay --from-db');
  const { brokers, registry, kafka: kafkaConnection } = endpointsOf(cmd);
  const db = new PgDb(url, { max: 1 }, { password: databasePassword(), urlName: '--database-url / DATABASE_URL' });
  try {
    const { records, symbols } = await storedCount(db, url, plan);
    const span = `event time [${toIso(plan.window.fromUs)}, ${toIso(plan.window.toUs)})`;
    io.out.write(`${plan.dryRun ? 'would replay' : 'replaying'} ${records} stored ${plan.topic} records of ${symbols} symbol(s), ${span}, from ${redactUrl(url)} schema ${plan.schema}\n`);
    if (plan.dryRun) {
      io.out.write('dry run: nothing published\n');
      return;
    }
    if (records === 0) return;
    const kafka = cliKafka(kafkaConnection);
    await withAdmin(kafka, brokers, async (admin) => {
      if (!(await admin.listTopics()).includes(plan.topic)) throw new UsageError(`topic ${plan.topic} does not exist: run \`mdctl topics create\``);
    });
    await publish(kafka, registry, db, plan, records, io);
  } finally {
    await db.close();
  }
}
