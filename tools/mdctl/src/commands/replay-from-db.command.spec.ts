import { PassThrough } from 'node:stream';
import { TOPICS, type TradeRecord } from '@md/contracts';
import { runMdctl } from '../program';
import { UsageError } from '../usage-error';
import { progressLine, replayFromDbPlan } from './replay-from-db.command';

const OPTS = { topic: TOPICS.rawTrades, from: '2013-10-07T13:30:00Z', to: '2013-10-08' };

describe('replay --from-db options', () => {
  it('plans an event-time window in microseconds, the symbols given and the schema from DB_SCHEMA', () => {
    expect(replayFromDbPlan({ ...OPTS, symbols: 'spy,QQQ,spy' }, { DB_SCHEMA: 'md_blue' })).toEqual({
      topic: TOPICS.rawTrades, schema: 'md_blue', dryRun: false,
      window: { symbols: ['SPY', 'QQQ'], fromUs: Date.UTC(2013, 9, 7, 13, 30) * 1000, toUs: Date.UTC(2013, 9, 8) * 1000 },
    });
    expect(replayFromDbPlan({ ...OPTS, topic: TOPICS.rawBars, dbSchema: 'md', dryRun: true }, {})).toMatchObject({ topic: TOPICS.rawBars, schema: 'md', dryRun: true, window: { symbols: null } });
  });

  it.each([
    [{ topic: TOPICS.bars }, /^--from-db replays what the timescale-writer stores: --topic md.raw.trades.v1, md.raw.quotes.v1, md.raw.bars.v1, not md.bars.v1$/],
    [{ group: 'g' }, /^--group does not go with --from-db/],
    [{ to: undefined }, /^--from-db needs --to <time>/],
    [{ from: 'earliest' }, /^--from "earliest" is not a time/],
    [{ to: '2013-10-07T09:30:00' }, /^--to "2013-10-07T09:30:00" has no time zone/],
    [{ to: '2013-10-07T13:30:00Z' }, /^--to 2013-10-07T13:30:00Z is not after --from/],
    [{ symbols: 'SP*' }, /^--symbols: "SP\*" is not a ticker symbol/],
    [{ dbSchema: 'Md-Prod' }, /^--db-schema "Md-Prod" is not a plain lower-case SQL identifier/],
  ])('refuses %j before connecting anywhere', (over, message) => {
    expect(() => replayFromDbPlan({ ...OPTS, ...over }, {})).toThrow(UsageError);
    expect(() => replayFromDbPlan({ ...OPTS, ...over }, {})).toThrow(message);
  });

  it('reports progress with the last symbol and event time sent, never above 100%', () => {
    const last = { symbol: 'SPY', eventTime: Date.UTC(2013, 9, 7, 13, 31) * 1000 + 7 } as TradeRecord;
    expect(progressLine(2000, 3000, last, 1000)).toBe('replay: 2,000 of 3,000 records (66%), at SPY 2013-10-07T13:31:00.000007Z, 2,000 records/s\n');
    expect(progressLine(3100, 3000, last, 0)).toMatch(/^replay: 3,100 of 3,000 records \(100%\), at SPY .*, 0 records\/s\n$/);
    expect(progressLine(0, 0, undefined, 5)).toBe('replay: 0 of 0 records (100%), 0 records/s\n');
  });
});

describe('mdctl replay exit codes (no broker or database needed)', () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });
  const run = async (args: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    const code = await runMdctl(args, { out, err });
    return { code, err: String(err.read() ?? ''), out: String(out.read() ?? '') };
  };

  it('exits 2 when --from-db has no database to read, saying how to give one', async () => {
    delete process.env.DATABASE_URL;
    const r = await run(['replay', '--from-db', '--topic', TOPICS.rawTrades, '--from', '2013-10-07', '--to', '2013-10-08']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mdctl: replay --from-db reads the writer's database: pass --database-url postgres:\/\/user@host:5432\/db or set DATABASE_URL/);
    expect(r.out).toBe('');
  });

  it('exits 2 on a database URL that is not postgres://, without printing its password', async () => {
    const r = await run(['--database-url', 'mysql://md:s3cret@db/md', 'replay', '--from-db', '--topic', TOPICS.rawQuotes, '--from', '2013-10-07', '--to', '2013-10-08']);
    expect(r).toMatchObject({ code: 2, err: 'mdctl: --database-url "mysql://…@db/md" is not a postgres:// URL (postgres://user@host:5432/db)\n' });
  });

  it('keeps the group rewind as it was: --group required without --from-db, and the window options refused there', async () => {
    expect(await run(['replay', '--topic', TOPICS.bars, '--from', 'earliest'])).toMatchObject({ code: 2, err: expect.stringContaining("required option '--group <id>' not specified") });
    expect(await run(['replay', '--topic', TOPICS.bars, '--from', 'earliest', '--group', 'g', '--to', '2024-01-01']))
      .toMatchObject({ code: 2, err: 'mdctl: --to goes with --from-db only (a group rewind takes --group and --from)\n' });
    expect(await run(['replay', '--topic', TOPICS.bars, '--from', 'earliest', '--group', 'g', '--db-schema', 'md']))
      .toMatchObject({ code: 2, err: expect.stringContaining('--db-schema goes with --from-db only') });
  });
});
