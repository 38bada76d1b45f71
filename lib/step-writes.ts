/**
 * The rows a human step writes, kept pending until the workflow accepts the step (issue 13 item 15).
 *
 * Why: the API used to write them in a transaction that waited on the workflow update, so a
 * refused step left nothing — but when the API's wait ran out while the workflow still accepted
 * the update (a slow or restarting worker), the transaction rolled back and the rows were lost,
 * though the workflow had moved on. Now:
 *
 * 1. the API commits the step's writes as one `pending_step_writes` row keyed by the update id
 *    (derived from the request's Idempotency-Key, so a retried request is the same update);
 * 2. it runs the update; if the workflow refuses it (409) or the workflow is gone, it deletes the
 *    row;
 * 3. the workflow's recording activity (recordCaseAction, recordProgrammeReview), which runs only
 *    inside the accepted update, applies the writes to their tables and deletes the pending row in
 *    the same transaction as its audit event — once, whatever the retries;
 * 4. a pending row that Temporal knows nothing about (the API died before sending the update, or
 *    after a rejection) is removed by a sweep after a bounded time (api/steps/pending.ts).
 *
 * Readers never see a step's rows before the workflow accepted the step: until then they are not
 * in their tables at all, so no reader needs a filter. The writes are plain JSON (instants as ISO
 * strings) of codes, IDs and the narratives that belong in the case database — never in a history.
 */
import type { Prisma } from '../generated/prisma/client';

type Risk = 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW';

export type StepWrite =
  | {
      kind: 'screening';
      screening: {
        id: string;
        caseId: string;
        risk: Risk;
        immediateNeeds: boolean;
        injury: boolean;
        categories: string[];
        notes: string | null;
        screenedById: string;
        screenedAt: string;
      };
    }
  | {
      kind: 'assessment';
      assessment: {
        id: string;
        caseId: string;
        social: string | null;
        health: string | null;
        psychological: string | null;
        educational: string | null;
        legal: string | null;
        riskAfter: Risk | null;
        assessedById: string;
        assessedAt: string;
      };
    }
  | {
      kind: 'plan';
      /** The version is the case's next one, counted when the plan is confirmed. */
      plan: {
        id: string;
        caseId: string;
        submittedAt: string;
        reviewFrequencyDays: number | null;
        items: { id: string; serviceType: string; partnerId: string; objective: string | null }[];
      };
    }
  | {
      kind: 'planDecision';
      decision: {
        caseId: string;
        status: 'approved' | 'returned';
        decidedAt: string;
        decidedById: string;
        returnReason: string | null;
      };
    }
  | {
      kind: 'review';
      review: {
        id: string;
        caseId: string;
        riskBefore: Risk | null;
        riskAfter: Risk;
        decision: string;
        notes: string | null;
        reviewedById: string;
        reviewedAt: string;
      };
    }
  | {
      kind: 'leavingCareObjectives';
      objectives: {
        id: string;
        pathwayId: string;
        reviewId: string;
        axis: string;
        position: number;
        objective: string;
        recordedAt: string;
        recordedById: string;
      }[];
    }
  | {
      kind: 'emergencyMeasure';
      measure: {
        id: string;
        caseId: string;
        measures: string[];
        notes: string | null;
        recordedAt: string;
        recordedById: string;
      };
    }
  | {
      kind: 'judicialNotification';
      notification: {
        id: string;
        caseId: string;
        status: string;
        notes: string | null;
        recordedAt: string;
        recordedById: string;
      };
    }
  | {
      kind: 'closure';
      closure: {
        id: string;
        caseId: string;
        reason: string;
        notes: string | null;
        /** The step it was asked from (where a return sends the case back). */
        fromStep: string;
        requestedAt: string;
        requestedById: string;
      };
    }
  | {
      kind: 'closureDecision';
      /** On the case's pending closure request, found when the decision is confirmed. */
      decision: {
        id: string;
        caseId: string;
        decision: string;
        reason: string | null;
        decidedAt: string;
        decidedById: string;
      };
    }
  | {
      kind: 'checkBack';
      checkBack: {
        id: string;
        caseId: string;
        outcome: string;
        notes: string | null;
        recordedAt: string;
        recordedById: string;
      };
    };

