/** Deadlines as the desk says them, in Africa/Casablanca (UTC+1 in December), with the holiday calendar's days off. */
import { dayEndedBy, duePhrase, localDate } from '../../../desk/src/time/deadline';

// Tuesday 1 December 2026, 11:00 in Casablanca.
const now = new Date('2026-12-01T10:00:00Z');
const weekend = new Set(['2026-12-05', '2026-12-06', '2026-12-12', '2026-12-13']);

it('reads local dates in Morocco, a deadline at local midnight ending the day before', () => {
  expect(localDate(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-02');
  expect(dayEndedBy(new Date('2026-12-04T23:00:00Z'))).toBe('2026-12-04');
  expect(dayEndedBy(new Date('2026-12-04T23:00:01Z'))).toBe('2026-12-05');
});

it('counts the working days left, weekends and holidays not counted', () => {
  // End of Friday 4 December: Wednesday, Thursday, Friday.
  expect(duePhrase(new Date('2026-12-04T23:00:00Z'), now, weekend)).toEqual({
    id: 'due.inWorkingDays',
    count: 3,
    overdue: false,
  });
  // End of Monday 7 December: the weekend in between does not count.
  expect(duePhrase(new Date('2026-12-07T23:00:00Z'), now, weekend).count).toBe(4);
  // A holiday on Thursday 3 December (as a calendar could say) is one working day less.
  expect(duePhrase(new Date('2026-12-07T23:00:00Z'), now, new Set([...weekend, '2026-12-03'])).count).toBe(3);
  // Without the calendar: calendar days.
  expect(duePhrase(new Date('2026-12-07T23:00:00Z'), now, null)).toEqual({
    id: 'due.inDays',
    count: 6,
    overdue: false,
  });
});

it('says hours and minutes within a day, and lateness in hours then days', () => {
  expect(duePhrase(new Date('2026-12-01T15:00:00Z'), now, weekend)).toEqual({
    id: 'due.inHours',
    count: 5,
    overdue: false,
  });
  expect(duePhrase(new Date('2026-12-01T10:40:00Z'), now, weekend)).toEqual({
    id: 'due.inMinutes',
    count: 40,
    overdue: false,
  });
  expect(duePhrase(new Date('2026-12-01T07:00:00Z'), now, weekend)).toEqual({
    id: 'due.overdueHours',
    count: 3,
    overdue: true,
  });
  expect(duePhrase(new Date('2026-11-29T07:00:00Z'), now, weekend)).toEqual({
    id: 'due.overdueDays',
    count: 2,
    overdue: true,
  });
  expect(duePhrase(new Date('2026-12-01T10:00:30Z'), now, weekend)).toEqual({
    id: 'due.now',
    count: 0,
    overdue: false,
  });
});
