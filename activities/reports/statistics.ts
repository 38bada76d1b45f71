/**
 * The committee statistics of one province and period, computed in SQL (definitions.ts says what
 * each figure is). All queries read one snapshot (REPEATABLE READ), so the sections agree with each
 * other even while cases move on. Nothing here selects a name, a narrative or an ID of a child.
 */
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import { loadProtocol, PARTNER_TYPES } from '../../protocol';
import {
  AGE_BANDS,
  REPORTED_STEPS,
  SEXES,
  UNKNOWN_AGE,
  UNSPECIFIED_CATEGORY,
  type AgeBand,
  type Count,
  type ProvincialStatistics,
  type StepFigures,
} from './definitions';
import type { Period } from './period';

interface Grouped {
  dimension: string;
  key: string;
  count: number;
}

const share = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;

/** Zero-filled counts in the order of a code list, then any code the data has that the list lacks. */
function counts<K extends string>(codes: readonly K[], found: Map<string, number>): Count<K>[] {
  const extra = [...found.keys()].filter((k) => !codes.includes(k as K)).sort() as K[];
  return [...codes, ...extra].map((key) => ({ key, count: found.get(key) ?? 0 }));
}

export async function provincialStatistics(
  prisma: PrismaClient,
  province: string,
  period: Period,
): Promise<ProvincialStatistics> {
  const protocol = loadProtocol({ province });
  const from = period.fromInstant;
  const to = period.toInstant;
  const tz = period.timeZone;
  const lowerBounds = AGE_BANDS.map((b) => b.min);
  // Rows whose deciding instant `at` falls in the period, for the province of their case at `at`.
  const inPeriod = (at: Prisma.Sql, caseId: Prisma.Sql) =>
    Prisma.sql`${at} >= ${from} AND ${at} < ${to} AND case_province_at(${caseId}, ${at}) = ${province}`;

  const [reports, cases, openAtEnd, opened, completed, fellDue, escalations, referrals, judicial, outcomes] =
    await prisma.$transaction(
      [
        prisma.$queryRaw<Grouped[]>`
          WITH r AS (
            SELECT r.id, r.channel::text AS channel, r.categories, ch.sex::text AS sex,
                   date_part('year', age((r.received_at AT TIME ZONE ${tz})::date, ch.birth_date))::int AS age
              FROM reports r
              JOIN cases c ON c.id = r.case_id
              JOIN children ch ON ch.id = c.child_id
             WHERE ${inPeriod(Prisma.sql`r.received_at`, Prisma.sql`r.case_id`)}
          )
          SELECT 'total' AS dimension, 'all' AS key, count(*)::int AS count FROM r
          UNION ALL SELECT 'channel', channel, count(*)::int FROM r GROUP BY channel
          UNION ALL SELECT 'sex', sex, count(*)::int FROM r GROUP BY sex
          UNION ALL SELECT 'ageBand', width_bucket(age, ${lowerBounds}::int[])::text, count(*)::int
                      FROM r GROUP BY 2
          UNION ALL SELECT 'category', COALESCE(k.category, ${UNSPECIFIED_CATEGORY}), count(DISTINCT r.id)::int
                      FROM r LEFT JOIN LATERAL unnest(r.categories) AS k(category) ON true GROUP BY 2`,
        prisma.$queryRaw<{ opened: number; closed: number }[]>`
          SELECT
            (SELECT count(*) FROM cases c WHERE ${inPeriod(Prisma.sql`c.opened_at`, Prisma.sql`c.id`)})::int AS opened,
            (SELECT count(*) FROM cases c WHERE ${inPeriod(Prisma.sql`c.closed_at`, Prisma.sql`c.id`)})::int AS closed`,
        prisma.$queryRaw<{ step: string; count: number }[]>`
          SELECT s.step, count(DISTINCT s.case_id)::int AS count
            FROM step_records s
           WHERE s.opened_at < ${to} AND (s.completed_at IS NULL OR s.completed_at >= ${to})
             AND case_province_at(s.case_id, ${to}) = ${province}
           GROUP BY s.step`,
        prisma.$queryRaw<{ step: string; count: number }[]>`
          SELECT s.step, count(*)::int AS count
            FROM step_records s
           WHERE ${inPeriod(Prisma.sql`s.opened_at`, Prisma.sql`s.case_id`)}
           GROUP BY s.step`,
        prisma.$queryRaw<{ step: string; count: number; median_hours: number | null }[]>`
          SELECT s.step, count(*)::int AS count,
                 round((percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM s.completed_at - s.opened_at)::float8) / 3600)::numeric, 2)::float8
                   AS median_hours
            FROM step_records s
           WHERE s.outcome = 'done' AND ${inPeriod(Prisma.sql`s.completed_at`, Prisma.sql`s.case_id`)}
           GROUP BY s.step`,
        // A step cancelled before it fell due was no longer asked for; one cancelled after was late.
        prisma.$queryRaw<{ step: string; due: number; on_time: number }[]>`
          SELECT s.step, count(*)::int AS due,
                 count(*) FILTER (WHERE s.outcome = 'done' AND s.completed_at <= s.due_at)::int AS on_time
            FROM step_records s
           WHERE ${inPeriod(Prisma.sql`s.due_at`, Prisma.sql`s.case_id`)}
             AND NOT COALESCE(s.outcome = 'cancelled' AND s.completed_at <= s.due_at, false)
           GROUP BY s.step`,
        prisma.$queryRaw<{ level: number; role: string; count: number }[]>`
          SELECT e.level, e.role, count(*)::int AS count
            FROM escalations e
           WHERE ${inPeriod(Prisma.sql`e.fired_at`, Prisma.sql`e.case_id`)}
           GROUP BY e.level, e.role`,
        prisma.$queryRaw<
          {
            partner_type: string;
            requested: number;
            acknowledged: number;
            declined: number;
            unanswered: number;
            median_hours: number | null;
            within_deadline: number;
          }[]
        >`
          SELECT p.partner_type::text AS partner_type,
                 count(*)::int AS requested,
                 count(*) FILTER (WHERE r.acknowledged_at < ${to})::int AS acknowledged,
                 count(*) FILTER (WHERE r.declined_at < ${to})::int AS declined,
                 count(*) FILTER (WHERE NOT COALESCE(r.acknowledged_at < ${to}, false)
                                    AND NOT COALESCE(r.declined_at < ${to}, false))::int AS unanswered,
                 round((percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM r.acknowledged_at - r.requested_at)::float8)
                   FILTER (WHERE r.acknowledged_at < ${to}) / 3600)::numeric, 2)::float8 AS median_hours,
                 count(*) FILTER (WHERE r.acknowledged_at < ${to} AND r.acknowledged_at <= d.due_at)::int
                   AS within_deadline
            FROM referrals r
            JOIN partners p ON p.id = r.partner_id
            LEFT JOIN LATERAL (
              SELECT s.due_at FROM step_records s
               WHERE s.case_id = r.case_id AND s.step = 'referralAcknowledgement' AND s.subject_id = r.id
               ORDER BY s.opened_at LIMIT 1
            ) d ON true
           WHERE ${inPeriod(Prisma.sql`r.requested_at`, Prisma.sql`r.case_id`)}
           GROUP BY p.partner_type`,
        prisma.$queryRaw<{ required: number; acknowledged: number; on_time: number; pending: number }[]>`
          SELECT count(*)::int AS required,
                 count(*) FILTER (WHERE s.outcome = 'done' AND s.completed_at < ${to})::int AS acknowledged,
                 count(*) FILTER (WHERE s.outcome = 'done' AND s.completed_at < ${to}
                                    AND s.completed_at <= s.due_at)::int AS on_time,
                 count(*) FILTER (WHERE s.completed_at IS NULL OR s.completed_at >= ${to})::int AS pending
            FROM step_records s
           WHERE s.step = 'judicialNotification'
             AND ${inPeriod(Prisma.sql`s.opened_at`, Prisma.sql`s.case_id`)}`,
        prisma.$queryRaw<{ axis: string; outcome: string; count: number }[]>`
          SELECT o.axis, o.outcome, count(*)::int AS count
            FROM leaving_care_outcomes o
           WHERE o.province_code = ${province} AND o.recorded_at >= ${from} AND o.recorded_at < ${to}
           GROUP BY o.axis, o.outcome`,
      ],
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );

  const dimension = (name: string) =>
    new Map(reports.filter((r) => r.dimension === name).map((r) => [r.key, r.count]));
  // width_bucket: 0 below the first bound (a birth date after the report), i for the i-th band.
  const ageBands = new Map<string, number>();
  for (const [bucket, n] of dimension('ageBand')) {
    const band = AGE_BANDS[Number(bucket) - 1]?.band ?? UNKNOWN_AGE;
    ageBands.set(band, (ageBands.get(band) ?? 0) + n);
  }

  const byStep = <T extends { step: string }>(rows: T[]) => new Map(rows.map((r) => [r.step, r]));
  const [open, opens, done, due] = [byStep(openAtEnd), byStep(opened), byStep(completed), byStep(fellDue)];
  const stepCodes = [
    ...REPORTED_STEPS,
    ...[...new Set([...open.keys(), ...opens.keys(), ...done.keys(), ...due.keys()])]
      .filter((s) => !REPORTED_STEPS.includes(s))
      .sort(),
  ];
  const steps: StepFigures[] = stepCodes.map((step) => {
    const d = due.get(step);
    return {
      step,
      openAtEnd: open.get(step)?.count ?? 0,
      opened: opens.get(step)?.count ?? 0,
      completed: done.get(step)?.count ?? 0,
      medianHours: done.get(step)?.median_hours ?? null,
      due: d?.due ?? 0,
      onTime: d?.on_time ?? 0,
      onTimeShare: share(d?.on_time ?? 0, d?.due ?? 0),
    };
  });

  const levels = [
    ...new Set([
      ...Object.values(protocol.ladders).flatMap((l) => l.rungs.map((r) => r.level)),
      ...escalations.map((e) => e.level),
    ]),
  ].sort((a, b) => a - b);
  const referralRows = new Map(referrals.map((r) => [r.partner_type, r]));
  const judicialRow = judicial[0] ?? { required: 0, acknowledged: 0, on_time: 0, pending: 0 };
  const outcomeCount = new Map(outcomes.map((o) => [`${o.axis}/${o.outcome}`, o.count]));
  const axisOutcomes = [
    ...protocol.leavingCare.axes.flatMap((axis) =>
      protocol.leavingCare.outcomes.map((outcome) => ({ axis, outcome })),
    ),
    ...outcomes
      .filter(
        (o) =>
          !protocol.leavingCare.axes.includes(o.axis) || !protocol.leavingCare.outcomes.includes(o.outcome),
      )
      .map(({ axis, outcome }) => ({ axis, outcome })),
  ];

  return {
    province,
    period: {
      from: period.from,
      to: period.to,
      timeZone: tz,
      fromInstant: from.toISOString(),
      toInstant: to.toISOString(),
    },
    cases: cases[0] ?? { opened: 0, closed: 0 },
    reports: {
      total: dimension('total').get('all') ?? 0,
      byChannel: counts(protocol.channels, dimension('channel')),
      byCategory: counts([...protocol.categories, UNSPECIFIED_CATEGORY], dimension('category')),
      bySex: counts(SEXES, dimension('sex')),
      byAgeBand: counts<AgeBand>([...AGE_BANDS.map((b) => b.band), UNKNOWN_AGE], ageBands),
    },
    steps,
    escalations: {
      total: escalations.reduce((n, e) => n + e.count, 0),
      byLevel: levels.map((level) => ({
        level,
        count: escalations.filter((e) => e.level === level).reduce((n, e) => n + e.count, 0),
      })),
      byRung: escalations
        .map((e) => ({ level: e.level, role: e.role, count: e.count }))
        .sort((a, b) => a.level - b.level || a.role.localeCompare(b.role)),
    },
    referrals: [
      ...PARTNER_TYPES,
      ...[...referralRows.keys()].filter((t) => !PARTNER_TYPES.includes(t as never)),
    ].map((partnerType) => {
      const r = referralRows.get(partnerType);
      return {
        partnerType,
        requested: r?.requested ?? 0,
        acknowledged: r?.acknowledged ?? 0,
        declined: r?.declined ?? 0,
        unanswered: r?.unanswered ?? 0,
        medianAcknowledgementHours: r?.median_hours ?? null,
        acknowledgedWithinDeadline: r?.within_deadline ?? 0,
        withinDeadlineShare: share(r?.within_deadline ?? 0, r?.requested ?? 0),
      };
    }),
    judicialNotifications: {
      required: judicialRow.required,
      acknowledged: judicialRow.acknowledged,
      onTime: judicialRow.on_time,
      onTimeShare: share(judicialRow.on_time, judicialRow.required),
      pending: judicialRow.pending,
    },
    leavingCare: axisOutcomes.map(({ axis, outcome }) => ({
      axis,
      outcome,
      count: outcomeCount.get(`${axis}/${outcome}`) ?? 0,
    })),
  };
}
