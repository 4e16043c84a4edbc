import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { type CorporateActionRecord, type DeadLetterRecord, TOPICS } from '@md/contracts';
import { nowMicros } from '@md/market';
import { SchemaCodec, createIdempotentProducer, endOffsets, readTopicRange } from '@md/kafka';
import { exitCode, leanAaplMinuteCsv, finishSliceRun, httpJson, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';

// Integration on real LEAN minute bars of AAPL around 2014-06-09, told as a company that changed
// its ticker that day (a reverse split with a new ticker is the common real case): 06-05 and 06-06
// trade under OLD, 06-09 under NEW. The map file's change goes through the gateway's LEAN job as
// SYMBOL_CHANGE; the 7-for-1 split is published under NEW. An adjusted read by either ticker
// returns the three days as one series, continuous across the change; raw reads stay per ticker.

const tempDir = () => mkdtempSync(join(tmpdir(), 'md-rename-'));

describe('a ticker change: one adjusted series under two tickers (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('R');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('publishes the change, stores it, and answers adjusted reads by either ticker with the whole series', async () => {
    const { kafka } = slice;
    const [oldSymbol, newSymbol] = [`${slice.run}O`, `${slice.run}N`];
    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const [actionsStart, dlqStart] = await Promise.all([TOPICS.corporateActions, TOPICS.deadLetter].map((t) => endOffsets(kafka, t)));
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer`);
    services.push(prep, writer);
    await Promise.all(services.map((s) => waitReady(s)));
    const gateway = async (env: Record<string, string>) => {
      const run = await startService('feed-gateway', { ...env, REPLAY_EXIT_WHEN_DONE: 'true' }, `test-${slice.run}-gateway`);
      expect(await exitCode(run)).toBe(0);
    };
    const storedBars = () => metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.bars });

    const early = await leanAaplMinuteCsv(['20140605', '20140606']);
    await gateway({ REPLAY_FILE: early.file, REPLAY_SYMBOL: oldSymbol, REPLAY_ZONE: 'UTC' });
    // LEAN map file: OLD up to and including Friday 2014-06-06, NEW after; a factor file without steps.
    const dir = tempDir();
    writeFileSync(join(dir, 'map.csv'), `20140102,${oldSymbol.toLowerCase()}\n20140606,${oldSymbol.toLowerCase()}\n20501231,${newSymbol.toLowerCase()}\n`);
    writeFileSync(join(dir, 'factor.csv'), '20140102,1,1,550\n20501231,1,1,0\n');
    await gateway({ LEAN_FACTOR_FILE: join(dir, 'factor.csv'), LEAN_MAP_FILE: join(dir, 'map.csv'), LEAN_SYMBOL: newSymbol });

    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const split: CorporateActionRecord = {
      symbol: newSymbol, exDate: '2014-06-09', kind: 'SPLIT', ratioTo: 7, ratioFrom: 1, amount: null, referencePrice: null, provider: 'test', revision: 0, ingestTime: nowMicros(),
    };
    await producer.send({ topic: TOPICS.corporateActions, messages: [{ key: newSymbol, value: await codec.encode(TOPICS.corporateActions, split) }] });
    await producer.disconnect();
    const late = await leanAaplMinuteCsv(['20140609']);
    await gateway({ REPLAY_FILE: late.file, REPLAY_SYMBOL: newSymbol, REPLAY_ZONE: 'UTC' });
    await waitFor('the writer to store the bars, the change and the split\'s schedule', async () => {
      const { rows } = await slice.db.query<{ changes: number; segments: number }>(
        `SELECT (SELECT count(*) FROM ${slice.schema}.symbol_changes WHERE from_symbol = $1 AND to_symbol = $2)::int AS changes,
                (SELECT count(*) FROM ${slice.schema}.adjustment_segments WHERE symbol = $2)::int AS segments`, [oldSymbol, newSymbol]);
      return rows[0].changes === 1 && rows[0].segments > 0 && (await storedBars()) >= early.bars + late.bars;
    }, 60_000, 200);

    const published: CorporateActionRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.corporateActions, actionsStart)) {
      if (m.key?.toString() === oldSymbol) published.push(await codec.decode<CorporateActionRecord>(TOPICS.corporateActions, m.value));
    }
    expect(published.map((a) => `${a.kind} ${a.symbol}>${a.newSymbol} ${a.exDate}`)).toEqual([`SYMBOL_CHANGE ${oldSymbol}>${newSymbol} 2014-06-09`]);

    const range = 'from=2014-06-06T19:59:00Z&to=2014-06-09T13:31:00Z&limit=1000';
    const read = async (symbol: string, adjusted: boolean) => (await httpJson(writer.port, `/v1/bars?symbol=${symbol}&${range}&adjusted=${adjusted}`)).body;
    const lastFriday = (rows: any[]) => rows.find((r: any) => r.time === '2014-06-06T19:59:00.000Z');
    const openMonday = (rows: any[]) => rows.find((r: any) => r.time === '2014-06-09T13:30:00.000Z');
    for (const symbol of [oldSymbol, newSymbol]) {
      const body = await read(symbol, true);
      expect(body.series).toEqual([{ symbol: oldSymbol, from: null, to: '2014-06-09' }, { symbol: newSymbol, from: '2014-06-09', to: null }]);
      expect([lastFriday(body.bars)?.symbol, openMonday(body.bars)?.symbol]).toEqual([oldSymbol, newSymbol]);
      // The raw jump is the split (about 1 - 1/7); adjusted, the Monday open is within 2% of the Friday close.
      expect(Math.abs(Number(openMonday(body.bars).open) / Number(lastFriday(body.bars).close) - 1)).toBeLessThan(0.02);
    }
    const [rawOld, rawNew] = [(await read(oldSymbol, false)).bars, (await read(newSymbol, false)).bars];
    expect([rawOld.every((b: any) => b.symbol === oldSymbol), openMonday(rawOld), lastFriday(rawNew)]).toEqual([true, undefined, undefined]);
    expect(Number(lastFriday((await read(newSymbol, true)).bars).close)).toBeCloseTo(Number(lastFriday(rawOld).close) / 7, 6);

    const actions = (await httpJson(writer.port, `/v1/corporate-actions?symbol=${newSymbol}`)).body.actions;
    expect(actions.map((a: any) => `${a.symbol} ${a.action_type}`)).toEqual([`${newSymbol} SPLIT`, `${oldSymbol} SYMBOL_CHANGE`]);
    const letters: DeadLetterRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.deadLetter, dlqStart)) letters.push(await codec.decode<DeadLetterRecord>(TOPICS.deadLetter, m.value));
    const ours = (l: DeadLetterRecord) => [oldSymbol, newSymbol].includes(l.key?.toString() ?? '') || (l.sourceLocation ?? '').includes('map.csv');
    expect(letters.filter(ours)).toEqual([]);
  });
});
