import { z } from 'zod';
import { SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';
import { TIMEFRAMES, isValidZone } from '@md/domain';

const BarColumnsJson = z.object({
  time: z.string(), open: z.string(), high: z.string(), low: z.string(), close: z.string(), volume: z.string(), symbol: z.string().optional(),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const GatewayConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['feed-gateway']),
  /** CSV of bars to replay at start (empty: no replay). */
  REPLAY_FILE: z.string().optional(),
  /** Symbol of a one-instrument file (when the file has no symbol column). */
  REPLAY_SYMBOL: z.string().regex(/^[A-Za-z][A-Za-z0-9.\-/]{0,20}$/, 'must be a ticker such as DBB').optional(),
  /** IANA zone of naive timestamps in the file, e.g. UTC or America/New_York. Never guessed. */
  REPLAY_ZONE: z.string().refine(isValidZone, 'must be an IANA zone such as UTC or America/New_York').optional(),
  /** Bar length of the file's rows. */
  REPLAY_TIMEFRAME: z.enum(TIMEFRAMES as [string, ...string[]]).default('1m'),
  /** Provider name written into each record. */
  REPLAY_PROVIDER: z.string().min(1).default('file'),
  /** Column mapping as JSON, e.g. {"time":"Date","open":"Open",...}; default is the DBB header. */
  REPLAY_COLUMNS: z
    .string()
    .transform((text, ctx) => {
      const parsed = BarColumnsJson.safeParse(safeJson(text));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON like {"time":"Date","open":"Open","high":"High","low":"Low","close":"Close","volume":"Volume"}' });
      return z.NEVER;
    })
    .optional(),
  /** Exit 0 once the replay is published (for one-shot jobs and the quick start). */
  REPLAY_EXIT_WHEN_DONE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Records per produce request; sends are awaited, which bounds memory to one batch. */
  PUBLISH_BATCH: positiveInt(1000),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;
