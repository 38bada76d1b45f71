// Public holidays as data, one file per year (protocol/calendar/<year>.json). Lunar holidays move
// every year and are announced late, so the files are replaced without a code change. A year with no
// file is an error, never "no holidays". Pure: no Node APIs.

import { z } from 'zod';
import { type LocalDate, LocalDateSchema, onlyIfValid, yearOf } from './local-time';

export const HolidaySchema = z.strictObject({
  date: LocalDateSchema,
  name: z.string().min(1),
  /** fixed = same date every year; lunar = Hijri calendar; exceptional = one-off government decision. */
  kind: z.enum(['fixed', 'lunar', 'exceptional']),
  /** For moving holidays: announced by the authorities, or an estimate still to be confirmed. */
  status: z.enum(['announced', 'estimated']).optional(),
});
export type Holiday = z.infer<typeof HolidaySchema>;

export const CalendarFileSchema = z
  .strictObject({
    year: z.number().int().min(1900).max(2200),
    /** Free text: where the dates come from. */
    notes: z.string().optional(),
    holidays: z.array(HolidaySchema),
  })
  .superRefine((file, ctx) => {
    file.holidays.forEach((h, i) => {
      if (yearOf(h.date) !== file.year) {
        ctx.addIssue({
          code: 'custom',
          path: ['holidays', i, 'date'],
          message: `expected a date in ${file.year}`,
        });
      }
    });
  }, onlyIfValid);
export type CalendarFile = z.infer<typeof CalendarFileSchema>;

export interface HolidayCalendar {
  /** Years the calendar knows; any other year is an error. */
  readonly years: ReadonlySet<number>;
  /** Holidays by local date (a date can carry two, e.g. a lunar feast on a fixed holiday). */
  readonly holidays: ReadonlyMap<LocalDate, readonly Holiday[]>;
  /** Directory the files came from, for error messages ('protocol/calendar'). */
  readonly source: string;
}

export class MissingCalendarYearError extends Error {
  override readonly name = 'MissingCalendarYearError';
  constructor(
    readonly year: number,
    readonly file: string,
  ) {
    super(`no holiday calendar for ${year} (${file})`);
  }
}

/**
 * Builds the lookup from already-validated files (see parseCalendarFile). Files are plain JSON, so
 * a workflow can receive them from an activity and build its calendar deterministically.
 */
export function buildHolidayCalendar(
  files: readonly CalendarFile[],
  source = 'protocol/calendar',
): HolidayCalendar {
  const years = new Set<number>();
  const holidays = new Map<LocalDate, Holiday[]>();
  for (const file of files) {
    if (years.has(file.year)) throw new Error(`holiday calendar for ${file.year} given twice`);
    years.add(file.year);
    for (const h of file.holidays) holidays.set(h.date, [...(holidays.get(h.date) ?? []), h]);
  }
  return Object.freeze({ years, holidays, source });
}

/** Throws MissingCalendarYearError unless the calendar covers the date's year. */
export function assertCovered(date: LocalDate, cal: HolidayCalendar): void {
  const year = yearOf(date);
  if (!cal.years.has(year)) throw new MissingCalendarYearError(year, `${cal.source}/${year}.json`);
}

export function holidaysOn(date: LocalDate, cal: HolidayCalendar): readonly Holiday[] {
  assertCovered(date, cal);
  return cal.holidays.get(date) ?? [];
}

export function isHoliday(date: LocalDate, cal: HolidayCalendar): boolean {
  return holidaysOn(date, cal).length > 0;
}

/** How far ahead the holiday calendar must reach before operators are warned to add a year. */
export const CALENDAR_HORIZON_MONTHS = 18;

/**
 * A warning for operators when the calendar ends within CALENDAR_HORIZON_MONTHS of `now` (a
 * deadline past its last year cannot be computed), or undefined when it reaches far enough.
 */
export function calendarCoverageWarning(cal: HolidayCalendar, now: Date): string | undefined {
  const last = Math.max(...cal.years);
  const horizon = new Date(now.getTime());
  horizon.setUTCMonth(horizon.getUTCMonth() + CALENDAR_HORIZON_MONTHS);
  if (horizon.getUTCFullYear() <= last) return undefined;
  return `holiday calendar ends with ${last}: add ${cal.source}/${last + 1}.json before deadlines reach that year`;
}
