/**
 * Deadlines as people say them: "in 3 working days", "overdue by 2 days", in Africa/Casablanca.
 * Pure (no DOM, no clock): the caller gives `now` and the non-working days from GET /calendar.
 */
export const TIME_ZONE = 'Africa/Casablanca';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const ymd = new Map<string, Intl.DateTimeFormat>();
/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, timeZone = TIME_ZONE): string {
  let f = ymd.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    ymd.set(timeZone, f);
  }
  return f.format(instant);
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The local day a deadline ends: a deadline at exact local midnight ends the day before. */
export function dayEndedBy(instant: Date, timeZone = TIME_ZONE): string {
  const date = localDate(instant, timeZone);
  const justBefore = localDate(new Date(instant.getTime() - 1), timeZone);
  return justBefore !== date ? justBefore : date;
}

export type DuePhraseId =
  | 'due.now'
  | 'due.inMinutes'
  | 'due.inHours'
  | 'due.inWorkingDays'
  | 'due.inDays'
  | 'due.overdueMinutes'
  | 'due.overdueHours'
  | 'due.overdueDays';

export interface DuePhrase {
  id: DuePhraseId;
  count: number;
  overdue: boolean;
}

/**
 * Less than an hour away: minutes; less than a day: hours; further: the working days from today
 * to the deadline's day (weekends and holidays not counted), or calendar days when the calendar is
 * not known. Late: minutes, hours, then calendar days — how late a step is, as people count it.
 */
export function duePhrase(
  dueAt: Date,
  now: Date,
  nonWorkingDays: ReadonlySet<string> | null,
  timeZone = TIME_ZONE,
): DuePhrase {
  const diff = dueAt.getTime() - now.getTime();
  const ahead = Math.abs(diff);
  const overdue = diff < 0;
  if (ahead < 60_000) return { id: 'due.now', count: 0, overdue };
  if (ahead < HOUR) {
    return {
      id: overdue ? 'due.overdueMinutes' : 'due.inMinutes',
      count: Math.floor(ahead / 60_000),
      overdue,
    };
  }
  if (ahead < DAY)
    return { id: overdue ? 'due.overdueHours' : 'due.inHours', count: Math.floor(ahead / HOUR), overdue };
  if (overdue) return { id: 'due.overdueDays', count: Math.floor(ahead / DAY), overdue };
  const today = localDate(now, timeZone);
  const last = dayEndedBy(dueAt, timeZone);
  if (!nonWorkingDays) {
    return {
      id: 'due.inDays',
      count: Math.max(1, Math.round((Date.parse(last) - Date.parse(today)) / DAY)),
      overdue,
    };
  }
  let working = 0;
  for (let d = addDays(today, 1); d <= last; d = addDays(d, 1)) if (!nonWorkingDays.has(d)) working += 1;
  if (working === 0) {
    return {
      id: 'due.inDays',
      count: Math.max(1, Math.round((Date.parse(last) - Date.parse(today)) / DAY)),
      overdue,
    };
  }
  return { id: 'due.inWorkingDays', count: working, overdue };
}
