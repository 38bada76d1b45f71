import { randomUUID } from 'node:crypto';
import { loadCalendar, loadProtocol, planDeadline, workingDaysLate } from '../../protocol';
import type {
  OpenDeadline,
  OpenDeadlineRequest,
  ReplanDeadlineRequest,
  ReplannedDeadline,
} from '../../workflows/deadlines/types';
import { activityKey, type ActivityDeps } from '../context';

export interface CloseDeadlineInput {
  caseId: string;
  deadlineId: string;
  at: string;
  /** missed: the step can no longer be done (a leaving-care step overtaken by the exit or the outcome). */
  outcome: 'done' | 'cancelled' | 'missed';
}

/** The protocol's deadline and ladder for a request, from its case's protocol version and province. */
function planFor(request: OpenDeadlineRequest) {
  const protocol = loadProtocol({ version: request.protocolVersion, province: request.province });
  return planDeadline(protocol, loadCalendar(), {
    step: request.step,
    risk: request.risk ?? 'LOW',
    from: new Date(request.from),
    urgent: request.urgent ?? false,
    ...(request.service ? { service: request.service } : {}),
    ...(request.atMost ? { atMost: request.atMost } : {}),
  });
}

export function deadlineActivities({ prisma }: ActivityDeps) {
  return {
    /**
     * Computes a step's deadline and ladder from the case's protocol version and the holiday
     * calendar (data that can change, hence an activity: the result is recorded in history), and
     * opens the step record that feeds the statistics.
     */
    async openDeadline(request: OpenDeadlineRequest): Promise<OpenDeadline> {
      const key = activityKey();
      const plan = planFor(request);
      const row = await prisma.stepRecord.upsert({
        where: { idempotencyKey: key },
        update: {},
        create: {
          id: randomUUID(),
          idempotencyKey: key,
          caseId: request.caseId,
          step: request.step,
          subjectId: request.subjectId ?? null,
          openedAt: new Date(request.from),
          dueAt: new Date(plan.dueAt),
          provinceCode: request.province,
          ladder: plan.ladder.map((r) => ({ level: r.level, role: r.role, at: r.at })),
        },
      });
      return {
        id: row.id,
        step: request.step,
        province: request.province,
        ...(request.subjectId ? { subjectId: request.subjectId } : {}),
        openedAt: request.from,
        dueAt: plan.dueAt,
        ladder: plan.ladder,
        fired: [],
      };
    },

    /**
     * Plans an open deadline again from its own clock (the case's risk changed, or an urgent concern
     * came in) and moves its step record's due instant, audited, in one transaction. Rungs already
     * fired stay fired (the workflow keeps them); a step already done, or a plan that would not move
     * the deadline (earlier, when `onlyIfEarlier`), changes nothing and answers null.
     */
    async replanDeadline(request: ReplanDeadlineRequest): Promise<ReplannedDeadline> {
      const key = activityKey();
      const plan = planFor(request);
      const [after, before] = [Date.parse(plan.dueAt), Date.parse(request.dueAt)];
      const moves = request.onlyIfEarlier ? after < before : after !== before;
      if (!moves) return null;
      return prisma.$transaction(async (tx) => {
        const done = await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
        if (!done) {
          const moved = await tx.stepRecord.updateMany({
            where: { id: request.deadlineId, completedAt: null },
            data: { dueAt: new Date(plan.dueAt) },
          });
          if (moved.count === 0) return null;
          await tx.auditEvent.create({
            data: {
              idempotencyKey: key,
              actorType: request.actorId === 'system' ? 'system' : 'staff',
              actorId: request.actorId === 'system' ? null : request.actorId,
              action: 'deadline.replanned',
              caseId: request.caseId,
              entity: 'step',
              entityId: request.deadlineId,
              reason: request.because,
              details: {
                step: request.step,
                ...(request.subjectId ? { subjectId: request.subjectId } : {}),
                from: request.from,
                risk: request.risk,
                dueBefore: request.dueAt,
                dueAfter: plan.dueAt,
              },
            },
          });
        }
        return { dueAt: plan.dueAt, ladder: plan.ladder };
      });
    },

    /** Records completion and lateness (clock and working days) and resolves the step's escalations. */
    async closeDeadline(input: CloseDeadlineInput): Promise<{ late: boolean }> {
      const at = new Date(input.at);
      return prisma.$transaction(async (tx) => {
        const record = await tx.stepRecord.findUniqueOrThrow({ where: { id: input.deadlineId } });
        const lateByMs = Math.max(0, at.getTime() - record.dueAt.getTime());
        if (!record.completedAt) {
          await tx.stepRecord.update({
            where: { id: record.id },
            data: {
              completedAt: at,
              outcome: input.outcome,
              lateByMs: BigInt(lateByMs),
              lateWorkingDays: workingDaysLate(record.dueAt, at, loadCalendar()),
            },
          });
          await tx.escalation.updateMany({
            where: { stepRecordId: record.id, resolvedAt: null },
            data: { resolvedAt: at },
          });
        }
        return { late: lateByMs > 0 };
      });
    },
  };
}
