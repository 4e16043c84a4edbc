import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { Command } from 'commander';
import { connectionSchema, connectionsOf, loadConfigOrExit, LOCAL_STACK } from '@md/config';
import { type CleanBar, TOPICS, TOPIC_TABLE } from '@md/contracts';
import { cleanBar, nowMicros } from '@md/market';
import { DEFAULT_BAR_COLUMNS, csvRowToRawBar } from '@md/providers';
import { SchemaCodec, createKafka, ensureTopics } from '@md/kafka';
import { generateBars, repoRoot } from '@md/testing';
import { postgresCopyRate } from './copy-baseline';
import { endToEndRate } from './end-to-end';
import { kafkaProduceConsumeRate } from './kafka-baseline';
import { clientSwapRate } from './client-swap';
import { sinkRates } from './sink-bench';
import { connectPeerRate } from './connect-peer';
import { kafkaPerfTools } from './kafka-perf-tools';
import { readLatency } from './storage-bench';
import { scalingRates } from './scaling';
import { streamLatency } from './stream-latency';
import { formatIntrinsicBench, intrinsicBench } from './intrinsic-bench';
import { featuresBench, formatFeaturesBench } from './features-bench';
import { formatStageTable, stageRates, stageTable } from './stage-table';
import { formatPipelineLatency, pipelineLatency } from './pipeline-latency';
import { RECORDED_RATES, capacityPlan, formatCapacityPlan } from './capacity';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// `npm run bench`: every figure is printed next to the limit it is measured against, from the
// same run on the same rows (raw KafkaJS produce->consume, PostgreSQL COPY).
const SECTIONS = ['e2e', 'sink', 'stages', 'capacity', 'latency', 'read', 'stream', 'intrinsic', 'features', 'scale'];
const program = new Command()
  .option('--bars <n>', 'bars to replay end to end and to sink', (v) => Number.parseInt(v, 10), 1_000_000)
  .option('--read-rows <n>', 'rows stored before measuring read latency', (v) => Number.parseInt(v, 10), 10_000_000)
  .option('--read-targets <list>', 'pg,embedded', 'pg,embedded')
  .option('--scale-bars <n>', 'bars sent to the preprocessor for each instance count of the scaling run', (v) => Number.parseInt(v, 10), 300_000)
  .option('--stage-bars <n>', 'bars replayed through all five bar stages for the per-stage CPU table', (v) => Number.parseInt(v, 10), 300_000)
  .option('--stream-rate <n>', 'simulator messages per second for the stream latency', (v) => Number.parseInt(v, 10), 5000)
  .option('--only <list>', `sections: ${SECTIONS.join(',')}`, SECTIONS.join(','))
  .option('--database-url <url>', 'PostgreSQL for the sink, COPY and reads', LOCAL_STACK.databaseUrl)
  .parse();

function readBars(file: string): CleanBar[] {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const hasSymbol = lines[0].split(',').length === 7;
  const opts = { columns: { ...DEFAULT_BAR_COLUMNS, symbol: hasSymbol ? 'symbol' : undefined }, zone: 'UTC', symbol: 'DBB', timeframe: '1m' as const, provider: 'file' };
  return lines.map((line) => {
    const f = line.split(',');
    const [symbol, timestamp, open, high, low, close, volume] = hasSymbol ? f : ['DBB', ...f];
    return cleanBar(csvRowToRawBar({ symbol, timestamp, open, high, low, close, volume }, opts, nowMicros()));
  });
}

