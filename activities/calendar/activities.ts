import type { CalendarDay } from '../../lib/calendar-changes';
import type { LeavingCareStep } from '../../workflows/deadlines/types';
import type { AffectedOwners, AffectedOwnersRequest } from '../../workflows/calendar/definitions';
import type { ActivityDeps } from '../context';

/** Steps whose deadlines the referral workflow holds (the case holds a referral's reassignment). */
const REFERRAL_STEPS = ['referralAcknowledgement', 'serviceStart'];
const PATHWAY_STEPS: LeavingCareStep[] = [
  'programme',
  'programmeReview',
  'exitPlan',
  'mediatorContact',
  'integrationOutcome',
];

export function calendarActivities({ prisma }: ActivityDeps) {
  return {
    /**
     * The cases, referrals and pathways with an open deadline whose span — from the day its clock
     * started to its last rung — may contain a changed date, from the case database (not Temporal),
     * a page at a time by workflow id. A day's margin either side covers every time zone; the owner
     * re-plans exactly and a deadline that does not move is left alone.
     */
    async calendarChangeOwners(request: AffectedOwnersRequest): Promise<AffectedOwners> {
      const change = await prisma.calendarChange.findUniqueOrThrow({ where: { id: request.changeId } });
      const dates = [
        ...new Set(
          [
            ...(change.added as unknown as CalendarDay[]),
            ...(change.removed as unknown as CalendarDay[]),
          ].map((d) => d.date),
        ),
      ].sort();
      if (dates.length === 0) return { dates, owners: [] };
      const rows = await prisma.$queryRaw<{ workflow_id: string; deadlines: bigint }[]>`
        WITH changed AS (
          SELECT (d::date - 1)::timestamptz AS lo, (d::date + 2)::timestamptz AS hi
          FROM unnest(${dates}::text[]) AS d
        ),
        open AS (
          SELECT s.id,
                 CASE
                   WHEN s.step = ANY(${PATHWAY_STEPS}::text[]) THEN p.workflow_id
                   WHEN s.step = ANY(${REFERRAL_STEPS}::text[]) THEN 'referral-' || s.subject_id
                   ELSE 'case-' || s.case_id
                 END AS workflow_id
          FROM step_records s
          LEFT JOIN leaving_care_pathways p ON p.id = s.subject_id AND s.step = ANY(${PATHWAY_STEPS}::text[])
          WHERE s.completed_at IS NULL
            AND EXISTS (
              SELECT 1 FROM changed c
              WHERE s.opened_at < c.hi
                AND GREATEST(
                      s.due_at,
                      COALESCE(
                        (SELECT max((r->>'at')::timestamptz) FROM jsonb_array_elements(
                           CASE WHEN jsonb_typeof(s.ladder) = 'array' THEN s.ladder ELSE '[]'::jsonb END) r),
                        s.due_at)
                    ) >= c.lo
            )
        )
        SELECT workflow_id, count(*) AS deadlines FROM open
        WHERE workflow_id IS NOT NULL
          AND (${request.after ?? null}::text IS NULL OR workflow_id > ${request.after ?? null}::text)
        GROUP BY workflow_id
        ORDER BY workflow_id
        LIMIT ${request.limit}`;
      return {
        dates,
        owners: rows.map((r) => ({ workflowId: r.workflow_id, deadlines: Number(r.deadlines) })),
      };
    },

    /** The change has reached every owner: recorded on its row, with how many were told. */
    async calendarChangeDone(input: { changeId: string; signalled: number }): Promise<void> {
      await prisma.calendarChange.updateMany({
        where: { id: input.changeId, finishedAt: null },
        data: { finishedAt: new Date(), ownersSignalled: input.signalled },
      });
    },
  };
}
