import { Logger } from '@nestjs/common';
import { basename, dirname } from 'node:path';
import type { RawBar, TradeRecord } from '@md/contracts';
import { MICROS_PER_MS } from '@md/market';
import { leanFileDate, parseLeanDailyBars, parseLeanMinuteBars, type LeanTradeBar } from '@md/providers';
import { asCheckpointed, type CanonicalRecord, type CheckpointedSink, type JobSink, type StreamingConnector } from '@md/ingest';
import { LEAN_TICK_FORMAT, newYorkDayClock, parseLeanTradeTick } from './lean-ticks';
import { leanZipLines, type LeanLine } from './lean-zip';

// Replays QuantConnect LEAN trade data (LEAN docs, Data Format > US Equity) as the records a
// live feed would send: minute and daily trade bars as RawBar, trade ticks as TradeRecord.
// Quote files are not replayed (a LEAN quote bar is not a top-of-book QuoteRecord).
// With a checkpointed sink each batch commits with the file and line it reaches; a restarted
// replay skips the files before it and re-reads that file's zip up to the line (a day of SPY
// ticks, the largest, ~9 MB unpacked, inflates in well under a second), publishing none of it.

/** How far a replay got: in `files[file]`, the lines whose records or dead letters are committed. */
export interface LeanReplayPosition {
  file: number;
  lines: number;
}

export type LeanFileKind = 'minute_trade' | 'daily_trade' | 'tick_trade';

export interface LeanFile {
  readonly path: string;
  readonly kind: LeanFileKind;
  /** Upper-case ticker from LEAN's folder layout. */
  readonly symbol: string;
  /** New York date of a one-day file; null for the daily file, whose rows carry dates. */
  readonly date: string | null;
}

const FORMAT: Record<LeanFileKind, string> = {
  minute_trade: 'ms since New York midnight,open,high,low,close,volume (prices x10000)',
  daily_trade: 'yyyyMMdd HH:mm,open,high,low,close,volume (prices x10000)',
  tick_trade: LEAN_TICK_FORMAT,
};

/** Reads kind, ticker and date from LEAN's layout: <res>/<ticker>/<yyyyMMdd>_trade.zip or daily/<ticker>.zip. */
export function describeLeanFile(path: string): LeanFile {
  const name = basename(path);
  const folder = basename(dirname(path));
  const resolution = basename(dirname(dirname(path)));
  if (folder === 'daily' && /^[a-z0-9.]+\.zip$/i.test(name)) return { path, kind: 'daily_trade', symbol: name.slice(0, -4).toUpperCase(), date: null };
  if ((resolution === 'minute' || resolution === 'tick') && /^\d{8}_trade\.zip$/.test(name)) {
    return { path, kind: resolution === 'minute' ? 'minute_trade' : 'tick_trade', symbol: folder.toUpperCase(), date: leanFileDate(name) };
  }
  throw new Error(`${path} is not a LEAN trade file: expected minute/<ticker>/<yyyyMMdd>_trade.zip, tick/<ticker>/<yyyyMMdd>_trade.zip or daily/<ticker>.zip`);
}

/** Wall clock and sleep, injected so a paced replay is tested without waiting. */
export interface ReplayClock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: ReplayClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface LeanReplayOptions {
  /** LEAN zip files, replayed in this order (each file's rows in file order). */
  readonly files: readonly string[];
  /** Provider name written into each record. Default 'lean'. */
  readonly provider?: string;
  /** 'max': as fast as the sink accepts; N: N x real time, paced by event time. Default 'max'. */
  readonly speed?: number | 'max';
  /** Records per publish; each publish is awaited (back-pressure). Default 1000. */
  readonly batchSize?: number;
  readonly clock?: ReplayClock;
}

export interface LeanReplaySummary {
  lines: number;
  published: number;
  rejected: number;
}

/** Milliseconds to wait until a record is due at `speed` x real time, from the first record on. */
class Pacer {
  private origin: { eventUs: number; wallMs: number } | null = null;

  constructor(private readonly speed: number | 'max', private readonly clock: ReplayClock) {}

  delay(eventUs: number): number {
    if (this.speed === 'max') return 0;
    this.origin ??= { eventUs, wallMs: this.clock.now() };
    const due = this.origin.wallMs + (eventUs - this.origin.eventUs) / 1000 / this.speed;
    return Math.max(0, due - this.clock.now());
  }
}

/** What a LEAN trade file replays as. */
type ReplayRecord = Extract<CanonicalRecord, { kind: 'bar' | 'trade' }>;

/** A line that parsed but must not be published; its message is the whole reason. */
class NotPublished extends Error {}

function leanBar(file: LeanFile, bar: LeanTradeBar, provider: string, ingestTime: number): RawBar {
  const timeframe = file.kind === 'daily_trade' ? '1d' : '1m';
  return { ...bar, symbol: file.symbol, timeframe, provider, ingestTime, tradeCount: null, vwap: null, revision: 0 };
}

/**
 * One LEAN line as a canonical record; null for a blank line. A trade carries LEAN's condition
 * flags as its one condition and, as LEAN has no trade ids, `<yyyyMMdd>:<line>` as its id, which
 * is stable across replays of a file. LEAN's suspicious ticks are refused, not published.
 */
