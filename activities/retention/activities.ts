/**
 * Retention of identities (protocol.md §7, law 09-08): once every case of a child has been closed
 * for longer than RETENTION_CLOSED_DAYS, the child is pseudonymised — names replaced by a
 * pseudonym, the birth date cut to its year, reporters and every narrative removed — so the
 * statistics (sex, age band, categories, steps, lateness) survive without anyone being named.
 */
import { createHash } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import type {
  DueChildren,
  DueChildrenRequest,
  PseudonymiseOutcome,
  PseudonymiseRequest,
} from '../../workflows/retention/types';
import type { ActivityDeps } from '../context';

export const DEFAULT_RETENTION_CLOSED_DAYS = 1826;
const DAY_MS = 86_400_000;

/** Never later than now: a run cannot be told to pretend it is already next year. */
function closedBefore(at: string, days: number): Date {
  const asOf = Math.min(Date.parse(at), Date.now());
  return new Date(asOf - days * DAY_MS);
}

/**
 * A child is due when it has cases, all of them closed before the cut-off, and no leaving-care
 * pathway still running or finished after it.
 */
function dueWhere(before: Date): Prisma.ChildWhereInput {
  return {
    pseudonymisedAt: null,
    cases: { some: {}, every: { status: 'closed', closedAt: { lt: before } } },
    OR: [
      { leavingCarePathway: { is: null } },
      {
        leavingCarePathway: {
          is: { OR: [{ phase: 'notEnrolled' }, { phase: 'completed', completedAt: { lt: before } }] },
        },
      },
    ],
  };
}

/** Stable for a child (a rerun writes the same), and not its ID: nothing to join on elsewhere. */
export function pseudonymFor(childId: string): { firstName: string; lastName: string } {
  const digest = createHash('sha256').update(`child-pseudonym:${childId}`).digest('hex');
  return { firstName: 'Pseudonymised', lastName: `P-${digest.slice(0, 12).toUpperCase()}` };
}

export function retentionActivities({ prisma, config }: ActivityDeps) {
  const days = config.RETENTION_CLOSED_DAYS ?? DEFAULT_RETENTION_CLOSED_DAYS;

  return {
    /** The next children past retention, in id order after `afterId`. */
    async childrenDueForPseudonymisation({ at, afterId, limit }: DueChildrenRequest): Promise<DueChildren> {
      const before = closedBefore(at, days);
      const rows = await prisma.child.findMany({
        where: { ...dueWhere(before), ...(afterId ? { id: { gt: afterId } } : {}) },
        select: { id: true },
        orderBy: { id: 'asc' },
        take: limit,
      });
      return { closedBefore: before.toISOString(), childIds: rows.map((r) => r.id) };
    },

    /**
     * Pseudonymises one child and every free text of their cases, with one audit event, in one
     * transaction. The child row is locked and re-checked first: a report that opened a new case
     * since the listing keeps the child as is.
     */
    async pseudonymiseChild({ childId, at }: PseudonymiseRequest): Promise<PseudonymiseOutcome> {
      const before = closedBefore(at, days);
      return prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "children" WHERE "id" = ${childId} FOR UPDATE`;
        const child = await tx.child.findFirst({
          where: { id: childId, ...dueWhere(before) },
          select: {
            birthDate: true,
            cases: { select: { id: true, closedAt: true }, orderBy: { closedAt: 'asc' } },
            leavingCarePathway: { select: { id: true } },
          },
        });
        if (!child) return 'skipped';
        const caseIds = child.cases.map((c) => c.id);
        const inCases = { caseId: { in: caseIds } };
        await tx.child.update({
          where: { id: childId },
          data: {
            ...pseudonymFor(childId),
            birthDate: new Date(Date.UTC(child.birthDate.getUTCFullYear(), 0, 1)),
            birthYearOnly: true,
            pseudonymisedAt: new Date(at),
          },
        });
        await tx.report.updateMany({
          where: inCases,
          data: { reporterName: null, reporterContact: null, narrative: null },
        });
        await tx.screening.updateMany({ where: inCases, data: { notes: null } });
        await tx.assessment.updateMany({
          where: inCases,
          data: { social: null, health: null, psychological: null, educational: null, legal: null },
        });
        await tx.review.updateMany({ where: inCases, data: { notes: null } });
        await tx.plan.updateMany({ where: inCases, data: { returnReason: null } });
        await tx.planItem.updateMany({ where: { plan: inCases }, data: { objective: null } });
        // A partner's reason for declining is free text too.
        await tx.referral.updateMany({ where: inCases, data: { declineReason: null } });
        await tx.emergencyMeasure.updateMany({ where: inCases, data: { notes: null } });
        await tx.judicialNotification.updateMany({ where: inCases, data: { notes: null } });
        await tx.closure.updateMany({ where: inCases, data: { notes: null } });
        await tx.closureDecision.updateMany({ where: { closure: inCases }, data: { reason: null } });
        await tx.checkBack.updateMany({ where: inCases, data: { notes: null } });
        const pathwayId = child.leavingCarePathway?.id;
        if (pathwayId) {
          const ofPathway = { pathwayId };
          // Objectives are free text about the young person: removed, the axes' statuses stay.
          await tx.leavingCareObjective.deleteMany({ where: ofPathway });
          await tx.leavingCareReview.updateMany({ where: ofPathway, data: { notes: null } });
          await tx.leavingCareExitPlan.updateMany({ where: ofPathway, data: { notes: null } });
          await tx.leavingCareContact.updateMany({ where: ofPathway, data: { notes: null } });
        }
        const last = child.cases[child.cases.length - 1];
        await tx.auditEvent.create({
          data: {
            idempotencyKey: `retention/pseudonymised/${childId}`,
            actorType: 'system',
            action: 'child.pseudonymised',
            caseId: last?.id ?? null,
            entity: 'child',
            entityId: childId,
            reason: `every case of the child closed more than ${days} days ago (retention)`,
            details: {
              caseIds,
              lastClosedAt: last?.closedAt?.toISOString() ?? null,
              closedBefore: before.toISOString(),
              retentionDays: days,
              removed: ['names', 'birthDate (year kept)', 'reporters', 'narratives', 'decline reasons'],
              ...(pathwayId ? { leavingCarePathwayId: pathwayId } : {}),
            },
          },
        });
        return 'pseudonymised';
      });
    },
  };
}
