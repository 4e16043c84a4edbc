import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { NYSE_CALENDAR_FILE, fixturePath } from '@md/fixtures';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, tradingDay } from './exchange-calendar';

// Real reference: fixtures/calendar/nyse-1990-2035.csv, built from the NYSE's closings history and
// notices and two maintained calendars (see its README), compared with every weekday of every year.

interface ReferenceRow {
  kind: 'holiday' | 'closure' | 'early_close';
  closeMinute: number | null;
  name: string;
}

function readReference(): Map<string, ReferenceRow> {
  const [header, ...lines] = readFileSync(fixturePath(NYSE_CALENDAR_FILE), 'utf8').trim().split('\n');
  expect(header).toBe('date,kind,close_time,name,source');
  const rows = new Map<string, ReferenceRow>();
  for (const line of lines) {
    const [date, kind, close, name] = line.split(',');
    const closeMinute = close ? Number(close.slice(0, 2)) * 60 + Number(close.slice(3, 5)) : null;
    rows.set(date, { kind: kind as ReferenceRow['kind'], closeMinute, name });
  }
  return rows;
}

const reference = readReference();
const years = Array.from({ length: CALENDAR_LAST_YEAR - CALENDAR_FIRST_YEAR + 1 }, (_, i) => CALENDAR_FIRST_YEAR + i);

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** What the reference says of a weekday, in the calendar's terms. */
function expected(date: string): string {
  const row = reference.get(date);
  if (!row || row.kind === 'early_close') return `open, closes ${clock(row?.closeMinute ?? 16 * 60)}`;
  return `closed for ${row.name}`;
}

function actual(date: string): string {
  const day = tradingDay(date);
  if (!day.open) return `closed for ${day.closedFor}`;
  if (day.earlyClose !== day.closeMinute < 16 * 60) return `open, earlyClose ${day.earlyClose} but closes ${clock(day.closeMinute)}`;
  return `open, closes ${clock(day.closeMinute)}`;
}

describe('NYSE calendar against the reference table', () => {
  it('has reference rows for every year 1990-2035 and none on a weekend', () => {
    for (const year of years) expect([...reference.keys()].some((d) => d.startsWith(`${year}-`))).toBe(true);
    expect([...reference.keys()].filter((d) => DateTime.fromISO(d).weekday > 5)).toEqual([]);
  });

  it.each(years)('matches every weekday of %i: open or closed, holiday name, early close and its time', (year) => {
    const differences: string[] = [];
    for (let day = DateTime.utc(year, 1, 1); day.year === year; day = day.plus({ days: 1 })) {
      if (day.weekday > 5) continue;
      const date = day.toISODate()!;
      const want = expected(date);
      const got = actual(date);
      if (got !== want) differences.push(`${date}: reference ${want}, calendar ${got}`);
    }
    expect(differences).toEqual([]);
  });
});
