import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bar, MdRecord, SnapshotBar } from '@md-platform/client';
import { barsSince, historyThenLive } from '../src/bar-readers';
import { tailConfig } from '../src/tail-config';
import { liveBar, publishBars } from './live-bars';

// Integration: needs a running platform stack that has stored 1m bars of MD_SYMBOL.
// MD_KAFKA_BROKERS, MD_REGISTRY_URL, MD_READ_API_URL (the timescale-writer), MD_SYMBOL, and
// MD_EXPECTED_BARS: how many bars of the symbol the writer has stored, all of them, none still
// on their way. The platform's repository runs it after a replay
// (libs/client/test/examples.integration.spec.ts). The test publishes a few live bars of the
// symbol itself, after the stored ones: the current minute and the next.
const config = tailConfig(process.env);
const expectedBars = Number(process.env.MD_EXPECTED_BARS);
const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const next = new Date(now.getTime() + 60_000);
let liveSentAt: number | undefined;

/** Aborts after `ms`: the deadline of a loop that waits on Kafka (an aborted reader just ends). */
function deadline(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

test('snapshotThenTail: the stored bars exactly once, in time order, then a live bar from the tail', async () => {
  assert.ok(Number.isInteger(expectedBars) && expectedBars > 0, 'MD_EXPECTED_BARS: how many bars of MD_SYMBOL are stored');
  const received: SnapshotBar[] = [];
  const stop = deadline(60_000);
  try {
    for await (const item of historyThenLive(config, stop.signal)) {
      received.push(item);
      // The first bar comes once the first snapshot page was read, with the md.bars.v1 offsets
      // its rows cover: a bar published now lies past them, so it must come from the tail.
      if (received.length === 1) {
        liveSentAt = Date.now();
        await publishBars(config, [liveBar(config, now, '1.00000000')], liveSentAt);
      }
      if (item.bar.eventTime.getTime() === now.getTime()) break;
    }
  } finally {
    stop.clear();
  }
  const live = received.at(-1);
  assert.equal(live?.bar.eventTime.toISOString(), now.toISOString(), `no live bar before the deadline (${received.length} bars came)`);
  assert.deepEqual([live.source, live.bar.close, live.bar.revision], ['tail', '1.00000000', 0]);
  const history = received.slice(0, -1);
  assert.deepEqual([...new Set(history.map((h) => h.source))], ['snapshot']);
  const times = history.map((h) => h.bar.eventTime.getTime());
  assert.equal(new Set(times).size, times.length, 'a bar came twice');
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'bars out of time order');
  assert.equal(history.length, expectedBars);
  assert.ok(history.every(({ bar }) => bar.symbol === config.symbol && bar.timeframe === config.timeframe && /^\d+\.\d{8}$/.test(bar.close)));
});

test('subscribe from a Date: the bars published since then, each once at its latest revision', async () => {
  assert.ok(liveSentAt, 'needs the live bar the test before published');
  // A correction of the live bar, a duplicate of that correction, then the next minute's bar.
  await publishBars(config, [liveBar(config, now, '1.10000000', 1), liveBar(config, now, '1.10000000', 1), liveBar(config, next, '1.20000000')], Date.now());
  const received: MdRecord<Bar>[] = [];
  const stop = deadline(60_000);
  try {
    for await (const record of barsSince(config, new Date(liveSentAt), stop.signal)) {
      received.push(record);
      if (record.value.eventTime.getTime() === next.getTime()) break;
    }
  } finally {
    stop.clear();
  }
  // The stored history was published before liveSentAt: none of it comes; the duplicate neither.
  assert.deepEqual(received.map((r) => [r.value.eventTime.toISOString(), r.value.revision, r.value.close]), [
    [now.toISOString(), 0, '1.00000000'], [now.toISOString(), 1, '1.10000000'], [next.toISOString(), 0, '1.20000000'],
  ]);
  assert.ok(received.every((r) => r.key === config.symbol && r.timestamp.getTime() >= liveSentAt!));
});
