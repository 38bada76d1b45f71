/**
 * A leaving-care pathway as PostgreSQL holds it, in the shape of the workflow's own view
 * (`leavingCareViewQuery`): the pathway routes read from here, never from the workflow.
 */
import type { LeavingCareView } from '../../workflows/leaving-care/definitions';
import type { EscalationRole, WatchedStep } from '../../workflows/deadlines/types';
import { deliveryOf, isOverdue, type Db } from '../cases/read-model';
import type { PathwayRow } from './access';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export async function readPathwayView(db: Db, row: PathwayRow, now = new Date()): Promise<LeavingCareView> {
  const [steps, assessment, reviews, exitPlan, contacts] = await Promise.all([
    db.stepRecord.findMany({
      where: { subjectId: row.id, caseId: row.caseId },
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        step: true,
        dueAt: true,
        completedAt: true,
        outcome: true,
        lateByMs: true,
        escalations: {
          orderBy: { level: 'asc' },
          select: { level: true, role: true, firedAt: true, messages: { select: { status: true } } },
        },
      },
    }),
    db.leavingCareReview.findFirst({
      where: { pathwayId: row.id, kind: 'assessment' },
      orderBy: { reviewedAt: 'asc' },
      select: { reviewedAt: true },
    }),
    db.leavingCareReview.count({ where: { pathwayId: row.id, kind: 'review' } }),
    db.leavingCareExitPlan.findUnique({ where: { pathwayId: row.id }, select: { recordedAt: true } }),
    db.leavingCareContact.count({ where: { pathwayId: row.id } }),
  ]);
  const contactDueAt = row.contactDueAt.map((d) => d.toISOString());
  const open = steps.filter((d) => d.completedAt === null);
  const done = steps.filter((d) => d.outcome === 'done');
  const enrolled =
    row.phase !== 'notEnrolled' &&
    row.preparationAt &&
    row.exitPlanDueAt &&
    row.exitAt &&
    row.accompanimentEndsAt;
  return {
    pathwayId: row.id,
    childId: row.childId,
    caseId: row.caseId,
    province: row.provinceCode,
    phase: row.phase,
    phaseSince: (row.phaseSince ?? row.enrolledAt).toISOString(),
    notEnrolledReason: row.notEnrolledReason,
    mediatorId: row.mediatorId,
    protocolVersion: row.protocolVersion,
    milestones: enrolled
      ? {
          preparationAt: row.preparationAt?.toISOString() ?? '',
          exitPlanDueAt: row.exitPlanDueAt?.toISOString() ?? '',
          exitAt: row.exitAt?.toISOString() ?? '',
          contactDueAt,
          accompanimentEndsAt: row.accompanimentEndsAt?.toISOString() ?? '',
        }
      : null,
    accompanimentMonths: row.accompanimentMonths,
    programmeAt: iso(assessment?.reviewedAt),
    reviews,
    exitPlanAt: iso(exitPlan?.recordedAt),
    contacts,
    handedOverBy: row.handedOverBy,
    openDeadlines: open.map((d) => {
      const month = d.step === 'mediatorContact' ? contactDueAt.indexOf(d.dueAt.toISOString()) + 1 : 0;
      return {
        step: d.step,
        dueAt: d.dueAt.toISOString(),
        overdue: isOverdue(d, d.escalations.length, now),
        escalationLevel: Math.max(-1, ...d.escalations.map((e) => e.level)),
        ...(month > 0 ? { month } : {}),
      };
    }),
    openEscalations: open.flatMap((d) =>
      d.escalations.map((e) => {
        const statuses = e.messages.map((m) => m.status);
        const delivery = deliveryOf(statuses);
        return {
          deadlineId: d.id,
          step: d.step as WatchedStep,
          level: e.level,
          role: e.role as EscalationRole,
          firedAt: e.firedAt.toISOString(),
          notified: statuses.some((s) => s !== 'failed'),
          ...(delivery === 'pending' ? {} : { delivery }),
        };
      }),
    ),
    stepsOnTime: done.filter((d) => !(Number(d.lateByMs ?? 0) > 0)).length,
    stepsLate: done.filter((d) => Number(d.lateByMs ?? 0) > 0).length,
    stepsMissed: steps.filter((d) => d.outcome === 'missed').length,
  };
}
