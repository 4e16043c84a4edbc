import { parseArgs } from 'node:util';
import { barLine, barsSince, historyThenLive } from './bar-readers';
import { tailConfig } from './tail-config';

// Prints a symbol's bars until Ctrl-C: its history then live bars, or with --since <ISO time>
// the bars published on md.bars.v1 since then.
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { since: { type: 'string' } } });
  const config = tailConfig(process.env);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime())) throw new Error(`--since: "${values.since}" is not an ISO 8601 time`);
  if (since) {
    for await (const record of barsSince(config, since, stop.signal)) console.log(barLine(`offset ${record.offset}`, record.value));
  } else {
    for await (const { source, bar } of historyThenLive(config, stop.signal)) console.log(barLine(source, bar));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
