// Deadline arithmetic in the protocol's time zone. Pure: the holiday calendar and the zone are
// arguments, so results are reproducible in workflow code and in tests.
//
// Working-day rule: a deadline of n working days falls at the END of the n-th working day after the
// local date of the start instant, i.e. at local midnight starting the next day. An instant exactly
// at local midnight is the end of the previous day, which makes the rule composable: adding 3 then
// 1 working days equals adding 4, and an escalation "+1 working day" after a deadline is the end of
// the next working day.

import { type Duration, type Offset } from './definition';
import { assertCovered, type HolidayCalendar, isHoliday } from './holiday-calendar';
import {
  addDays,
  addLocalDays,
  addLocalMonths,
  dayOfWeek,
  type LocalDate,
  localDateOf,
  startOfLocalDay,
  toLocal,
} from './local-time';

const HOUR_MS = 3_600_000;

/** Zone of protocol v1; pass `protocol.timezone` when you have the protocol at hand. */
export const DEFAULT_TIME_ZONE = 'Africa/Casablanca';

/** Monday–Friday and not a public holiday. Throws if the calendar lacks the date's year. */
export function isWorkingDay(date: LocalDate, cal: HolidayCalendar): boolean {
  assertCovered(date, cal);
  const dow = dayOfWeek(date);
  return dow !== 0 && dow !== 6 && !isHoliday(date, cal);
}

/** The local day an instant falls in, where exact local midnight counts as the end of the day before. */
export function dayEndedBy(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalDate {
  const l = toLocal(instant, timeZone);
  const date = localDateOf(instant, timeZone);
  const midnight = l.hour === 0 && l.minute === 0 && l.second === 0 && l.millisecond === 0;
  return midnight ? addDays(date, -1) : date;
}

/** The instant a local day ends: local midnight starting the following day. */
export function endOfLocalDay(date: LocalDate, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return startOfLocalDay(addDays(date, 1), timeZone);
}

function assertCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`expected a non-negative integer, got ${n}`);
}

/**
 * End of the n-th working day after the local date of `instant`. n = 0: end of that same day if it
 * is a working day, else end of the next working day.
 */
export function addWorkingDays(
  instant: Date,
  n: number,
  cal: HolidayCalendar,
  timeZone: string = DEFAULT_TIME_ZONE,
): Date {
  assertCount(n);
  let day = dayEndedBy(instant, timeZone);
  if (n === 0) {
    while (!isWorkingDay(day, cal)) day = addDays(day, 1);
  } else {
    for (let left = n; left > 0;) {
      day = addDays(day, 1);
      if (isWorkingDay(day, cal)) left -= 1;
    }
  }
  return endOfLocalDay(day, timeZone);
}

/**
 * Adds a protocol duration: minutes and hours are exact elapsed time; days keep the local wall-clock time;
 * months keep it too, clamping the day to the month's end (31 Jan + 1 month = 28/29 Feb); working
 * days follow addWorkingDays.
 */
export function addDuration(
  instant: Date,
  d: Duration | Offset,
  cal: HolidayCalendar,
  timeZone: string = DEFAULT_TIME_ZONE,
): Date {
  if ('minutes' in d) {
    assertCount(d.minutes);
    return new Date(instant.getTime() + d.minutes * 60_000);
  }
  if ('hours' in d) {
    assertCount(d.hours);
    return new Date(instant.getTime() + d.hours * HOUR_MS);
  }
  if ('days' in d) {
    assertCount(d.days);
    return addLocalDays(instant, d.days, timeZone);
  }
  if ('months' in d) {
    assertCount(d.months);
    return addLocalMonths(instant, d.months, timeZone);
  }
  return addWorkingDays(instant, d.workingDays, cal, timeZone);
}

/**
 * Whole working days elapsed after `due` by `at` (0 if not late). Counting starts the day after the
 * one `due` ends (a 14:00 deadline does not make the rest of its day a whole late day) and stops at
 * the last local day that has ended by `at`.
 */
export function workingDaysLate(
  due: Date,
  at: Date,
  cal: HolidayCalendar,
  timeZone: string = DEFAULT_TIME_ZONE,
): number {
  if (at.getTime() <= due.getTime()) return 0;
  const lastComplete = addDays(localDateOf(at, timeZone), -1);
  let count = 0;
  for (let day = addDays(dayEndedBy(due, timeZone), 1); day <= lastComplete; day = addDays(day, 1)) {
    if (isWorkingDay(day, cal)) count += 1;
  }
  return count;
}

/** Milliseconds past the deadline (0 if on time), for the statistics. */
export function lateness(due: Date, at: Date): number {
  return Math.max(0, at.getTime() - due.getTime());
}
