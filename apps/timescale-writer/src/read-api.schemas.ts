import { z } from 'zod';
import { TIMEFRAMES } from '@md/contracts';
import { GAP_POLICIES, SESSION_SCOPES, type GapPolicy, type SessionScope } from '@md/market';

// Query parameters of the read API. Symbols by pattern, times as ISO-8601 with a zone, and a
// mandatory row limit: an unbounded query on 10 million rows is how a dashboard takes a
// database down.
const symbol = z.string().regex(/^[A-Z][A-Z0-9.\-/]{0,20}$/, 'must be an upper-case ticker such as DBB');
const instant = z.string().datetime({ offset: true, message: 'must be ISO-8601 with a zone, e.g. 2024-07-01T13:30:00Z' }).transform((v) => new Date(v));

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
      // Which open slots may be filled. Stored bars are returned whatever it says, so 'extended',
      // the hours the feeds record, is the default.
      sessions: z.enum(SESSION_SCOPES as [SessionScope, ...SessionScope[]]).default('extended'),
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

/** Parses or throws a 400 whose message names the parameter and what it must be. */

export const qualityReportQuery = z
  .object({
    from: instant,
    to: instant,
    symbols: z
      .string()
      .optional()
      .transform((v) => (v ? v.split(',').map((s) => s.trim()) : []))
      .pipe(z.array(symbol).max(500)),
    format: z.enum(['json', 'markdown', 'html']).default('json'),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });
