import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { connectionSchema, connectionsOf, loadConfigOrExit, redactUrl, SERVICE_NAMES, SERVICE_PORTS } from '@md/config';
import { TOPIC_TABLE, TOPICS } from '@md/contracts';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, registryHttp } from '@md/kafka';
import { newYorkDayOf, newYorkDayRange } from '@md/quality';
import { httpJson, metricValue, repoRoot, startGroupAtEnd, startService, stopService, waitFor, waitReady, type RunningService } from '@md/testing';
import { deadLetterReasons } from './dead-letter-summary';
import { createProgress } from './progress';
import { waitForFeatures } from './features-summary';
import { qualitySummary, waitForQuality } from './quality-summary';
import { chooseSample } from './sample';

// `npm start`: the quick start. Brings the local stack up, runs the six services, replays the
// sample bars through gateway -> preprocessor -> writer and feature-engine, prints a summary
// and exits 0.
const say = (line: string) => process.stdout.write(`${line}\n`);
// Every service this job started, so a failure stops them too instead of leaving them holding their ports.
const services: RunningService[] = [];

async function main(): Promise<void> {
  Logger.overrideLogger(['warn', 'error']);
  const root = repoRoot();
  // The services and this job read the same variables: KAFKA_BROKERS (with KAFKA_SSL, KAFKA_SASL_*)
  // and SCHEMA_REGISTRY_* point the quick start at a cluster of the user's; unset, the local stack.
  const connections = connectionsOf(loadConfigOrExit(connectionSchema));
  if (process.env.KAFKA_BROKERS) say(`using the Kafka at ${connections.kafka.brokers.join(',')} (KAFKA_BROKERS) and the registry at ${registryHttp(connections.registry).base}`);
  else execFileSync('bash', [join(root, 'deploy/local/stack.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const sample = chooseSample();
  const kafka = createKafka('md-start', connections.kafka);
  const codec = new SchemaCodec(connections.registry);
  await ensureTopics(kafka, TOPIC_TABLE);
  await codec.registerAll();
  const dlqStart = await endOffsets(kafka, TOPICS.deadLetter);

  say(`starting ${SERVICE_NAMES.length} services (logs in .stack/logs/start-*.log)…`);
  // The writer uses DATABASE_URL when the user set one, else embedded TimescaleDB in .stack/pglite.
  const embeddedDir = join(root, '.stack', 'pglite');
  const database = process.env.DATABASE_URL ? redactUrl(process.env.DATABASE_URL) : `embedded TimescaleDB in ${embeddedDir}`;
  // The quick start is one self-contained job: its stages join fresh consumer groups positioned
  // at the topics' current end, so they process exactly this replay (not what tests or earlier
  // runs left on the topics) and the summary can account for every row.
  const job = `md-quickstart-${Date.now()}`;
  await startGroupAtEnd(kafka, `${job}-preprocessor`, [TOPICS.rawBars, TOPICS.corporateActions]);
  await startGroupAtEnd(kafka, `${job}-writer`, [TOPICS.bars]);
  await startGroupAtEnd(kafka, `${job}-writer-events`, [TOPICS.corporateActions, TOPICS.restatements, TOPICS.qualityIssues, TOPICS.optionsChain]);
  await startGroupAtEnd(kafka, `${job}-quality`, [TOPICS.rawBars, TOPICS.bars]);
  await startGroupAtEnd(kafka, `${job}-features`, [TOPICS.bars, TOPICS.rawTrades]);
  await startGroupAtEnd(kafka, `${job}-features-redis`, [TOPICS.features]);
  await startGroupAtEnd(kafka, `${job}-writer-derived`, [TOPICS.features, TOPICS.intrinsicBars, TOPICS.altSignals, TOPICS.vixRegime, TOPICS.reprocessed]);
  await startGroupAtEnd(kafka, `${job}-writer-raw`, [TOPICS.rawTrades, TOPICS.rawQuotes]);
  await startGroupAtEnd(kafka, `${job}-writer-trading`, [TOPICS.orders, TOPICS.executions, TOPICS.positions, TOPICS.signals, TOPICS.riskEvents]);
  const env: Record<string, Record<string, string>> = {
    preprocessor: { GROUP_ID: `${job}-preprocessor`, TRANSACTIONAL_ID: `${job}-preprocessor` },
    'feature-engine': { GROUP_ID: `${job}-features`, TRANSACTIONAL_ID: `${job}-features`, REDIS_GROUP_ID: `${job}-features-redis` },
    'timescale-writer': { GROUP_ID: `${job}-writer`, EVENTS_GROUP_ID: `${job}-writer-events`, DERIVED_GROUP_ID: `${job}-writer-derived`, RAW_GROUP_ID: `${job}-writer-raw`, TRADING_GROUP_ID: `${job}-writer-trading`, EMBEDDED_DATA_DIR: embeddedDir },
    // No per-symbol thresholds: the monitor learns the sample's own trade and volume profile (README, Data quality).
    'quality-monitor': { GROUP_ID: `${job}-quality`, TRANSACTIONAL_ID: `${job}-quality` },
  };
  for (const name of SERVICE_NAMES.filter((n) => n !== 'feed-gateway')) {
    services.push(await startService(name, { HTTP_PORT: String(SERVICE_PORTS[name]), ...env[name] }, `start-${name}`));
  }
  await Promise.all(services.map((s) => waitReady(s)));
  const began = Date.now();
  const gateway = await startService('feed-gateway', { HTTP_PORT: String(SERVICE_PORTS['feed-gateway']), REPLAY_FILE: sample.file, REPLAY_SYMBOL: sample.symbol, REPLAY_ZONE: sample.zone }, 'start-feed-gateway');
  services.push(gateway);
  say(`replaying ${sample.rows} bars of ${sample.symbol} from ${sample.file} (zone ${sample.zone})`);

  const progress = createProgress(sample.rows);
  let status: any;
  await waitFor('the replay to be read, cleaned and stored', async () => {
    status = (await httpJson(SERVICE_PORTS['feed-gateway'], '/v1/replay')).body;
    if (status.state === 'failed') throw new Error(`replay failed: ${status.error}`);
    const cleaned = await metricValue(SERVICE_PORTS.preprocessor, 'md_records_in_total', { topic: TOPICS.rawBars });
    const rejectedDownstream = await metricValue(SERVICE_PORTS.preprocessor, 'md_records_rejected_total');
    // Repeats of a bar already passed on (same revision, same content) are dropped, and counted.
    const repeats = await metricValue(SERVICE_PORTS.preprocessor, 'md_preprocessor_bar_decisions_total', { decision: 'duplicate' })
      + await metricValue(SERVICE_PORTS.preprocessor, 'md_preprocessor_bar_decisions_total', { decision: 'stale' });
    const stored = await metricValue(SERVICE_PORTS['timescale-writer'], 'md_records_in_total', { topic: TOPICS.bars });
    progress.update(Math.min(stored + repeats + rejectedDownstream + status.rejected, sample.rows), { published: status.published, rejected: status.rejected + rejectedDownstream });
    return status.state === 'done' && cleaned === status.published && stored === cleaned - rejectedDownstream - repeats;
  }, 30 * 60_000, 300);
  progress.stop();
  const stored = (await httpJson(SERVICE_PORTS['timescale-writer'], `/v1/bars/summary?symbol=${sample.symbol}&timeframe=1m`)).body;
  await waitForQuality(status.published, await metricValue(SERVICE_PORTS.preprocessor, 'md_records_out_total', { topic: TOPICS.bars }));
  const features = await waitForFeatures(await metricValue(SERVICE_PORTS.preprocessor, 'md_records_out_total', { topic: TOPICS.bars }), sample.symbol);
  // The job's clock: from the gateway's first row (its boot is not throughput) to the last bar,
  // feature vector (database and Redis) and quality finding stored.
  const finished = Date.now();
  const elapsed = (finished - began) / 1000;
  const replaySeconds = (finished - Date.parse(status.startedAt ?? new Date(began).toISOString())) / 1000;
  // The report covers the New York days whose noon is in [from, to): from the first bar's New York
  // midnight to the midnight after the last bar's day is exactly the days of data (to + 1 day
  // added an empty day to the header).
  const dataDays = { from: newYorkDayRange(newYorkDayOf(stored.first)).from, to: newYorkDayRange(newYorkDayOf(stored.last)).to };
  const quality = await qualitySummary(sample.symbol, dataDays.from, dataDays.to, join(root, '.stack', 'reports'));
  const reasons = await deadLetterReasons(kafka, codec, dlqStart);
  const codes = await Promise.all([...services].reverse().map((s) => stopService(s)));

  say('');
  say('summary');
  say(`  rows read        ${status.rowsRead}`);
  say(`  rows published   ${status.published}  (md.raw.bars.v1)`);
  say(`  rows stored      ${stored.rows}  (distinct ${sample.symbol} 1m bars, ${stored.first} .. ${stored.last}, ${database})`);
  say(`  rows rejected    ${[...reasons.values()].reduce((a, b) => a + b, 0)}  (md.dlq.v1)`);
  for (const [reason, n] of reasons) say(`    ${n} × ${reason}`);
  say(`  quality          ${quality.days} trading days scored, ${quality.daysBelowTarget} below 99.9% complete${quality.worstDay ? ` (worst ${quality.worstDay.date}: ${(quality.worstDay.ratio * 100).toFixed(1)}%)` : ''}`);
  for (const [type, n] of Object.entries(quality.counts)) say(`    ${n} × ${type}`);
  say(`    report: ${quality.files.join(', ')}`);
  say(`  features         ${features.total} vectors (${Object.entries(features.perTimeframe).map(([tf, n]) => `${tf} ${n}`).join(', ')}) in md.features.v1, Redis and the database`);
  if (features.latest) {
    const v = features.latest.values;
    say(`    latest 1d ${features.latest.time}: sma_20 ${v.sma_20?.toFixed(4)}, rsi_14 ${v.rsi_14?.toFixed(2)}, vol_20 ${v.vol_20?.toFixed(5)}`);
    say(`    curl http://127.0.0.1:${SERVICE_PORTS['feature-engine']}/v1/features/${sample.symbol}?timeframe=1d`);
  }
  say(`  elapsed          ${elapsed.toFixed(1)} s from the gateway's start, ${replaySeconds.toFixed(1)} s from its first row to the last bar, vector and finding stored`);
  say(`  throughput       ${Math.round(status.rowsRead / replaySeconds)} bars/s end to end (features and quality checks included)`);
  say('');
  say('The stack is still running (npm run stack -- status | down). Logs: .stack/logs/');
  if (codes.some((c) => c !== 0)) throw new Error(`a service did not drain cleanly (exit codes ${codes.join(', ')})`);
}

main().then(
  () => process.exit(0),
  async (err) => {
    process.stderr.write(`npm start failed: ${err?.message ?? err}\n`);
    await Promise.allSettled(services.map((s) => stopService(s)));
    process.exit(1);
  },
);
