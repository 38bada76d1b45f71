import {
  addDuration,
  addWorkingDays,
  buildHolidayCalendar,
  fromLocal,
  isWorkingDay,
  lateness,
  loadCalendar,
  MissingCalendarYearError,
  offsetAt,
  toLocal,
  workingDaysLate,
} from '../../../protocol';

const TZ = 'Africa/Casablanca';
const cal = loadCalendar();
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('isWorkingDay', () => {
  it.each([
    ['2025-10-30', true], // Thursday
    ['2025-10-31', false], // Unity Day
    ['2025-11-01', false], // Saturday
    ['2025-11-02', false], // Sunday
    ['2025-11-06', false], // Green March
    ['2025-03-31', false], // Eid al-Fitr
    ['2025-04-01', false], // Eid al-Fitr, second day
    ['2025-06-09', false], // exceptional Eid al-Adha day off
    ['2026-01-14', false], // Amazigh new year
    ['2026-01-15', true],
  ])('%s -> %s', (date, expected) => {
    expect(isWorkingDay(date, cal)).toBe(expected);
  });
});

describe('addWorkingDays: the deadline is the end of the n-th working day', () => {
  it('skips a holiday Friday and the weekend after a Thursday start', () => {
    // Thu 30 Oct 2025, 11:00 local. Fri 31 Oct is Unity Day: Mon 3, Tue 4, Wed 5 -> end of Wed 5 Nov.
    expect(iso(addWorkingDays(at('2025-10-30T10:00:00Z'), 3, cal, TZ))).toBe('2025-11-05T23:00:00.000Z');
  });

  it('skips both days of Eid al-Fitr (during Ramadan Morocco is on UTC+0)', () => {
    // Thu 27 Mar 2025: Fri 28, (Mon 31 + Tue 1 Apr Eid), Wed 2, Thu 3 -> end of Thu 3 Apr, still UTC+0.
    expect(iso(addWorkingDays(at('2025-03-27T10:00:00Z'), 3, cal, TZ))).toBe('2025-04-04T00:00:00.000Z');
  });

  it('crosses the year end and 1 January into the next calendar file', () => {
    const wed31Dec = at('2025-12-31T14:00:00Z');
    expect(iso(addWorkingDays(wed31Dec, 3, cal, TZ))).toBe('2026-01-06T23:00:00.000Z'); // Fri 2, Mon 5, Tue 6
    expect(iso(addWorkingDays(wed31Dec, 7, cal, TZ))).toBe('2026-01-12T23:00:00.000Z'); // ... Mon 12
    // ... 14 Jan (Amazigh new year) skipped: ends Fri 23 Jan.
    expect(iso(addWorkingDays(wed31Dec, 15, cal, TZ))).toBe('2026-01-23T23:00:00.000Z');
  });

  it('uses the offset in force at the deadline when Morocco enters Ramadan time', () => {
    // Thu 20 Feb 2025 10:00 (UTC+1). Deadline: end of Tue 25 Feb, when Morocco is on UTC+0 (since 23 Feb).
    expect(iso(addWorkingDays(at('2025-02-20T09:00:00Z'), 3, cal, TZ))).toBe('2025-02-26T00:00:00.000Z');
    expect(offsetAt(at('2025-02-20T09:00:00Z'), TZ)).toBe(3_600_000);
    expect(offsetAt(at('2025-02-26T00:00:00Z'), TZ)).toBe(0);
  });

  it('and when it leaves it', () => {
    // Thu 3 Apr 2025 (UTC+0): Fri 4, Mon 7, Tue 8 -> end of Tue 8 Apr, back on UTC+1 since 6 Apr.
    expect(iso(addWorkingDays(at('2025-04-03T10:00:00Z'), 3, cal, TZ))).toBe('2025-04-08T23:00:00.000Z');
  });

  it('n = 0 is the end of the same day if it is a working day, else of the next one', () => {
    expect(iso(addWorkingDays(at('2025-10-30T10:00:00Z'), 0, cal, TZ))).toBe('2025-10-30T23:00:00.000Z');
    expect(iso(addWorkingDays(at('2025-10-31T10:00:00Z'), 0, cal, TZ))).toBe('2025-11-03T23:00:00.000Z');
    expect(iso(addWorkingDays(at('2025-11-01T10:00:00Z'), 0, cal, TZ))).toBe('2025-11-03T23:00:00.000Z');
  });

  it('counts from the next working day when started on a weekend', () => {
    expect(iso(addWorkingDays(at('2025-11-08T10:00:00Z'), 1, cal, TZ))).toBe('2025-11-10T23:00:00.000Z');
  });

  it('treats exact local midnight as the end of the previous day, so sums compose', () => {
    const due = at('2025-11-05T23:00:00Z'); // 00:00 Thu 6 Nov local = end of Wed 5 Nov
    expect(iso(addWorkingDays(due, 0, cal, TZ))).toBe(iso(due));
    // From Thu 30 Oct 2025 (Fri 31 Oct and Thu 6 Nov are holidays), each sum in two parts lands
    // where the whole count does: 3+1 -> end of Fri 7 Nov; 3+5 -> end of Thu 13 Nov; 1+14 -> end
    // of Tue 25 Nov (18 Nov is Independence Day).
    const start = at('2025-10-30T10:00:00Z');
    for (const [a, b, expected] of [
      [3, 1, '2025-11-07T23:00:00.000Z'],
      [3, 5, '2025-11-13T23:00:00.000Z'],
      [1, 14, '2025-11-25T23:00:00.000Z'],
    ] as const) {
      expect(iso(addWorkingDays(addWorkingDays(start, a, cal, TZ), b, cal, TZ))).toBe(expected);
      expect(iso(addWorkingDays(start, a + b, cal, TZ))).toBe(expected);
    }
  });

  it('rejects negative or fractional counts', () => {
    expect(() => addWorkingDays(at('2025-10-30T10:00:00Z'), -1, cal, TZ)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2025-10-30T10:00:00Z'), 1.5, cal, TZ)).toThrow(RangeError);
  });
});

describe('a year missing from the calendar', () => {
  it('throws instead of treating the year as holiday-free', () => {
    const only2030 = buildHolidayCalendar([{ year: 2030, holidays: [] }]);
    expect(() => addWorkingDays(at('2030-12-31T10:00:00Z'), 1, only2030, TZ)).toThrow(
      'no holiday calendar for 2031 (protocol/calendar/2031.json)',
    );
    expect(() => addWorkingDays(at('2035-12-31T10:00:00Z'), 1, cal, TZ)).toThrow(MissingCalendarYearError);
    expect(() => isWorkingDay('2024-12-31', cal)).toThrow(
      'no holiday calendar for 2024 (protocol/calendar/2024.json)',
    );
  });
});

describe('addDuration', () => {
  it('adds exact clock hours across the Ramadan clock change', () => {
    const due = addDuration(at('2025-02-22T12:00:00Z'), { hours: 24 }, cal, TZ);
    expect(iso(due)).toBe('2025-02-23T12:00:00.000Z');
    expect(toLocal(at('2025-02-22T12:00:00Z'), TZ).hour).toBe(13);
    expect(toLocal(due, TZ).hour).toBe(12); // 24 elapsed hours, one fewer on the wall clock
  });

  it('adds exact clock minutes, on a holiday or a weekend alike', () => {
    expect(iso(addDuration(at('2025-02-22T23:50:00Z'), { minutes: 30 }, cal, TZ))).toBe(
      '2025-02-23T00:20:00.000Z',
    );
    expect(iso(addDuration(at('2025-01-01T08:00:00Z'), { minutes: 0 }, cal, TZ))).toBe(
      '2025-01-01T08:00:00.000Z',
    );
  });

  it('adds calendar days keeping the local time across the change', () => {
    // 10:00 local on 10 Feb (UTC+1) -> 10:00 local on 12 Mar (UTC+0).
    expect(iso(addDuration(at('2025-02-10T09:00:00Z'), { days: 30 }, cal, TZ))).toBe(
      '2025-03-12T10:00:00.000Z',
    );
  });

  it('adds months, clamping to the end of the month', () => {
    expect(iso(addDuration(at('2025-01-31T09:00:00Z'), { months: 1 }, cal, TZ))).toBe(
      '2025-02-28T10:00:00.000Z',
    );
    expect(iso(addDuration(at('2028-01-31T09:00:00Z'), { months: 1 }, cal, TZ))).toBe(
      '2028-02-29T09:00:00.000Z',
    );
    expect(iso(addDuration(at('2025-03-31T09:00:00Z'), { months: 1 }, cal, TZ))).toBe(
      '2025-04-30T08:00:00.000Z',
    );
    expect(iso(addDuration(at('2025-08-31T09:00:00Z'), { months: 6 }, cal, TZ))).toBe(
      '2026-02-28T10:00:00.000Z',
    );
  });

  it('delegates working days to addWorkingDays', () => {
    expect(iso(addDuration(at('2025-10-30T10:00:00Z'), { workingDays: 3 }, cal, TZ))).toBe(
      '2025-11-05T23:00:00.000Z',
    );
  });

  it('moves a wall time skipped by the clock change forward, and takes the first of a repeated one', () => {
    // 6 Apr 2025 02:00 -> 03:00: 02:30 does not exist and becomes 03:30 (UTC+1).
    expect(iso(addDuration(at('2025-04-05T02:30:00Z'), { days: 1 }, cal, TZ))).toBe(
      '2025-04-06T02:30:00.000Z',
    );
    // 23 Feb 2025 03:00 -> 02:00: 02:30 happens twice; the first is 01:30Z.
    const first = fromLocal(
      { year: 2025, month: 2, day: 23, hour: 2, minute: 30, second: 0, millisecond: 0 },
      TZ,
    );
    expect(iso(first)).toBe('2025-02-23T01:30:00.000Z');
  });
});

describe('lateness', () => {
  const due = at('2025-11-05T23:00:00Z'); // end of Wed 5 Nov

  it('counts whole working days elapsed after the deadline', () => {
    expect(workingDaysLate(due, at('2025-11-05T22:00:00Z'), cal, TZ)).toBe(0); // early
    expect(workingDaysLate(due, at('2025-11-06T10:00:00Z'), cal, TZ)).toBe(0); // Thu 6 is a holiday
    expect(workingDaysLate(due, at('2025-11-07T22:59:59Z'), cal, TZ)).toBe(0); // Fri 7 not over yet
    expect(workingDaysLate(due, at('2025-11-07T23:00:00Z'), cal, TZ)).toBe(1);
    expect(workingDaysLate(due, at('2025-11-10T10:00:00Z'), cal, TZ)).toBe(1); // weekend adds nothing
    expect(workingDaysLate(due, at('2025-11-13T23:00:00Z'), cal, TZ)).toBe(5);
  });

  it('does not count the rest of the day of a clock-hour deadline', () => {
    const clockDue = at('2025-11-04T13:00:00Z'); // Tue 14:00 local
    expect(workingDaysLate(clockDue, at('2025-11-05T13:00:00Z'), cal, TZ)).toBe(0);
    expect(workingDaysLate(clockDue, at('2025-11-05T23:00:00Z'), cal, TZ)).toBe(1);
  });

  it('counts k at the end of the k-th working day after the deadline, for k up to 12', () => {
    // The ends of the working days after Wed 5 Nov 2025 (Thu 6 and Tue 18 Nov are holidays).
    const ends = [
      '2025-11-05T23:00:00Z', // 0: the deadline itself
      '2025-11-07T23:00:00Z', // 1: Fri 7
      '2025-11-10T23:00:00Z', // 2: Mon 10
      '2025-11-11T23:00:00Z', // 3: Tue 11
      '2025-11-12T23:00:00Z', // 4: Wed 12
      '2025-11-13T23:00:00Z', // 5: Thu 13
      '2025-11-14T23:00:00Z', // 6: Fri 14
      '2025-11-17T23:00:00Z', // 7: Mon 17
      '2025-11-19T23:00:00Z', // 8: Wed 19
      '2025-11-20T23:00:00Z', // 9: Thu 20
      '2025-11-21T23:00:00Z', // 10: Fri 21
      '2025-11-24T23:00:00Z', // 11: Mon 24
      '2025-11-25T23:00:00Z', // 12: Tue 25
    ];
    ends.forEach((end, k) => {
      expect(workingDaysLate(due, at(end), cal, TZ)).toBe(k);
      expect(workingDaysLate(due, new Date(Date.parse(end) - 1), cal, TZ)).toBe(Math.max(0, k - 1));
      expect(iso(addWorkingDays(due, k, cal, TZ))).toBe(iso(at(end)));
    });
  });

  it('measures clock lateness in milliseconds', () => {
    expect(lateness(due, at('2025-11-06T01:30:00Z'))).toBe(2.5 * 3_600_000);
    expect(lateness(due, at('2025-11-05T01:30:00Z'))).toBe(0);
  });
});