async function main(): Promise<void> {
  Logger.overrideLogger(['warn', 'error']);
  const o = program.opts<{ bars: number; readRows: number; readTargets: string; only: string; databaseUrl: string; streamRate: number; scaleBars: number; stageBars: number }>();
  const only = new Set(o.only.split(','));
  if (only.has('intrinsic')) console.log(formatIntrinsicBench(await intrinsicBench()));
  // Without the stages section the plan runs on the rates docs/capacity.md records, and says so.
  if (only.has('capacity') && !only.has('stages')) console.log(formatCapacityPlan(capacityPlan(RECORDED_RATES)).join('\n'));
  if (only.has('features')) console.log(formatFeaturesBench(featuresBench()));
  if ([...only].every((s) => ['intrinsic', 'features', 'capacity'].includes(s))) return; // pure sections: no stack, no generated bars
  // KAFKA_BROKERS with KAFKA_SSL / KAFKA_SASL_* and SCHEMA_REGISTRY_* measure a cluster of the user's (as the services read them).
  const connections = connectionsOf(loadConfigOrExit(connectionSchema));
  if (!process.env.KAFKA_BROKERS) execFileSync('bash', [join(repoRoot(), 'deploy/local/stack.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const dir = mkdtempSync(join(tmpdir(), 'md-bench-'));
  const file = join(dir, 'bars.csv');
  const symbols = await generateBars(fixturePath(DBB_MINUTE_FILE), o.bars, file);
  console.log(`generated ${o.bars} bars (${symbols.length} symbols x the DBB minute series)`);
  const bars = readBars(file);
  const copyRate = await postgresCopyRate(o.databaseUrl, bars);
  console.log(`postgres COPY:               ${Math.round(copyRate)} rows/s (the limit for sinks)`);

  if (only.has('e2e')) {
    const kafka = createKafka('md-bench', connections.kafka);
    const codec = new SchemaCodec(connections.registry);
    await ensureTopics(kafka, TOPIC_TABLE);
    const e2e = await endToEndRate(file, o.bars, o.databaseUrl);
    const messages = [];
    for (const bar of bars) messages.push({ key: bar.symbol, value: await codec.encode(TOPICS.bars, bar) });
    const kafkaRate = await kafkaProduceConsumeRate(kafka, messages, 6);
    console.log(`end to end:                  ${Math.round(e2e)} bars/s`);
    console.log(`kafkajs produce→consume:     ${Math.round(kafkaRate)} msgs/s`);
    // What swapping the client behind libs/kafka would add to the Kafka limit (README, Performance).
    if (connections.kafka.ssl || connections.kafka.sasl) console.log('client swap: measured on plaintext brokers only (KAFKA_SSL / KAFKA_SASL_* set): skipped');
    else {
      const swap = await clientSwapRate({ ...connections.kafka, messages: messages as Array<{ key: string; value: Buffer }>, partitions: 6 });
      console.log(`${swap.client} ${swap.version} produce→consume: ${Math.round(swap.messagesPerSecond)} msgs/s = ${(swap.messagesPerSecond / kafkaRate).toFixed(2)} x kafkajs`);
    }
    console.log(`ratio end-to-end / min(kafka, copy) = ${(e2e / Math.min(kafkaRate, copyRate)).toFixed(3)} (goal >= 0.5); end to end / 60,000 bars/s goal = ${(e2e / 60_000).toFixed(3)}`);
    // The broker's own limit: Kafka's Java perf tools at the bars' average encoded size.
    const recordSize = Math.round(messages.reduce((n, m) => n + (m.value as Buffer).length, 0) / messages.length);
    const tools = await kafkaPerfTools({ ...connections.kafka, records: bars.length, recordSize, partitions: 6 });
    console.log(`kafka-producer-perf-test:    ${Math.round(tools.produceRecordsPerSec)} records/s (${tools.produceMbPerSec.toFixed(1)} MiB/s, ${recordSize} B, acks=all); ` +
      `kafka-consumer-perf-test: ${Math.round(tools.consumeRecordsPerSec)} records/s (${tools.consumeMbPerSec.toFixed(1)} MiB/s)`);
  }
  if (only.has('sink')) {
    const sink = await sinkRates(o.databaseUrl, bars);
    console.log(`sink upsert, unnest:         ${Math.round(sink.unnest)} rows/s = ${(sink.unnest / copyRate).toFixed(3)} x COPY`);
    console.log(`sink upsert, COPY + merge:   ${Math.round(sink.copyMerge)} rows/s = ${(sink.copyMerge / copyRate).toFixed(3)} x COPY`);
    // The peer on the same rows: Kafka Connect with Debezium's JDBC sink, upsert into the same table.
    const peer = await connectPeerRate({ ...connections.kafka, databaseUrl: o.databaseUrl, bars });
    console.log(`peer: Kafka Connect + Debezium JDBC sink (upsert, ${peer.tasks} tasks): ${Math.round(peer.rowsPerSecond)} rows/s ` +
      `(${peer.steadyRowsPerSecond ? Math.round(peer.steadyRowsPerSecond) : '-'} once started, first row after ${peer.firstRowSeconds.toFixed(1)} s); ` +
      `sink COPY + merge / peer = ${(sink.copyMerge / peer.rowsPerSecond).toFixed(2)} (goal >= 1.5)`);
  }
  if (only.has('stages')) {
    const stageFile = join(dir, 'stage-bars.csv');
    await generateBars(fixturePath(DBB_MINUTE_FILE), o.stageBars, stageFile);
    const rows = await stageTable(stageFile, o.stageBars, o.databaseUrl);
    for (const line of formatStageTable(rows, o.stageBars)) console.log(line);
    if (only.has('capacity')) console.log(formatCapacityPlan(capacityPlan(stageRates(rows))).join('\n'));
  }
  if (only.has('latency')) {
    const latency = await pipelineLatency(createKafka('md-bench-latency', connections.kafka), new SchemaCodec(connections.registry), o.databaseUrl);
    console.log(formatPipelineLatency(latency));
  }
  if (only.has('read')) {
    const series = readBars(fixturePath(DBB_MINUTE_FILE));
    for (const target of o.readTargets.split(',') as Array<'pg' | 'embedded'>) {
      const r = await readLatency(target, o.databaseUrl, series, o.readRows, 300, (s) => process.stderr.write(`${s}\r`));
      console.log(`\nread 1 day of 1m bars, ${target} (${r.rows} rows stored): p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (target p95 < 50 ms)`);
      if (r.compression) console.log(`compression of 1m bars, ${target}: ${r.compression.toFixed(1)}:1 (target > 10:1)`);
    }
  }
  if (only.has('stream')) {
    const kafka = createKafka('md-bench-stream', connections.kafka);
    const codec = new SchemaCodec(connections.registry);
    await ensureTopics(kafka, TOPIC_TABLE);
    const r = await streamLatency(kafka, codec, o.streamRate, 10);
    console.log(`stream: simulator message -> Kafka ack (md.raw.trades.v1) at ${o.streamRate}/s, ${r.messages} warm trades after 2 s warm-up: ` +
      `p50 ${r.p50} ms, p99 ${r.p99} ms, p99.9 ${r.p999} ms, max ${r.max} ms (cold p99 ${r.coldP99} ms, max ${r.coldMax} ms); ` +
      `sent ${r.sent} at ${Math.round(r.sentPerSecond)}/s, acked ${r.acked}, in Kafka ${r.inKafka}; simulator late p99 ${r.sendLagP99.toFixed(1)} ms; ` +
      `gateway ${r.gatewayCores?.toFixed(2)} cores; p99 / 10 ms budget = ${(r.p99 / 10).toFixed(2)}`);
  }
  if (only.has('scale')) {
    const kafka = createKafka('md-bench-scale', connections.kafka);
    const codec = new SchemaCodec(connections.registry);
    await ensureTopics(kafka, TOPIC_TABLE);
    const points = await scalingRates(kafka, codec, bars.slice(0, o.scaleBars), [1, 2, 4]);
    const one = points[0].barsPerSecond;
    for (const p of points) console.log(`scale: preprocessor x${p.instances} in one group: ${Math.round(p.barsPerSecond)} bars/s = ${(p.barsPerSecond / one).toFixed(2)} x one instance`);
    console.log(`scale: this machine has ${availableParallelism()} cores shared by the broker, the registry and the instances; beyond that many busy instances the ratio cannot grow here`);
  }
  rmSync(dir, { recursive: true, force: true });
}

main().then(() => process.exit(0), (err) => {
  console.error(`bench failed: ${err?.stack ?? err}`);
  process.exit(1);
});
