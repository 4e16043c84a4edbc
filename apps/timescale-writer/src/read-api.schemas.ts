import { z } from 'zod';
import { TIMEFRAMES } from '@md/contracts';
import { GAP_POLICIES, SESSION_SCOPES, type GapPolicy, type SessionScope } from '@md/market';
import { EXPORT_FORMATS } from '@md/columnar';

// Query parameters of the read API. Symbols by pattern, times as ISO-8601 with a zone, and a
// mandatory row limit: an unbounded query on 10 million rows is how a dashboard takes a
// database down.
export const symbol = z.string().regex(/^[A-Z][A-Z0-9.\-/]{0,20}$/, 'must be an upper-case ticker such as DBB');

/**
 * The instants the API accepts. From 1900: before 1883 New York kept local mean time
 * (UTC-04:56:02), not the whole hours the session grid assumes (session-bars.ts). Up to
 * 9999-01-01, the snapshot's end of time: the readers reach past a request's range (a fill's
 * anchors, a report's whole New York days), and an instant past 9999-12-31 or before year 1 is
 * written by JavaScript as `+010000-…` or `0000-…`, which PostgreSQL refuses (each was a 500
 * in the fuzz test, issue 18).
 */
export const EARLIEST_INSTANT = '1900-01-01T00:00:00Z';
export const LATEST_INSTANT = '9999-01-01T00:00:00Z';
const [earliest, latest] = [Date.parse(EARLIEST_INSTANT), Date.parse(LATEST_INSTANT)];
const ISO_WITH_ZONE = 'must be ISO-8601 with a zone, e.g. 2024-07-01T13:30:00Z';

export const instant = z
  .string()
  .datetime({ offset: true, message: ISO_WITH_ZONE })
  .transform((v, ctx) => {
    const time = Date.parse(v);
    // zod's pattern takes any two digits for the offset's hours and minutes; Date does not (+99:99).
    if (Number.isNaN(time)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${ISO_WITH_ZONE}, its offset at most ±23:59` });
    else if (time < earliest || time > latest) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be from ${EARLIEST_INSTANT} to ${LATEST_INSTANT}` });
    else return new Date(time);
    return z.NEVER;
  });

/** A calendar date (zod's date() checks the month's days and leap years), in the instants' years. */
export const calendarDate = z
  .string()
  .date('must be a date YYYY-MM-DD')
  .refine((v) => v >= EARLIEST_INSTANT.slice(0, 10) && v <= LATEST_INSTANT.slice(0, 10), `must be from ${EARLIEST_INSTANT.slice(0, 10)} to ${LATEST_INSTANT.slice(0, 10)}`);

const symbolList = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()) : []))
  .pipe(z.array(symbol).max(500));

// json: the answer as it always was; csv, arrow, parquet: a file of the same rows (columnar-export.ts).
const exportFormat = z.enum(EXPORT_FORMATS).default('json');

export const barsQuery = (maxRows: number) =>
  z
    .object({
      symbol,
      timeframe: z.enum(TIMEFRAMES as [string, ...string[]]).default('1m'),
      from: instant,
      to: instant,
      limit: z.coerce.number().int().min(1).max(maxRows),
      adjusted: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
      // Empty open slots: 'none' returns the stored bars as they are; fills are marked, never stored.
      fill: z.enum(GAP_POLICIES as [GapPolicy, ...GapPolicy[]]).default('none'),
      // 1m: which open slots may be filled (stored minutes are returned whatever it says), default
      // 'extended', the hours the feeds record. Coarser timeframes: which minutes a bar is made of,
      // default 'regular', the session the feature engine resamples (session-bars.ts).
      sessions: z.enum(SESSION_SCOPES as [SessionScope, ...SessionScope[]]).optional(),
      // Point in time: only bars whose end is at or before it (their minutes known by then).
      asOf: instant.optional(),
      format: exportFormat,
    })
    .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const latestQuery = z.object({
  symbols: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(symbol).min(1).max(500)),
});

export const summaryQuery = z.object({ symbol, timeframe: z.enum(TIMEFRAMES as [string, ...string[]]).default('1m') });

/** GET /v1/bars/snapshot (snapshot-api.controller.ts): without `to`, to the end of what is stored. */
export const snapshotQuery = (maxRows: number) =>
  z
    .object({
      symbol,
      timeframe: z.enum(TIMEFRAMES as [string, ...string[]]).default('1m'),
      from: instant,
      to: instant.optional(),
      limit: z.coerce.number().int().min(1).max(maxRows).default(maxRows),
    })
    .refine((q) => !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const chainQuery = (maxRows: number) =>
  z.object({
    underlying: symbol,
    // A real date: an impossible one (2024-13-45) reached PostgreSQL's date parser (a 500, issue 18).
    expiry: calendarDate.optional(),
    limit: z.coerce.number().int().min(1).max(maxRows).default(Math.min(1000, maxRows)),
  });

export const actionsQuery = (maxRows: number) =>
  z.object({ symbol, limit: z.coerce.number().int().min(1).max(maxRows).default(Math.min(1000, maxRows)) });


/** Upper bound of the report's chartDays: 100 days of minutes is at most 144,000 bars read. */
export const MAX_CHART_DAYS = 100;

export const qualityReportQuery = z
  .object({
    from: instant,
    to: instant,
    symbols: symbolList,
    format: z.enum(['json', 'markdown', 'html']).default('json'),
    // Price charts of the worst days with findings: at most this many (each up to 1440 bars read).
    chartDays: z.coerce.number().int().min(0).max(MAX_CHART_DAYS).default(20),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });


/** Derived rows in [from, to), known at asOf (all when absent), at most limit. */
const derivedRange = (maxRows: number) => ({
  from: instant,
  to: instant,
  asOf: instant.optional(),
  limit: z.coerce.number().int().min(1).max(maxRows).default(Math.min(1000, maxRows)),
});
const fromBeforeTo = { message: 'from must be before to', path: ['from'] };

export const featuresQuery = (maxRows: number) =>
  z.object({ symbol, timeframe: z.enum(TIMEFRAMES as [string, ...string[]]).default('1m'), ...derivedRange(maxRows), format: exportFormat })
    .refine((q) => q.from < q.to, fromBeforeTo);

export const issuesQuery = (maxRows: number) => z.object({ symbols: symbolList, ...derivedRange(maxRows) }).refine((q) => q.from < q.to, fromBeforeTo);

export const signalsQuery = (maxRows: number) =>
  z.object({ symbol, signal: z.string().regex(/^[a-z_]{1,40}$/, 'must be a signal name such as composite or vix_regime').optional(), ...derivedRange(maxRows) })
    .refine((q) => q.from < q.to, fromBeforeTo);
