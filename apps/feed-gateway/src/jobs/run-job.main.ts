import 'reflect-metadata';
import { connectionsOf, loadConfigOrExit } from '@md/config';
import { TOPICS } from '@md/contracts';
import { IngestProducer } from '@md/ingest';
import { SchemaCodec, createKafka } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import { GatewayConfig } from '../config';
import { scheduledJobs } from './scheduled-jobs';

// `node dist/apps/feed-gateway/src/jobs/run-job.main.js corporate-actions|options-chain`: one run
// of a scheduled job exactly as the in-process scheduler runs it (same variables, same checkpoint),
// for a Kubernetes CronJob. Not backfill/main.js: its corporate-actions command takes fixed
// --from/--to dates, which a CronJob's static args cannot roll forward, and keeps no record of
// what it published. Exit 0 done, 1 failed (the Job's backoffLimit retries it).
const config = loadConfigOrExit(GatewayConfig);

async function main(name: string): Promise<void> {
  const { kafka: connection, registry } = connectionsOf(config);
  const kafka = new IngestProducer(createKafka(`md-job-${name}`, connection), new SchemaCodec(registry), new StageMetrics('feed-gateway-jobs'), new Readiness());
  const job = scheduledJobs(config, kafka).find((j) => j.name === name);
  if (!job) throw new Error(`no job "${name}" configured: set its SCHEDULE_* variable (corporate-actions, options-chain)`);
  await kafka.connect([TOPICS.corporateActions, TOPICS.optionsChain, TOPICS.deadLetter], config.KAFKA_OUTAGE_BUDGET_SECONDS);
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  try {
    const { records } = await job.run(stop.signal);
    process.stdout.write(`${name}: done, ${records} records published\n`);
  } finally {
    await kafka.disconnect();
  }
}

main(process.argv[2] ?? '').then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${process.argv[2]} failed: ${err?.message ?? err}\n`);
    process.exit(1);
  },
);
