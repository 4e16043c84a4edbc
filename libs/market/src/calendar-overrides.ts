import { z } from 'zod';
import { ConfigError } from '@md/contracts';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR } from './exchange-calendar';

// Runtime additions to the NYSE calendar: a closure or early close announced after this code was
// released (a national day of mourning is announced a week ahead; the Carter closure of 2025-01-09
// on 2024-12-31). The services read the document from the file CALENDAR_OVERRIDES_FILE names and
// pass it here once at boot; setCalendarOverrides (exchange-calendar.ts) applies it.

/** Upper bound on each list (STYLE.md habit 10): a year has a handful of such days. */
export const MAX_CALENDAR_OVERRIDES = 1000;

const REGULAR_OPEN = 9 * 60 + 30;
const REGULAR_CLOSE = 16 * 60;

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** 'HH:MM' -> minutes after midnight. */
const clockMinute = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

const date = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a New York date YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a calendar date')
  .refine((d) => Number(d.slice(0, 4)) >= CALENDAR_FIRST_YEAR && Number(d.slice(0, 4)) <= CALENDAR_LAST_YEAR, `must fall in ${CALENDAR_FIRST_YEAR}-${CALENDAR_LAST_YEAR}, the calendar's range`);

const reason = z.string().trim().min(1, 'must say why (it becomes closedFor)').max(200);

const closure = z.object({
  /** The New York date the exchange does not open. */
  date,
  /** Why, e.g. 'National Day of Mourning (Jimmy Carter)'; shown as the day's closedFor. */
  reason,
}).strict();

const earlyClose = z.object({
  /** The New York date the regular session ends early. */
  date,
  /** New York close 'HH:MM', after the 09:30 open and before the 16:00 close. Default '13:00'. */
  closeTime: z.string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM')
    .refine((t) => clockMinute(t) > REGULAR_OPEN && clockMinute(t) < REGULAR_CLOSE, 'must be after the 09:30 open and before the 16:00 close')
    .default('13:00'),
  /** Why the session is short. */
  reason,
}).strict();

export const calendarOverridesSchema = z.object({
  /** Extra full-day closures. Default none. */
  closures: z.array(closure).max(MAX_CALENDAR_OVERRIDES).default([]),
  /** Extra or changed early closes. Default none. */
  earlyCloses: z.array(earlyClose).max(MAX_CALENDAR_OVERRIDES).default([]),
}).strict().superRefine((doc, ctx) => {
  // A date named twice is a mistake in the document, not something to resolve silently.
  const seen = new Map<string, string>();
  const check = (list: 'closures' | 'earlyCloses', entries: readonly { date: string }[]) => entries.forEach((entry, index) => {
    const first = seen.get(entry.date);
    if (first) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [list, index, 'date'], message: `${entry.date} is already in ${first}` });
    else seen.set(entry.date, `${list}[${index}]`);
  });
  check('closures', doc.closures);
  check('earlyCloses', doc.earlyCloses);
});

/** The document as written (closeTime and either list may be left out). */
export type CalendarOverridesInput = z.input<typeof calendarOverridesSchema>;
/** A validated document, defaults filled in. */
export type CalendarOverrides = z.output<typeof calendarOverridesSchema>;

/** 'earlyCloses[2].closeTime' from a zod issue path. */
function fieldName(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('') || '(document)';
}

/**
 * Validates a parsed overrides document (JSON.parse of the file). Throws ConfigError naming every
 * bad field with its entry index, e.g. "earlyCloses[1].closeTime: must be a time HH:MM".
 */
export function parseCalendarOverrides(input: unknown): CalendarOverrides {
  const parsed = calendarOverridesSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${fieldName(issue.path)}: ${issue.message}`);
  throw new ConfigError(`calendar overrides are invalid: ${problems.join('; ')}`);
}
