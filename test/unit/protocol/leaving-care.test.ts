/**
 * Leaving-care milestones from a date of birth (protocol.md §4), in Africa/Casablanca, and the
 * holiday calendars that let working-day ladders run past 2027.
 */
import { loadCalendar, loadProtocol, localDateOf, toLocal } from '../../../protocol';
import {
  birthday,
  birthDateBounds,
  planAccompaniment,
  planMilestones,
  type PathwayMilestones,
} from '../../../protocol/leaving-care';
import { lunarHolidays } from '../../../scripts/lunar-holidays';

const TZ = 'Africa/Casablanca';
const protocol = loadProtocol({ version: 1 });
const rules = protocol.leavingCare;
const cal = loadCalendar();
const iso = (d: Date) => d.toISOString();

function plan(date: string, enrolledAt: string, approximate = false, months = 12): PathwayMilestones {
  const result = planMilestones(rules, cal, { date, approximate }, new Date(enrolledAt), months, TZ);
  if (!result.enrol) throw new Error(`not enrolled: ${result.reason}`);
  return result.milestones;
}

describe('birthdays', () => {
  it('falls on the same date each year', () => {
    expect(birthday('2012-12-22', 15)).toBe('2027-12-22');
    expect(birthday('2012-12-22', 18)).toBe('2030-12-22');
  });

  it('puts a 29 February birthday on 1 March in non-leap years, and on 29 February in leap years', () => {
    expect(birthday('2012-02-29', 15)).toBe('2027-03-01');
    expect(birthday('2012-02-29', 16)).toBe('2028-02-29');
    expect(birthday('2012-02-29', 18)).toBe('2030-03-01');
    expect(birthday('2000-02-29', 100)).toBe('2100-03-01'); // 2100 is not a leap year
    expect(birthday('2000-02-29', 400)).toBe('2400-02-29');
  });

  it('trusts only the year of an approximate date: earliest 1 January, latest 31 December', () => {
    expect(birthDateBounds({ date: '2012-06-15', approximate: true })).toEqual({
      earliest: '2012-01-01',
      latest: '2012-12-31',
    });
    expect(birthDateBounds({ date: '2012-06-15', approximate: false })).toEqual({
      earliest: '2012-06-15',
      latest: '2012-06-15',
    });
  });
});

describe('pathway milestones', () => {
  it('starts preparation on the 15th birthday and exits on the 18th, at local midnight, across Ramadan time', () => {
    const m = plan('2012-12-22', '2026-11-22T10:00:00Z');
    // Casablanca is on UTC+1, and goes back to UTC+0 for Ramadan at 03:00 on 22 December 2030: the
    // exit (00:00 that day) is still on UTC+1, the first contact a month later on UTC+0.
    expect(iso(m.preparationAt)).toBe('2027-12-21T23:00:00.000Z');
    expect(iso(m.exitAt)).toBe('2030-12-21T23:00:00.000Z');
    expect(iso(m.contactDueAt[0] ?? m.exitAt)).toBe('2031-01-22T00:00:00.000Z');
    expect(toLocal(m.exitAt, TZ)).toMatchObject({ year: 2030, month: 12, day: 22, hour: 0, minute: 0 });
    expect(localDateOf(m.exitPlanDueAt, TZ)).toBe('2030-06-22');
    expect(toLocal(m.exitPlanDueAt, TZ).hour).toBe(0);
  });

  it('gives a child born on 29 February the 1 March birthdays of non-leap years', () => {
    const m = plan('2012-02-29', '2026-11-22T10:00:00Z');
    expect(localDateOf(m.preparationAt, TZ)).toBe('2027-03-01');
    expect(localDateOf(m.exitAt, TZ)).toBe('2030-03-01');
    expect(localDateOf(m.exitPlanDueAt, TZ)).toBe('2029-09-01');
    // Ramadan 2027: 1 March is on UTC+0.
    expect(iso(m.preparationAt)).toBe('2027-03-01T00:00:00.000Z');
  });

  it('prepares early and exits late on an approximate date of birth', () => {
    const m = plan('2012-06-15', '2026-11-22T10:00:00Z', true);
    expect(localDateOf(m.preparationAt, TZ)).toBe('2027-01-01');
    expect(localDateOf(m.exitAt, TZ)).toBe('2030-12-31');
  });

  it('starts preparation at once for a child enrolled past 15, with the exit plan still 6 months before 18', () => {
    const m = plan('2010-08-10', '2026-11-22T10:00:00Z');
    expect(iso(m.preparationAt)).toBe('2026-11-22T10:00:00.000Z');
    expect(localDateOf(m.exitPlanDueAt, TZ)).toBe('2028-02-10');
  });

  it('never asks for the exit plan before the programme is due, nor after exit, when enrolment is late', () => {
    // 17 years 9 months: 6 months before 18 is past; the programme is due in 30 days.
    const late = plan('2009-02-20', '2026-11-22T10:00:00Z');
    expect(iso(late.exitPlanDueAt)).toBe('2026-12-22T10:00:00.000Z');
    // 17 years 11 months 20 days: the programme would be due after exit; the plan is due at exit.
    const last = plan('2008-12-02', '2026-11-22T10:00:00Z');
    expect(iso(last.exitPlanDueAt)).toBe(iso(last.exitAt));
  });

  it('does not enrol a young person at or past 18, and says why', () => {
    const result = planMilestones(
      rules,
      cal,
      { date: '2008-11-22', approximate: false },
      new Date('2026-11-22T10:00:00Z'),
      12,
      TZ,
    );
    expect(result).toEqual({ enrol: false, reason: 'pastExitAge' });
  });

  it('schedules a contact at the end of each month after exit without drifting, for 12 or up to 24 months', () => {
    const exit = new Date('2031-01-30T23:00:00Z'); // 31 January 2031, local midnight
    const { contactDueAt, accompanimentEndsAt } = planAccompaniment(rules, cal, exit, 12, TZ);
    expect(contactDueAt.map((d) => localDateOf(d, TZ))).toEqual([
      '2031-02-28',
      '2031-03-31',
      '2031-04-30',
      '2031-05-31',
      '2031-06-30',
      '2031-07-31',
      '2031-08-31',
      '2031-09-30',
      '2031-10-31',
      '2031-11-30',
      '2031-12-31',
      '2032-01-31',
    ]);
    expect(iso(accompanimentEndsAt)).toBe(iso(contactDueAt[11] ?? exit));
    expect(planAccompaniment(rules, cal, exit, 24, TZ).contactDueAt).toHaveLength(24);
  });
});

describe('holiday calendars past 2027', () => {
  it('covers every year a pathway enrolled today can reach, lunar dates marked estimated', () => {
    for (let year = 2028; year <= 2035; year += 1) expect(cal.years.has(year)).toBe(true);
    const eid2030 = cal.holidays.get('2030-02-04') ?? [];
    expect(eid2030.map((h) => [h.kind, h.status])).toEqual([['lunar', 'estimated']]);
    expect(cal.holidays.get('2031-11-18')?.[0]?.kind).toBe('fixed');
  });

  it('estimates lunar holidays with the rule that gives the announced 2025 dates and the shipped 2026–2027 ones', () => {
    for (const year of [2025, 2026, 2027]) {
      const shipped = [...cal.holidays.entries()]
        .filter(([date, hs]) => date.startsWith(`${year}-`) && hs.some((h) => h.kind === 'lunar'))
        .map(([date]) => date)
        .sort();
      expect(lunarHolidays(year).map((h) => h.date)).toEqual(shipped);
    }
  });
});
