import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@md/contracts';
import { parseCalendarOverrides, setCalendarOverrides } from '@md/market';

/**
 * Applies the NYSE closures and early closes of CALENDAR_OVERRIDES_FILE (an unscheduled closure is
 * announced days ahead, a release is not), before anything reads the calendar. A missing,
 * unreadable or invalid file stops the service with one line naming the variable.
 */
export function applyCalendarOverridesFile(file: string | undefined, service: string): void {
  if (!file) return;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(`config: CALENDAR_OVERRIDES_FILE is invalid ("${file}"): ${why}`);
  }
  let overrides;
  try {
    overrides = parseCalendarOverrides(document);
  } catch (err) {
    throw new ConfigError(`config: CALENDAR_OVERRIDES_FILE is invalid ("${file}"): ${(err as Error).message.replace(/^calendar overrides are invalid: /, '')}`);
  }
  setCalendarOverrides(overrides);
  new Logger(service).log(`calendar overrides from ${file}: ${overrides.closures.length} closure(s), ${overrides.earlyCloses.length} early close(s)`);
}
