/**
 * A statistics period: `[from, to)` between two local dates of the protocol's time zone
 * (Africa/Casablanca), i.e. from local midnight of `from` up to, not including, local midnight of
 * `to`. October 2026 is `from=2026-10-01`, `to=2026-11-01`.
 */
import { addLocalMonths, isLocalDate, localDateOf, startOfLocalDay, type LocalDate } from '../../protocol';

/** Longest period a request may ask for: a leap year. */
export const MAX_PERIOD_DAYS = 366;

export interface Period {
  from: LocalDate;
  to: LocalDate;
  timeZone: string;
  /** Local midnight of `from`, and of `to` (excluded). */
  fromInstant: Date;
  toInstant: Date;
}

export class PeriodError extends Error {
  override name = 'PeriodError';
  constructor(
    readonly field: 'from' | 'to' | 'month',
    message: string,
  ) {
    super(message);
  }
}

export function periodOf(from: LocalDate, to: LocalDate, timeZone: string): Period {
  if (!isLocalDate(from)) throw new PeriodError('from', 'expected an existing date YYYY-MM-DD');
  if (!isLocalDate(to)) throw new PeriodError('to', 'expected an existing date YYYY-MM-DD');
  if (to <= from) throw new PeriodError('to', 'must be after from (the period is [from, to))');
  const fromInstant = startOfLocalDay(from, timeZone);
  const toInstant = startOfLocalDay(to, timeZone);
  // Calendar days between the two dates, whatever the clock changes in between.
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
  if (days > MAX_PERIOD_DAYS)
    throw new PeriodError('to', `the period may span at most ${MAX_PERIOD_DAYS} days`);
  return { from, to, timeZone, fromInstant, toInstant };
}

/** `YYYY-MM` as a period. */
export function monthPeriod(month: string, timeZone: string): Period {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new PeriodError('month', 'expected a month YYYY-MM');
  const from = `${month}-01`;
  const next = localDateOf(addLocalMonths(startOfLocalDay(from, timeZone), 1, timeZone), timeZone);
  return periodOf(from, next, timeZone);
}

/** The month before the one `at` falls in, locally: what a run on 1 November reports (October). */
export function previousMonth(at: Date, timeZone: string): string {
  const firstOfThisMonth = `${localDateOf(at, timeZone).slice(0, 7)}-01`;
  return localDateOf(
    addLocalMonths(startOfLocalDay(firstOfThisMonth, timeZone), -1, timeZone),
    timeZone,
  ).slice(0, 7);
}
