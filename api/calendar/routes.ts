/**
 * GET /calendar: the days that are not working days (weekends and public holidays of the holiday
 * calendar) between two local dates, so the desk says deadlines as people do ("in 3 working days")
 * from the same data the engine plans them with.
 */
import {
  addDays,
  DEFAULT_TIME_ZONE,
  isLocalDate,
  isWorkingDay,
  loadCalendar,
  MissingCalendarYearError,
} from '../../protocol';
import type { ApiDeps } from '../deps';
import { invalidField } from '../http/problem';
import type { Routes } from '../http/route';
import { z } from '../openapi/zod';

const MAX_DAYS = 800;
const LocalDate = (description: string, example: string) =>
  z
    .string()
    .refine(isLocalDate, 'expected an existing date YYYY-MM-DD')
    .openapi({ description, example, format: 'date' });

const CalendarQuery = z
  .strictObject({
    from: LocalDate('first local date, included', '2026-11-01'),
    to: LocalDate('last local date, included', '2027-02-28'),
  })
  .openapi('CalendarQuery');

export const CalendarView = z
  .object({
    timeZone: z.string().openapi({ example: DEFAULT_TIME_ZONE }),
    from: z.string(),
    to: z.string(),
    nonWorkingDays: z
      .array(
        z.object({ date: z.string(), reason: z.enum(['weekend', 'holiday']), name: z.string().optional() }),
      )
      .openapi({ description: 'every day of [from, to] that is not a working day' }),
  })
  .openapi('CalendarView');

export function calendarRoutes(routes: Routes, _deps: ApiDeps): void {
  routes.route({
    method: 'get',
    path: '/calendar',
    operationId: 'getCalendar',
    summary: 'Days that are not working days (weekends, public holidays) between two local dates',
    tag: 'reference',
    request: { query: CalendarQuery },
    responses: { 200: { description: 'the non-working days', schema: CalendarView } },
    handle: async ({ query, res }) => {
      if (query.to < query.from) throw invalidField('query.to', 'must not be before from');
      const cal = loadCalendar();
      const days: z.infer<typeof CalendarView>['nonWorkingDays'] = [];
      let n = 0;
      for (let d = query.from; d <= query.to; d = addDays(d, 1)) {
        if (++n > MAX_DAYS) throw invalidField('query.to', `at most ${MAX_DAYS} days after from`);
        let working: boolean;
        try {
          working = isWorkingDay(d, cal);
        } catch (err) {
          if (err instanceof MissingCalendarYearError) {
            throw invalidField('query.to', `the holiday calendar has no year ${err.year}`);
          }
          throw err;
        }
        if (working) continue;
        const holiday = cal.holidays.get(d)?.[0];
        days.push(
          holiday ? { date: d, reason: 'holiday', name: holiday.name } : { date: d, reason: 'weekend' },
        );
      }
      res.set('Cache-Control', 'private, max-age=3600');
      return { body: { timeZone: DEFAULT_TIME_ZONE, from: query.from, to: query.to, nonWorkingDays: days } };
    },
  });
}
