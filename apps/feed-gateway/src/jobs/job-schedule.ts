import { DateTime } from 'luxon';
import { ConfigError } from '@md/config';
import { isValidZone } from '@md/market';

// When a scheduled job is due. Two forms, parsed here rather than with a cron package because
// none is installed (node_modules has no cron parser) and the jobs need only these:
// - `daily@06:00 America/New_York` (several times: `daily@06:00,18:30 UTC`): wall-clock times in
//   an IANA zone, so a New York job stays at 06:00 local across DST. luxon resolves a time the
//   spring-forward gap skips (02:30 on the second Sunday of March) to the instant after the gap
//   (03:30 EDT; luxon docs, "Zones: ambiguous and invalid times"). An ambiguous fall-back time
//   (01:30 on the first Sunday of November) luxon resolves to its second occurrence (EST);
//   earliest() takes the first (EDT). Either way each day runs each time once.
// - `every@30s` / `every@15m` / `every@2h`: a fixed period from the Unix epoch, for the local
//   stack and tests.

export type JobSchedule =
  | { kind: 'daily'; text: string; times: ReadonlyArray<{ hour: number; minute: number }>; zone: string }
  | { kind: 'every'; text: string; periodMs: number };

const DAILY = /^daily@(\d{2}:\d{2}(?:,\d{2}:\d{2})*)\s+(\S+)$/;
const EVERY = /^every@(\d+)(s|m|h)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
/** A period under a second would spin; over a day, use daily@. */
const MIN_PERIOD_MS = 1000;
const MAX_PERIOD_MS = 24 * 3_600_000;

/** Parses a schedule or throws a ConfigError naming `name` (the config variable) and the accepted forms. */
export function parseSchedule(text: string, name: string): JobSchedule {
  const fail = (why: string) => new ConfigError(`${name}=${JSON.stringify(text)}: ${why} (forms: "daily@06:00 America/New_York", "daily@06:00,18:00 UTC", "every@30s|15m|2h")`);
  const trimmed = text.trim();
  const every = EVERY.exec(trimmed);
  if (every) {
    const periodMs = Number(every[1]) * UNIT_MS[every[2] as keyof typeof UNIT_MS];
    if (periodMs < MIN_PERIOD_MS || periodMs > MAX_PERIOD_MS) throw fail('the period must be from 1 s to 24 h');
    return { kind: 'every', text: trimmed, periodMs };
  }
  const daily = DAILY.exec(trimmed);
  if (!daily) throw fail('not a schedule');
  if (!isValidZone(daily[2])) throw fail(`unknown IANA zone ${daily[2]}`);
  const times = daily[1].split(',').map((hm) => ({ hour: Number(hm.slice(0, 2)), minute: Number(hm.slice(3)) }));
  if (times.some((t) => t.hour > 23 || t.minute > 59)) throw fail('times must be HH:MM from 00:00 to 23:59');
  return { kind: 'daily', text: trimmed, times: [...times].sort((a, b) => a.hour * 60 + a.minute - (b.hour * 60 + b.minute)), zone: daily[2] };
}

/** The first due instant strictly after `afterMs` (Unix ms). */
export function nextRun(schedule: JobSchedule, afterMs: number): number {
  if (schedule.kind === 'every') return (Math.floor(afterMs / schedule.periodMs) + 1) * schedule.periodMs;
  const local = DateTime.fromMillis(afterMs, { zone: schedule.zone });
  // Today's times, then tomorrow's: two days always hold a later one. Days step by calendar date,
  // not by 24 h, which a 23 or 25 h DST day would skew.
  for (let day = 0; day <= 2; day++) {
    const date = local.startOf('day').plus({ days: day });
    for (const t of schedule.times) {
      const due = earliest(DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: t.hour, minute: t.minute }, { zone: schedule.zone }));
      if (due > afterMs) return due;
    }
  }
  throw new Error(`no run of ${schedule.text} after ${afterMs}`);
}

/** The first occurrence of a wall time the fall-back hour repeats (DST shifts are an hour in the zones we schedule in). */
function earliest(local: DateTime): number {
  const hourBefore = local.minus({ hours: 1 });
  return hourBefore.hour === local.hour && hourBefore.minute === local.minute ? hourBefore.toMillis() : local.toMillis();
}
