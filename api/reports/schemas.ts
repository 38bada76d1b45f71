/** The committee statistics as the API answers them (activities/reports/definitions.ts says what each figure is). */
import { isLocalDate } from '../../protocol';
import { AGE_BANDS, UNKNOWN_AGE } from '../../activities/reports/definitions';
import { ProvinceCode } from '../cases/schemas';
import { z } from '../openapi/zod';

const LocalDate = (description: string, example: string) =>
  z
    .string()
    .refine(isLocalDate, 'expected an existing date YYYY-MM-DD')
    .openapi({ description, example, format: 'date' });

export const ProvincialReportQuery = z
  .object({
    province: ProvinceCode.optional().openapi({
      description: "Province code; the caller's own province when absent",
    }),
    from: LocalDate('First day of the period (local date, Africa/Casablanca), included', '2026-10-01'),
    to: LocalDate('Day after the period (local date, Africa/Casablanca), excluded', '2026-11-01'),
    format: z.enum(['json', 'csv']).optional().openapi({
      description: 'Answer format; `Accept: text/csv` also asks for CSV. Default JSON.',
    }),
  })
  .strict();

export const ChartParams = z.object({
  chart: z.enum(['onTime', 'casesPerStep']).openapi({ example: 'onTime' }),
});
export const ChartQuery = ProvincialReportQuery.omit({ format: true })
  .extend({ language: z.enum(['ar', 'fr', 'en']).default('fr') })
  .strict();

const Count = z.object({ key: z.string(), count: z.number().int() });
const Share = z
  .number()
  .nullable()
  .openapi({ description: 'a fraction between 0 and 1 (4 decimals); null when the denominator is 0' });
const Hours = z
  .number()
  .nullable()
  .openapi({ description: 'hours (2 decimals); null when there is nothing to measure' });

export const ProvincialStatisticsSchema = z
  .object({
    province: z.string(),
    period: z.object({
      from: z.string().openapi({ format: 'date' }),
      to: z.string().openapi({ format: 'date' }),
      timeZone: z.string().openapi({ example: 'Africa/Casablanca' }),
      fromInstant: z.string().openapi({ format: 'date-time', description: 'local midnight of `from`' }),
      toInstant: z
        .string()
        .openapi({ format: 'date-time', description: 'local midnight of `to` (excluded)' }),
    }),
    cases: z.object({ opened: z.number().int(), closed: z.number().int() }),
    reports: z
      .object({
        total: z.number().int(),
        byChannel: z.array(Count),
        byCategory: z
          .array(Count)
          .openapi({ description: 'a report counts once in each of its categories; none is `unspecified`' }),
        bySex: z.array(Count),
        byAgeBand: z.array(Count).openapi({
          description: `age in whole years on the local date of the report: ${AGE_BANDS.map((b) => b.band).join(', ')}; ${UNKNOWN_AGE} when the date of birth is after the report`,
        }),
      })
      .openapi({ description: 'reports (first reports and later concerns) received in the period' }),
    steps: z.array(
      z.object({
        step: z.string(),
        openAtEnd: z
          .number()
          .int()
          .openapi({ description: 'cases with the step open at the end of the period' }),
        opened: z.number().int().openapi({ description: 'step instances opened in the period' }),
        completed: z
          .number()
          .int()
          .openapi({ description: 'step instances done (not cancelled) in the period' }),
        medianHours: Hours.openapi({ description: 'median time from opening to done, over `completed`' }),
        due: z.number().int().openapi({
          description: 'step instances whose deadline fell in the period (less those cancelled before it)',
        }),
        onTime: z.number().int().openapi({ description: 'of `due`, done at or before the deadline' }),
        onTimeShare: Share,
      }),
    ),
    escalations: z.object({
      total: z.number().int(),
      byLevel: z.array(z.object({ level: z.number().int(), count: z.number().int() })),
      byRung: z.array(z.object({ level: z.number().int(), role: z.string(), count: z.number().int() })),
    }),
    referrals: z.array(
      z.object({
        partnerType: z.string(),
        requested: z.number().int().openapi({ description: 'referrals requested in the period' }),
        acknowledged: z.number().int(),
        declined: z.number().int(),
        unanswered: z.number().int(),
        medianAcknowledgementHours: Hours,
        acknowledgedWithinDeadline: z.number().int(),
        withinDeadlineShare: Share.openapi({ description: 'acknowledgedWithinDeadline / requested' }),
      }),
    ),
    judicialNotifications: z.object({
      required: z.number().int(),
      acknowledged: z.number().int(),
      onTime: z.number().int(),
      onTimeShare: Share,
      pending: z.number().int(),
    }),
    leavingCare: z.array(z.object({ axis: z.string(), outcome: z.string(), count: z.number().int() })),
  })
  .openapi('ProvincialStatistics', {
    description:
      'Counts for one province and period [from, to), as known at the end of the period: an event at or ' +
      'after `to` never counts, so a past period always gives the same figures. Each row counts for ' +
      'the province its case belonged to at the instant that places it in the period (received, ' +
      'opened, done, fell due, fired, requested, recorded). No child is named and no ID is given.',
  });
