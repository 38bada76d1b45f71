import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { CalendarOutOfDateError, currentCalendarFiles } from '../../lib/calendar-changes';
import {
  buildHolidayCalendar,
  loadCalendar,
  loadProtocol,
  planDeadline,
  workingDaysLate,
  type HolidayCalendar,
} from '../../protocol';
import type { Prisma } from '../../generated/prisma/client';
import type {
  CalendarReplanRequest,
  DeadlineRung,
  LeavingCareStep,
  OpenDeadline,
  OpenDeadlineRequest,
  PlanBasis,
  ReplanDeadlineRequest,
  ReplannedDeadline,
} from '../../workflows/deadlines/types';
import { activityKey, type ActivityDeps } from '../context';
import { planPathwayDeadline } from '../leaving-care/activities';

export interface CloseDeadlineInput {
  caseId: string;
  deadlineId: string;
  at: string;
  /** missed: the step can no longer be done (a leaving-care step overtaken by the exit or the outcome). */
  outcome: 'done' | 'cancelled' | 'missed';
}

/** The protocol's deadline and ladder for a request, from its case's protocol version and province. */
function planFor(request: OpenDeadlineRequest, cal: HolidayCalendar = loadCalendar()) {
  const protocol = loadProtocol({ version: request.protocolVersion, province: request.province });
  return planDeadline(protocol, cal, {
    step: request.step,
    risk: request.risk ?? 'LOW',
    from: new Date(request.from),
    urgent: request.urgent ?? false,
    ...(request.service ? { service: request.service } : {}),
    ...(request.atMost ? { atMost: request.atMost } : {}),
  });
}

/** The rules a request plans with, kept in the deadline for a later calendar change. */
function basisOf(request: OpenDeadlineRequest): PlanBasis {
  return {
    kind: 'circuit',
    from: request.from,
    protocolVersion: request.protocolVersion,
    province: request.province,
    risk: request.risk,
    ...(request.urgent ? { urgent: true } : {}),
    ...(request.service ? { service: request.service } : {}),
    ...(request.atMost ? { atMost: request.atMost } : {}),
  };
}

/** A deadline planned again from its own clock and kept rules, with the calendar as it now is. */
function planAgain(deadline: OpenDeadline, basis: PlanBasis, cal: HolidayCalendar) {
  if (basis.kind === 'pathway') {
    const protocol = loadProtocol({ version: basis.protocolVersion, province: basis.province });
    const { due, ladder } = planPathwayDeadline(
      protocol,
      cal,
      deadline.step as LeavingCareStep,
      deadline.openedAt,
      basis.fixedDueAt,
    );
    return { dueAt: due.toISOString(), ladder };
  }
  const { kind: _kind, ...rules } = basis;
  return planFor({ ...rules, caseId: '', step: deadline.step as OpenDeadlineRequest['step'] }, cal);
}

