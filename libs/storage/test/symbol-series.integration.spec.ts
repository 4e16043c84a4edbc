import { LOCAL_STACK } from '@md/config';
import type { CleanBar, CorporateActionRecord, RestatementRecord } from '@md/contracts';
import { newYorkMidnightUs } from '@md/market';
import {
  DEFAULT_STORAGE_OPTIONS, PgDb, PgliteDb, barMonths, corporateActions, ensureMonthlyPartitions, migrate, queryBars, querySessionBars, replaceAdjustmentSchedule,
  storedSymbolSeries, upsertBars, upsertCorporateActions, type Db,
} from '../src';

// Integration, both targets: adjusted reads by either ticker of a renamed company. OLD trades until
// Tuesday 2024-03-05 and NEW from Wednesday; a $1 dividend (close 100) goes ex under OLD on the
// 5th and a 2-for-1 split under NEW on the 7th. The expected prices are worked by hand:
//   OLD 03-04  100 x 0.99 x 0.5 = 49.5   (before both)      OLD 03-05  100 x 0.5 = 50 (after the dividend)
//   NEW 03-06  100 x 0.5 = 50            (before the split)  NEW 03-07  50 (after both)
const day = (d: number) => `2024-03-0${d}`;
const bar = (symbol: string, d: number, close: string): CleanBar => ({
  symbol, timeframe: '1m', provider: 'file', eventTime: Date.UTC(2024, 2, d, 15, 0) * 1000, ingestTime: 1, open: close, high: close, low: close, close,
  volume: 100, tradeCount: null, vwap: null, revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
});
const action = (symbol: string, exDate: string, kind: CorporateActionRecord['kind'], fields: Partial<CorporateActionRecord>): CorporateActionRecord => ({
  symbol, exDate, kind, ratioTo: null, ratioFrom: null, amount: null, referencePrice: null, provider: 'test', revision: 0, ingestTime: 1, ...fields,
});
const schedule = (symbol: string, exDate: string, splitFactor: number, dividendFactor: number): RestatementRecord => {
  const ex = newYorkMidnightUs(exDate);
  return { symbol, segments: [{ fromTime: null, toTime: ex, splitFactor, dividendFactor }, { fromTime: ex, toTime: null, splitFactor: 1, dividendFactor: 1 }], changedFrom: null, changedTo: ex, cause: 'test', publishedAt: 1 };
};

describe.each([
  ['embedded TimescaleDB', (): Promise<Db> => PgliteDb.open({})],
  ['PostgreSQL', async (): Promise<Db> => new PgDb(LOCAL_STACK.databaseUrl)],
] as const)('adjusted bars across a symbol change on %s (integration)', (_name, open) => {
  const schema = `t_series_${Math.random().toString(36).slice(2, 8)}`;
  let db: Db;
  const range = { timeframe: '1m' as const, from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-09T00:00:00Z'), limit: 100 };
  const closes = (rows: { symbol: string; time: string; close: string }[]) => rows.map((r) => `${r.symbol} ${r.time.slice(0, 10)} ${r.close}`);

  beforeAll(async () => {
    db = await open();
    await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema });
    const bars = [bar('OLD', 4, '100.00000000'), bar('OLD', 5, '100.00000000'), bar('NEW', 6, '100.00000000'), bar('NEW', 7, '50.00000000'), bar('OTHER', 6, '10.00000000')];
    await db.transaction(async (tx) => {
      if (db.kind === 'pg') await ensureMonthlyPartitions(tx, schema, 'bars', barMonths(bars));
      await upsertBars(tx, bars, schema);
      await upsertCorporateActions(tx, [
        action('OLD', day(6), 'SYMBOL_CHANGE', { newSymbol: 'NEW' }),
        action('OLD', day(5), 'CASH_DIVIDEND', { amount: '1.00000000', referencePrice: '100.00000000' }),
        action('NEW', day(7), 'SPLIT', { ratioTo: 2, ratioFrom: 1 }),
        action('OTHER', day(6), 'MERGER', { newSymbol: 'NEW', ratioTo: 0.5, ratioFrom: 1, amount: '3.00000000' }),
      ], schema);
      await replaceAdjustmentSchedule(tx, schedule('OLD', day(5), 1, 0.99), schema);
      await replaceAdjustmentSchedule(tx, schedule('NEW', day(7), 0.5, 1), schema);
    });
  }, 120_000);
  afterAll(async () => {
    if (db?.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.close();
  });

  it('resolves the same series from either ticker, dated by the change; a merger links nothing', async () => {
    const expected = [{ symbol: 'OLD', fromDate: null, toDate: day(6), laterSymbols: ['NEW'] }, { symbol: 'NEW', fromDate: day(6), toDate: null, laterSymbols: [] }];
    expect(await storedSymbolSeries(db, schema, 'OLD')).toEqual(expected);
    expect(await storedSymbolSeries(db, schema, 'NEW')).toEqual(expected);
    expect(await storedSymbolSeries(db, schema, 'OTHER')).toEqual([{ symbol: 'OTHER', fromDate: null, toDate: null, laterSymbols: [] }]);
  });

  it('returns the whole adjusted series by either ticker, the old ticker\'s bars scaled by the new one\'s split too', async () => {
    const whole = ['OLD 2024-03-04 49.50000000', 'OLD 2024-03-05 50.00000000', 'NEW 2024-03-06 50.00000000', 'NEW 2024-03-07 50.00000000'];
    for (const symbol of ['OLD', 'NEW']) {
      const series = await storedSymbolSeries(db, schema, symbol);
      const rows = await queryBars(db, schema, { ...range, symbol, adjusted: true, series });
      expect(closes(rows)).toEqual(whole);
      expect(rows.map((r) => r.volume)).toEqual(['200', '200', '200', '100']);
      const days = await querySessionBars(db, schema, { ...range, symbol, timeframe: '1d', adjusted: true, sessions: 'regular', series });
      expect(closes(days)).toEqual(whole);
    }
  });

  it('keeps raw reads and unadjusted tickers to their own rows', async () => {
    const series = await storedSymbolSeries(db, schema, 'NEW');
    expect(closes(await queryBars(db, schema, { ...range, symbol: 'OLD', adjusted: false, series }))).toEqual(['OLD 2024-03-04 100.00000000', 'OLD 2024-03-05 100.00000000']);
    expect(closes(await queryBars(db, schema, { ...range, symbol: 'NEW', adjusted: true }))).toEqual(['NEW 2024-03-06 50.00000000', 'NEW 2024-03-07 50.00000000']);
  });

  it('lists the actions of every ticker of the series, the symbol change with its new ticker', async () => {
    const rows = await corporateActions(db, schema, ['OLD', 'NEW'], 10);
    expect(rows.map((r) => `${r.symbol} ${r.effective_date} ${r.action_type} ${(r.details as { newSymbol: string | null }).newSymbol}`)).toEqual([
      'NEW 2024-03-07 SPLIT null', 'OLD 2024-03-06 SYMBOL_CHANGE NEW', 'OLD 2024-03-05 CASH_DIVIDEND null',
    ]);
  });
});
