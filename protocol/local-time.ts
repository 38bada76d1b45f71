// Instants <-> wall-clock time in a named IANA zone, using only Intl (no Node APIs), so the same
// code runs in activities and in Temporal's workflow sandbox. Morocco leaves UTC+1 for UTC+0 during
// Ramadan, so the offset is always looked up, never assumed.

import { z } from 'zod';

/** A calendar date with no time zone, ISO 'YYYY-MM-DD'. */
export type LocalDate = string;

export interface LocalDateTime {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True for a well-formed and existing date ('2025-02-30' is false). */
export function isLocalDate(value: string): boolean {
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Cross-field refinements assume the shape is valid: run them only once it is. */
export const onlyIfValid = {
  when: (payload: { issues: readonly unknown[] }): boolean => payload.issues.length === 0,
};

export const LocalDateSchema = z
  .string({ error: 'expected a date YYYY-MM-DD' })
  .refine(isLocalDate, { error: 'expected an existing date YYYY-MM-DD' });

function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const m = LOCAL_DATE.exec(date);
  if (!m || !isLocalDate(date))
    throw new RangeError(`not a local date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

function formatLocalDate(year: number, month: number, day: number): LocalDate {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Year of a local date. */
export function yearOf(date: LocalDate): number {
  return parseLocalDate(date).year;
}

/** Calendar-day arithmetic on local dates (no zone involved). */
export function addDays(date: LocalDate, n: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  const t = new Date(Date.UTC(year, month - 1, day) + n * DAY_MS);
  return formatLocalDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, which is what we want.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True if the runtime knows this IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const get = (k: string): number => {
    const v = fields[k];
    if (v === undefined || Number.isNaN(v)) throw new Error(`Intl did not return ${k} for ${timeZone}`);
    return v;
  };
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24, // some ICU versions print midnight as 24
    minute: get('minute'),
    second: get('second'),
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

/** UTC offset (ms, local minus UTC) in force at an instant. */
export function offsetAt(instant: Date, timeZone: string): number {
  const l = toLocal(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond);
  return asUtc - instant.getTime();
}

/**
 * The instant at which a zone's clocks show `local`. A wall time skipped by a clock change (gap)
 * is pushed forward by the gap; a repeated one (overlap) resolves to the earlier instant.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const asUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetAt(new Date(asUtc - DAY_MS), timeZone);
  const after = offsetAt(new Date(asUtc + DAY_MS), timeZone);
  const candidates = [asUtc - before, asUtc - after].filter(
    (t) => offsetAt(new Date(t), timeZone) === asUtc - t,
  );
  if (candidates.length === 0) return new Date(asUtc - before); // gap
  return new Date(Math.min(...candidates));
}

/** Local calendar date of an instant. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const l = toLocal(instant, timeZone);
  return formatLocalDate(l.year, l.month, l.day);
}

/** The instant a local date starts (local midnight). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const { year, month, day } = parseLocalDate(date);
  return fromLocal({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** Same wall-clock time, `n` calendar days later. */
export function addLocalDays(instant: Date, n: number, timeZone: string): Date {
  const l = toLocal(instant, timeZone);
  const d = parseLocalDate(addDays(formatLocalDate(l.year, l.month, l.day), n));
  return fromLocal({ ...l, ...d }, timeZone);
}

/** Same wall-clock time, `n` calendar months later; the day is clamped to the month's end. */
export function addLocalMonths(instant: Date, n: number, timeZone: string): Date {
  const l = toLocal(instant, timeZone);
  const index = l.year * 12 + (l.month - 1) + n;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return fromLocal({ ...l, year, month, day: Math.min(l.day, lastDay) }, timeZone);
}