/** Levels whose instant differs between two ladders (a level only in one counts as moved). */
function rungsMoved(before: readonly DeadlineRung[], after: readonly DeadlineRung[]) {
  const old = new Map(before.map((r) => [r.level, r.at]));
  return after
    .filter((r) => old.get(r.level) === undefined || Date.parse(old.get(r.level)!) !== Date.parse(r.at))
    .map((r) => ({ level: r.level, before: old.get(r.level) ?? null, after: r.at }));
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
        plannedWith: basisOf(request),
      };
    },

    /**
     * Plans an open deadline again from its own clock and moves its step record (due instant and
     * ladder), audited, in one transaction: because the case's risk changed or an urgent concern came
     * in (the rules the workflow passes), or because the holiday calendar changed (the rules the
     * deadline was planned with, the calendar as this worker has it, refused while its files are
     * older than the change's). Rungs already fired stay fired (the workflow keeps them; the ladder
     * column keeps their instants). A step already done, or a plan that moves neither the due
     * instant nor a rung not yet fired (nor earlier, when `onlyIfEarlier`), changes nothing: null.
     */
    async replanDeadline(request: ReplanDeadlineRequest | CalendarReplanRequest): Promise<ReplannedDeadline> {
      const key = activityKey();
      let plan: { dueAt: string; ladder: DeadlineRung[] };
      let basis: PlanBasis | undefined;
      let deadlineId: string;
      let dueBefore: string;
      let ladderBefore: readonly DeadlineRung[] | undefined;
      let fired: readonly number[] = [];
      let details: Record<string, unknown>;
      if (request.because === 'calendarChanged') {
        const { deadline } = request;
        basis = deadline.plannedWith;
        if (!basis) {
          throw ApplicationFailure.create({
            type: 'NoPlanningRules',
            message: `deadline ${deadline.id} does not carry the rules it was planned with`,
            nonRetryable: true,
          });
        }
        let files;
        try {
          files = await currentCalendarFiles(prisma);
        } catch (err) {
          // Retried: another worker (or this one, restarted) has the calendar the change recorded.
          if (err instanceof CalendarOutOfDateError)
            throw ApplicationFailure.retryable(err.message, err.name);
          throw err;
        }
        plan = planAgain(deadline, basis, buildHolidayCalendar(files));
        [deadlineId, dueBefore, ladderBefore, fired] = [
          deadline.id,
          deadline.dueAt,
          deadline.ladder,
          deadline.fired,
        ];
        details = {
          step: deadline.step,
          ...(deadline.subjectId ? { subjectId: deadline.subjectId } : {}),
          from: basis.kind === 'circuit' ? basis.from : deadline.openedAt,
          calendarChangeId: request.calendarChangeId,
        };
      } else {
        plan = planFor(request);
        basis = basisOf(request);
        [deadlineId, dueBefore, ladderBefore, fired] = [
          request.deadlineId,
          request.dueAt,
          request.ladder,
          request.fired ?? [],
        ];
        details = {
          step: request.step,
          ...(request.subjectId ? { subjectId: request.subjectId } : {}),
          from: request.from,
          risk: request.risk,
        };
      }
      const [after, before] = [Date.parse(plan.dueAt), Date.parse(dueBefore)];
      const rungs = ladderBefore
        ? rungsMoved(ladderBefore, plan.ladder).filter((r) => !fired.includes(r.level))
        : [];
      const moves =
        request.because === 'riskChanged' || request.because === 'urgentConcern'
          ? request.onlyIfEarlier
            ? after < before
            : after !== before || rungs.length > 0
          : after !== before || rungs.length > 0;
      if (!moves) return null;
      // The ladder as stored: a fired rung keeps the instant it fired at, the others move.
      const stored = plan.ladder.map((r) => {
        const kept = fired.includes(r.level) ? ladderBefore?.find((o) => o.level === r.level) : undefined;
        return { level: r.level, role: r.role, at: kept?.at ?? r.at };
      });
      return prisma.$transaction(async (tx) => {
        const done = await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
        if (!done) {
          const moved = await tx.stepRecord.updateMany({
            where: { id: deadlineId, completedAt: null },
            data: { dueAt: new Date(plan.dueAt), ladder: stored as Prisma.InputJsonValue },
          });
          if (moved.count === 0) return null;
          await tx.auditEvent.create({
            data: {
              idempotencyKey: key,
              actorType:
                request.because === 'calendarChanged' || request.actorId === 'system' ? 'system' : 'staff',
              actorId:
                request.because === 'calendarChanged' || request.actorId === 'system'
                  ? null
                  : request.actorId,
              action: 'deadline.replanned',
              caseId: request.caseId,
              entity: 'step',
              entityId: deadlineId,
              reason: request.because,
              details: {
                ...details,
                dueBefore,
                dueAfter: plan.dueAt,
                ...(rungs.length ? { rungsMoved: rungs } : {}),
              } as Prisma.InputJsonValue,
            },
          });
        }
        return { dueAt: plan.dueAt, ladder: plan.ladder, ...(basis ? { plannedWith: basis } : {}) };
      });
    },

    /**
     * Records completion and lateness (clock and working days), resolves the step's escalations and
     * cancels their messages that no attempt is sending — under the step record's row lock, which
     * notifyEscalation takes too before it writes a rung, so a rung of a done step never goes out.
     */
    async closeDeadline(input: CloseDeadlineInput): Promise<{ late: boolean }> {
      const at = new Date(input.at);
      return prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "step_records" WHERE "id" = ${input.deadlineId} FOR UPDATE`;
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
          const withdrawn = await tx.notification.findMany({
            where: { rung: { stepRecordId: record.id }, status: 'pending', phase: null },
            select: { id: true, caseId: true, kind: true, recipientStaffId: true },
          });
          if (withdrawn.length > 0) {
            await tx.notification.updateMany({
              where: { id: { in: withdrawn.map((n) => n.id) }, status: 'pending', phase: null },
              data: { status: 'cancelled', leaseToken: null, leaseUntil: null },
            });
            await tx.auditEvent.createMany({
              data: withdrawn.map((n) => ({
                idempotencyKey: `notification/${n.id}/notification.cancelled`,
                actorType: 'system' as const,
                action: 'notification.cancelled',
                caseId: n.caseId,
                entity: 'notification',
                entityId: n.id,
                reason: `the ${record.step} was done before this message could be sent`,
                details: { kind: n.kind, recipientStaffId: n.recipientStaffId },
              })),
              skipDuplicates: true,
            });
          }
        }
        return { late: lateByMs > 0 };
      });
    },
  };
}
