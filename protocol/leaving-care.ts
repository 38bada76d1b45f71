// Leaving-care milestones (protocol.md §4) from a date of birth, in the protocol's time zone. Pure:
// activities compute them and hand the workflow instants only, never the date of birth.
//
// Rules chosen where the protocol is silent:
// - A birthday starts at local midnight (Africa/Casablanca) of its date.
// - 29 February: in a non-leap year the birthday is 1 March — the year of age is complete only
//   once 28 February has ended.
// - Approximate date of birth: only its year is trusted. Preparation starts on the start-age
//   birthday counted from 1 January of that year (the earliest it could be: preparing early costs
//   nothing); exit is on the exit-age birthday counted from 31 December (the latest it could be:
//   in doubt, the young person is presumed a minor and stays in care).

import { type Duration, type LeavingCare } from './definition';
import { type HolidayCalendar } from './holiday-calendar';
import {
  addLocalDays,
  addLocalMonths,
  isLocalDate,
  type LocalDate,
  startOfLocalDay,
  yearOf,
} from './local-time';
import { addDuration } from './working-days';

export interface BirthDate {
  date: LocalDate;
  approximate: boolean;
}

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The local date of the `age`-th birthday; 29 February falls on 1 March in non-leap years. */
export function birthday(birthDate: LocalDate, age: number): LocalDate {
  if (!isLocalDate(birthDate)) throw new RangeError(`not a local date (YYYY-MM-DD): ${birthDate}`);
  const year = yearOf(birthDate) + age;
  const monthDay = birthDate.slice(5);
  const pad = String(year).padStart(4, '0');
  if (monthDay === '02-29' && !isLeapYear(year)) return `${pad}-03-01`;
  return `${pad}-${monthDay}`;
}

/** Earliest and latest date the child can have been born on (the same date unless approximate). */
export function birthDateBounds(birth: BirthDate): { earliest: LocalDate; latest: LocalDate } {
  if (!birth.approximate) return { earliest: birth.date, latest: birth.date };
  const year = String(yearOf(birth.date)).padStart(4, '0');
  return { earliest: `${year}-01-01`, latest: `${year}-12-31` };
}

/** `d` times `k` in the same unit ({ months: 1 } × 3 = { months: 3 }). */
export function scaleDuration(d: Duration, k: number): Duration {
  if ('minutes' in d) return { minutes: d.minutes * k };
  if ('hours' in d) return { hours: d.hours * k };
  if ('workingDays' in d) return { workingDays: d.workingDays * k };
  if ('days' in d) return { days: d.days * k };
  return { months: d.months * k };
}

function subtractDuration(instant: Date, d: Duration, timeZone: string): Date {
  if ('minutes' in d) return new Date(instant.getTime() - d.minutes * 60_000);
  if ('hours' in d) return new Date(instant.getTime() - d.hours * 3_600_000);
  if ('days' in d) return addLocalDays(instant, -d.days, timeZone);
  if ('months' in d) return addLocalMonths(instant, -d.months, timeZone);
  throw new RangeError('leavingCare.exitPlanBefore18: working days cannot be counted backwards');
}

const latest = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
const earliest = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

/**
 * Accompaniment after exit: it lasts `months` calendar months, and a contact is due at the end of
 * each period of `contactEvery` within it, each counted from the exit itself (so an exit on 31
 * January gives 28 February, 31 March, … without drifting).
 */
export function planAccompaniment(
  rules: LeavingCare,
  cal: HolidayCalendar,
  exitAt: Date,
  months: number,
  timeZone: string,
): { contactDueAt: Date[]; accompanimentEndsAt: Date } {
  const accompanimentEndsAt = addLocalMonths(exitAt, months, timeZone);
  const contactDueAt: Date[] = [];
  for (let k = 1; ; k += 1) {
    const due = addDuration(exitAt, scaleDuration(rules.contactEvery, k), cal, timeZone);
    if (due.getTime() > accompanimentEndsAt.getTime()) break;
    contactDueAt.push(due);
  }
  return { contactDueAt, accompanimentEndsAt };
}

export interface PathwayMilestones {
  /** The start-age birthday, or the enrolment if the child is already older. */
  preparationAt: Date;
  /** `exitPlanBefore18` before exit; for a late enrolment no earlier than the programme is due, never after exit. */
  exitPlanDueAt: Date;
  /** The exit-age birthday: the young person leaves care. */
  exitAt: Date;
  /** End of each contact period of the accompaniment. */
  contactDueAt: Date[];
  accompanimentEndsAt: Date;
}

export type MilestonePlan =
  { enrol: true; milestones: PathwayMilestones } | { enrol: false; reason: 'pastExitAge' };

/** Whether and when a child enrolled at `enrolledAt` goes through each stage of the pathway. */
export function planMilestones(
  rules: LeavingCare,
  cal: HolidayCalendar,
  birth: BirthDate,
  enrolledAt: Date,
  accompanimentMonths: number,
  timeZone: string,
): MilestonePlan {
  const bounds = birthDateBounds(birth);
  const exitAt = startOfLocalDay(birthday(bounds.latest, rules.exitAge), timeZone);
  if (enrolledAt.getTime() >= exitAt.getTime()) return { enrol: false, reason: 'pastExitAge' };
  const preparationAt = latest(
    startOfLocalDay(birthday(bounds.earliest, rules.startAge), timeZone),
    enrolledAt,
  );
  const programmeDue = addDuration(preparationAt, rules.assessmentWithin, cal, timeZone);
  const exitPlanDueAt = earliest(
    latest(subtractDuration(exitAt, rules.exitPlanBefore18, timeZone), programmeDue),
    exitAt,
  );
  return {
    enrol: true,
    milestones: {
      preparationAt,
      exitPlanDueAt,
      exitAt,
      ...planAccompaniment(rules, cal, exitAt, accompanimentMonths, timeZone),
    },
  };
}
