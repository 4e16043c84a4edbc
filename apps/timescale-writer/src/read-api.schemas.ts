import { z } from 'zod';
import { TIMEFRAMES } from '@md/contracts';
import { GAP_POLICIES, SESSION_SCOPES, type GapPolicy, type SessionScope } from '@md/market';
import { EXPORT_FORMATS } from '@md/columnar';

// Query parameters of the read API. Symbols by pattern, times as ISO-8601 with a zone, and a
// mandatory row limit: an unbounded query on 10 million rows is how a dashboard takes a
// database down.
export const symbol = z.string().regex(/^[A-Z][A-Z0-9.\-/]{0,20}$/, 'must be an upper-case ticker such as DBB');
export const instant = z.string().datetime({ offset: true, message: 'must be ISO-8601 with a zone, e.g. 2024-07-01T13:30:00Z' }).transform((v) => new Date(v));
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

export const chainQuery = (maxRows: number) =>
  z.object({
    underlying: symbol,
    expiry: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
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
