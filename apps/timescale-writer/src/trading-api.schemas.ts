import { z } from 'zod';
import { instant, symbol } from './read-api.schemas';

// Query parameters of the trading read API (issue 17): the same rules as the market-data routes
// (tickers by pattern, ISO-8601 times with a zone, a mandatory bounded limit).
const alias = z.string().regex(/^[A-Za-z0-9_.\-]{1,64}$/, 'must be an account alias from config (letters, digits, _ . -)');
const limit = (maxRows: number) => z.coerce.number().int().min(1).max(maxRows);
const window = (maxRows: number) => ({ from: instant, to: instant, limit: limit(maxRows), account: alias.optional(), symbol: symbol.optional() });
const ordered = { message: 'from must be before to', path: ['from'] };

export const ordersQuery = (maxRows: number) =>
  z.object({ ...window(maxRows), status: z.string().regex(/^[a-z_]{1,32}$/, 'must be a lower-case order status such as filled').optional() })
    .refine((q) => q.from < q.to, ordered);

export const orderIdQuery = (maxRows: number) =>
  z.object({ limit: limit(maxRows).default(Math.min(1000, maxRows)) });

export const orderIdParam = z.object({ orderId: z.string().regex(/^[A-Za-z0-9:@#_.\-]{1,128}$/, 'must be a broker order id') });

export const executionsQuery = (maxRows: number) => z.object(window(maxRows)).refine((q) => q.from < q.to, ordered);

export const positionsQuery = (maxRows: number) =>
  z.object({
    account: alias.optional(),
    symbol: symbol.optional(),
    closed: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    limit: limit(maxRows).default(Math.min(1000, maxRows)),
  });

export const signalsQuery = (maxRows: number) =>
  z.object({
    symbol, from: instant, to: instant, limit: limit(maxRows),
    model: z.string().regex(/^[A-Za-z0-9_.\-]{1,64}$/, 'must be a model name (letters, digits, _ . -)').optional(),
    asOf: instant.optional(),
  }).refine((q) => q.from < q.to, ordered);

export const riskEventsQuery = (maxRows: number) =>
  z.object({
    from: instant, to: instant, limit: limit(maxRows),
    type: z.string().regex(/^[a-z_]{1,40}$/, 'must be a risk event type such as position_concentration').optional(),
    severity: z.enum(['INFO', 'WARNING', 'CRITICAL']).default('INFO'),
  }).refine((q) => q.from < q.to, ordered);