function toRecord(file: LeanFile, line: LeanLine, provider: string, ingestTime: number, timeOfDay: (ms: number) => number): ReplayRecord | null {
  if (line.text.trim() === '') return null;
  if (file.kind !== 'tick_trade') {
    const [bar] = file.kind === 'daily_trade' ? parseLeanDailyBars(line.text) : parseLeanMinuteBars(line.text, file.date!);
    return { kind: 'bar', value: leanBar(file, bar, provider, ingestTime) };
  }
  const tick = parseLeanTradeTick(line.text, timeOfDay);
  if (tick.suspicious) throw new NotPublished('LEAN flags this tick suspicious (a bad print); not published as a trade');
  const trade: TradeRecord = {
    symbol: file.symbol, provider, eventTime: tick.eventTime, ingestTime, price: tick.price, size: tick.size, exchange: tick.exchange,
    tradeId: `${file.date!.replaceAll('-', '')}:${line.number}`, conditions: [tick.condition], tape: null, correction: 'NONE',
  };
  return { kind: 'trade', value: trade };
}

/** The reason for a rejected line; a parse error names the field (the domain parsers wrap it in "<source> line 1: ..."). */
function reasonFor(err: unknown, kind: LeanFileKind): string {
  if (err instanceof NotPublished) return err.message;
  const cause = (err as Error).cause;
  return `${cause instanceof Error ? cause.message : (err as Error).message}; expected ${FORMAT[kind]}`;
}

/**
 * Replays LEAN zip files into a RecordSink. `start` resolves when every file is replayed, or
 * after `stop`, once the batch in hand is published. Lines that do not parse are rejected with
 * file:line and the reason; nothing is dropped.
 */
export class LeanReplayConnector implements StreamingConnector {
  private readonly logger = new Logger(LeanReplayConnector.name);
  readonly provider: string;
  readonly summary: LeanReplaySummary = { lines: 0, published: 0, rejected: 0 };
  private readonly files: LeanFile[];
  private readonly clock: ReplayClock;
  private readonly pacer: Pacer;
  private readonly batchSize: number;
  private stopping = false;

  constructor(options: LeanReplayOptions) {
    const speed = options.speed ?? 'max';
    if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0)) throw new Error(`speed ${speed} must be 'max' or a number > 0 (1 = real time)`);
    this.batchSize = options.batchSize ?? 1000;
    if (!(Number.isSafeInteger(this.batchSize) && this.batchSize > 0)) throw new Error(`batchSize ${options.batchSize} must be a whole number > 0`);
    this.provider = options.provider ?? 'lean';
    this.files = options.files.map(describeLeanFile);
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.pacer = new Pacer(speed, this.clock);
  }

  async start(jobSink: JobSink<LeanReplayPosition>): Promise<void> {
    const sink = asCheckpointed(jobSink);
    const resume = sink.resumeAt ?? { file: 0, lines: 0 };
    for (const [index, file] of this.files.entries()) {
      if (this.stopping) break;
      if (index < resume.file) continue;
      await this.replayFile(file, index, index === resume.file ? resume.lines : 0, sink);
    }
    this.logger.log(`LEAN replay ${this.stopping ? 'stopped' : 'done'}: ${this.summary.lines} lines, ${this.summary.published} published, ${this.summary.rejected} rejected`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
  }

  /** Whether the last start reached the end of every file. */
  finished(): boolean {
    return !this.stopping;
  }

  private async replayFile(file: LeanFile, index: number, skip: number, sink: CheckpointedSink<LeanReplayPosition>): Promise<void> {
    const timeOfDay = file.date ? newYorkDayClock(file.date) : () => 0;
    let batch: CanonicalRecord[] = [];
    let held = 0; // lines rejected since the last publish: their dead letters commit with it
    let done = skip; // lines whose records or dead letters are published or in hand
    const flush = async () => {
      if (batch.length + held === 0) return;
      await sink.publish(batch, { file: index, lines: done });
      this.summary.published += batch.length;
      [batch, held] = [[], 0];
    };
    for await (const line of leanZipLines(file.path)) {
      if (this.stopping) break;
      if (line.number <= skip) continue;
      this.summary.lines++;
      const record = await this.map(file, line, sink, timeOfDay);
      if (record) {
        const wait = this.pacer.delay(record.value.eventTime);
        if (wait > 0) {
          await flush(); // what is due goes out before the pause
          await this.clock.sleep(wait);
        }
        batch.push(record);
      } else if (line.text.trim() !== '') held++;
      done = line.number;
      if (batch.length + held >= this.batchSize) await flush();
    }
    await flush();
  }

  private async map(file: LeanFile, line: LeanLine, sink: CheckpointedSink<LeanReplayPosition>, timeOfDay: (ms: number) => number): Promise<ReplayRecord | null> {
    try {
      return toRecord(file, line, this.provider, this.clock.now() * MICROS_PER_MS, timeOfDay);
    } catch (err) {
      this.summary.rejected++;
      await sink.reject({ payload: line.text, reason: reasonFor(err, file.kind), source: `${file.path}:${line.number}` });
      return null;
    }
  }
}