type Tx = Prisma.TransactionClient;
const at = (iso: string) => new Date(iso);

async function apply(tx: Tx, write: StepWrite): Promise<void> {
  switch (write.kind) {
    case 'screening': {
      const s = write.screening;
      await tx.screening.create({ data: { ...s, screenedAt: at(s.screenedAt) } });
      return;
    }
    case 'assessment': {
      const a = write.assessment;
      await tx.assessment.create({ data: { ...a, assessedAt: at(a.assessedAt) } });
      return;
    }
    case 'plan': {
      const p = write.plan;
      const version = (await tx.plan.count({ where: { caseId: p.caseId } })) + 1;
      await tx.plan.create({
        data: {
          id: p.id,
          caseId: p.caseId,
          version,
          status: 'submitted',
          submittedAt: at(p.submittedAt),
          reviewFrequencyDays: p.reviewFrequencyDays,
          items: { create: p.items },
        },
      });
      return;
    }
    case 'planDecision': {
      const d = write.decision;
      await tx.plan.updateMany({
        where: { caseId: d.caseId, status: 'submitted' },
        data: {
          status: d.status,
          decidedAt: at(d.decidedAt),
          decidedById: d.decidedById,
          returnReason: d.returnReason,
        },
      });
      return;
    }
    case 'review': {
      const r = write.review;
      await tx.review.create({ data: { ...r, reviewedAt: at(r.reviewedAt) } });
      return;
    }
    case 'leavingCareObjectives':
      await tx.leavingCareObjective.createMany({
        data: write.objectives.map((o) => ({ ...o, recordedAt: at(o.recordedAt) })),
      });
      return;
    case 'emergencyMeasure': {
      const m = write.measure;
      await tx.emergencyMeasure.create({ data: { ...m, recordedAt: at(m.recordedAt) } });
      return;
    }
    case 'judicialNotification': {
      const n = write.notification;
      await tx.judicialNotification.create({ data: { ...n, recordedAt: at(n.recordedAt) } });
      return;
    }
    case 'closure': {
      const c = write.closure;
      await tx.closure.create({ data: { ...c, requestedAt: at(c.requestedAt) } });
      return;
    }
    case 'closureDecision': {
      const { caseId, ...d } = write.decision;
      // Confirmed before the workflow's activity sets the request's status (same transaction).
      const pending = await tx.closure.findFirst({
        where: { caseId, status: 'pending' },
        orderBy: { requestedAt: 'desc' },
        select: { id: true },
      });
      if (!pending) return;
      await tx.closureDecision.create({ data: { ...d, closureId: pending.id, decidedAt: at(d.decidedAt) } });
      return;
    }
    case 'checkBack': {
      const c = write.checkBack;
      await tx.checkBack.create({ data: { ...c, recordedAt: at(c.recordedAt) } });
      return;
    }
  }
}

/**
 * Confirms the pending writes of an update inside the caller's transaction: writes them to their
 * tables and deletes the pending row (locked first, so a concurrent confirmation or sweep waits).
 * Returns false when there is none (a step without rows, or confirmed already).
 */
export async function confirmStepWrites(tx: Tx, updateId: string | undefined): Promise<boolean> {
  if (!updateId) return false;
  const [row] = await tx.$queryRaw<{ writes: StepWrite[] }[]>`
    SELECT "writes" FROM "pending_step_writes" WHERE "update_id" = ${updateId} FOR UPDATE`;
  if (!row) return false;
  for (const write of row.writes) await apply(tx, write);
  await tx.pendingStepWrite.delete({ where: { updateId } });
  return true;
}
