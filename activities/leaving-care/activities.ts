import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { confirmStepWrites } from '../../lib/step-writes';
import { pinRules } from '../../lib/protocol-pins';
import {
  addDuration,
  loadCalendar,
  loadProtocol,
  planLadder,
  type HolidayCalendar,
  type PlannedRung,
  type ProtocolDefinition,
} from '../../protocol';
import { planAccompaniment, planMilestones } from '../../protocol/leaving-care';
import type { Prisma } from '../../generated/prisma/client';
import type { LeavingCareStep, OpenDeadline } from '../../workflows/deadlines/types';
import type {
  AxisStatus,
  EnrolmentTrigger,
  LeavingCarePhase,
  LeavingCareState,
  Milestones,
} from '../../workflows/leaving-care/definitions';
import { leavingCareWorkflowId } from '../../workflows/leaving-care/definitions';
import { activityKey, type ActivityDeps } from '../context';

/** Rejects a step for a reason only the database knows; the workflow turns it into the update's error. */
const rejected = (type: string, message: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true });

const iso = (d: Date) => d.toISOString();
type Tx = Prisma.TransactionClient;

export interface OpenPathwayInput {
  childId: string;
  caseId: string;
  trigger: EnrolmentTrigger;
  actorId: string;
  /** Workflow time of the enrolment (worker clocks differ from the workflow's). */
  at: string;
  accompanimentMonths?: number;
}

export interface OpenPathwayDeadlineInput {
  pathwayId: string;
  caseId: string;
  province: string;
  protocolVersion: number;
  step: LeavingCareStep;
  /** Start of the clock (ISO). */
  from: string;
  /** A fixed due instant (exit plan, monthly contact); otherwise the step's span in the protocol from `from`. */
  dueAt?: string;
  assignee?: OpenDeadline['assignee'];
}

interface PathwayRef {
  pathwayId: string;
  caseId: string;
  actorId: string;
  /** Workflow time of the action (ISO). */
  at: string;
  /** The update carrying a human step: its pending rows are confirmed with the audit event. */
  updateId?: string;
}

export interface RecordPathwayEventInput extends PathwayRef {
  action: string;
  /** The phase the pathway enters, if this event changes it. */
  phase?: LeavingCarePhase;
  /** When that phase begins (a milestone instant when a timer began it; default `at`). */
  since?: string;
  /** The protection case that handed the young person over (closed for "turned 18"). */
  handedOverBy?: string;
  details?: Record<string, unknown>;
}

export interface ReplanPathwayInput extends PathwayRef {
  /** The workflow's phase: preparation keeps the instant it began, a later phase changes nothing. */
  phase: LeavingCarePhase;
}

export type ReplanPathwayResult =
  | { replanned: true; milestones: Milestones }
  | { replanned: false; reason: 'pastExitAgeAtEnrolment' | 'notEnrolled' };

/** Spans the protocol gives each step that is not due at a fixed milestone. */
const SPAN: Partial<Record<LeavingCareStep, 'assessmentWithin' | 'reviewEvery' | 'outcomeWithin'>> = {
  programme: 'assessmentWithin',
  programmeReview: 'reviewEvery',
  integrationOutcome: 'outcomeWithin',
};

/**
 * A pathway step's due instant and leaving-care ladder: its span from `from`, or the milestone given
 * (a step with no span of its own). Shared by opening and by a calendar change's re-plan.
 */
export function planPathwayDeadline(
  protocol: ProtocolDefinition,
  cal: HolidayCalendar,
  step: LeavingCareStep,
  from: string,
  fixedDueAt: string | undefined,
): { due: Date; ladder: PlannedRung[] } {
  const span = SPAN[step];
  let due: Date;
  if (fixedDueAt) due = new Date(fixedDueAt);
  else if (span) due = addDuration(new Date(from), protocol.leavingCare[span], cal, protocol.timezone);
  else throw rejected('DueAtRequired', `step ${step} needs its due instant`);
  return { due, ladder: planLadder(protocol, cal, protocol.leavingCare.ladder, due) };
}

export function leavingCareActivities({ prisma }: ActivityDeps) {
  /** Appends the audit event unless this activity already did (retries), inside the caller's transaction. */
  async function audit(
    tx: Tx,
    key: string,
    ref: Omit<PathwayRef, 'at'>,
    action: string,
    details: Record<string, unknown> = {},
    reason?: string,
  ): Promise<void> {
    await tx.auditEvent.create({
      data: {
        idempotencyKey: key,
        actorType: ref.actorId === 'system' ? 'system' : 'staff',
        actorId: ref.actorId === 'system' ? null : ref.actorId,
        action,
        caseId: ref.caseId,
        entity: 'leavingCarePathway',
        entityId: ref.pathwayId,
        ...(reason ? { reason } : {}),
        details: JSON.parse(JSON.stringify(details)),
      },
    });
  }

  /** Runs `write` and its audit event in one transaction, once per activity (a retry finds the key). */
  async function once(write: (tx: Tx, key: string) => Promise<void>): Promise<void> {
    const key = activityKey();
    await prisma.$transaction(async (tx) => {
      if (await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } })) return;
      await write(tx, key);
    });
  }

  async function pathwayRow(pathwayId: string) {
    return prisma.leavingCarePathway.findUniqueOrThrow({ where: { id: pathwayId } });
  }

  return {
    /** The child of a case, for the pathway's workflow id (an ID, never the child's identity). */
    async leavingCareChild({ caseId }: { caseId: string }): Promise<{ childId: string }> {
      const found = await prisma.case.findUnique({ where: { id: caseId }, select: { childId: true } });
      if (!found) throw rejected('CaseNotFound', `case ${caseId} does not exist`);
      return { childId: found.childId };
    },

    /**
     * Enrols a child: reads the date of birth, computes the milestones in the protocol's zone and
     * writes the pathway with one row per programme axis — or, past the exit age, records why the
     * child is not enrolled. One pathway per child (unique child_id): a retry returns the same one.
     * Returns the workflow's starting state: instants and codes, never the date of birth.
     */
    async openPathway(input: OpenPathwayInput): Promise<LeavingCareState> {
      const at = new Date(input.at);
      const kase = await prisma.case.findUnique({
        where: { id: input.caseId },
        select: {
          provinceCode: true,
          protocolVersion: true,
          childId: true,
          child: { select: { birthDate: true, birthDateApproximate: true } },
        },
      });
      if (!kase) throw rejected('CaseNotFound', `case ${input.caseId} does not exist`);
      if (kase.childId !== input.childId) {
        throw rejected('CaseMismatch', `childId: case ${input.caseId} is not about child ${input.childId}`);
      }
      const protocol = loadProtocol({ version: kase.protocolVersion, province: kase.provinceCode });
      const rules = protocol.leavingCare;
      const cal = loadCalendar();
      const months = input.accompanimentMonths ?? rules.accompanimentMonths;
      if (!Number.isInteger(months) || months < 1 || months > rules.accompanimentMaxMonths) {
        throw rejected(
          'InvalidAccompaniment',
          `accompanimentMonths: expected a whole number from 1 to ${rules.accompanimentMaxMonths}`,
        );
      }
      const facts = {
        protocolVersion: protocol.version,
        axes: [...rules.axes],
        progressStatuses: [...rules.progressStatuses],
        exitPlanItems: [...rules.exitPlanItems],
        outcomes: [...rules.outcomes],
        accompanimentMaxMonths: rules.accompanimentMaxMonths,
      };

      let row = await prisma.leavingCarePathway.findUnique({ where: { childId: input.childId } });
      if (!row) {
        // The date of birth is read here and goes no further than this function.
        const plan = planMilestones(
          rules,
          cal,
          {
            date: kase.child.birthDate.toISOString().slice(0, 10),
            approximate: kase.child.birthDateApproximate,
          },
          at,
          months,
          protocol.timezone,
        );
        const pathwayId = randomUUID();
        const ref = { pathwayId, caseId: input.caseId, actorId: input.actorId };
        row = await prisma.$transaction(async (tx) => {
          // The pathway runs under its case's version: pinned with the hash of those rules.
          const protocolHash = await pinRules(tx, protocol, kase.provinceCode);
          const created = await tx.leavingCarePathway.create({
            data: {
              protocolHash,
              id: pathwayId,
              childId: input.childId,
              caseId: input.caseId,
              provinceCode: kase.provinceCode,
              workflowId: leavingCareWorkflowId(input.childId),
              protocolVersion: protocol.version,
              trigger: input.trigger,
              enrolledAt: at,
              phaseSince: at,
              accompanimentMonths: months,
              ...(plan.enrol
                ? {
                    phase: 'waiting',
                    preparationAt: plan.milestones.preparationAt,
                    exitPlanDueAt: plan.milestones.exitPlanDueAt,
                    exitAt: plan.milestones.exitAt,
                    accompanimentEndsAt: plan.milestones.accompanimentEndsAt,
                    contactDueAt: plan.milestones.contactDueAt,
                  }
                : { phase: 'notEnrolled', notEnrolledReason: plan.reason }),
            },
          });
          if (plan.enrol) {
            await tx.leavingCareAxis.createMany({
              data: rules.axes.map((axis) => ({
                id: randomUUID(),
                pathwayId,
                axis,
                status: rules.progressStatuses[0] ?? 'notStarted',
              })),
            });
          }
          await audit(
            tx,
            `leaving-care/${input.childId}/enrolment`,
            ref,
            plan.enrol ? 'leavingCare.enrolled' : 'leavingCare.notEnrolled',
            { trigger: input.trigger, accompanimentMonths: months },
            plan.enrol ? undefined : `${plan.reason}: the young person has reached the exit age`,
          );
          return created;
        });
      }

      const milestones: Milestones | null =
        row.phase === 'notEnrolled' || !row.preparationAt || !row.exitPlanDueAt || !row.exitAt
          ? null
          : {
              preparationAt: iso(row.preparationAt),
              exitPlanDueAt: iso(row.exitPlanDueAt),
              exitAt: iso(row.exitAt),
              ...(() => {
                const a = planAccompaniment(
                  rules,
                  cal,
                  row.exitAt,
                  row.accompanimentMonths,
                  protocol.timezone,
                );
                return {
                  contactDueAt: a.contactDueAt.map(iso),
                  accompanimentEndsAt: iso(a.accompanimentEndsAt),
                };
              })(),
            };
      return {
        pathwayId: row.id,
        childId: row.childId,
        caseId: row.caseId,
        province: row.provinceCode,
        phase: row.phase,
        phaseSince: iso(row.enrolledAt),
        notEnrolledReason: row.notEnrolledReason,
        mediatorId: row.mediatorId,
        facts,
        milestones,
        accompanimentMonths: row.accompanimentMonths,
        programmeAt: null,
        reviews: 0,
        exitPlanAt: null,
        contacts: 0,
        contactPeriods: 0,
        handedOverBy: null,
        deadlines: [],
        escalations: [],
        stepsOnTime: 0,
        stepsLate: 0,
        stepsMissed: 0,
      };
    },

    /**
     * Opens a pathway step's deadline with the protocol's leaving-care ladder (the holiday calendar
     * is data, hence an activity) and its step record, filed on the pathway's case.
     */
    async openPathwayDeadline(request: OpenPathwayDeadlineInput): Promise<OpenDeadline> {
      const key = activityKey();
      const protocol = loadProtocol({ version: request.protocolVersion, province: request.province });
      const { due, ladder } = planPathwayDeadline(
        protocol,
        loadCalendar(),
        request.step,
        request.from,
        request.dueAt,
      );
      const row = await prisma.stepRecord.upsert({
        where: { idempotencyKey: key },
        update: {},
        create: {
          id: randomUUID(),
          idempotencyKey: key,
          caseId: request.caseId,
          step: request.step,
          subjectId: request.pathwayId,
          openedAt: new Date(request.from),
          dueAt: due,
          provinceCode: request.province,
          ladder: ladder.map((r) => ({ level: r.level, role: r.role, at: r.at })),
        },
      });
      return {
        id: row.id,
        step: request.step,
        province: request.province,
        subjectId: request.pathwayId,
        openedAt: request.from,
        dueAt: iso(due),
        ladder,
        fired: [],
        ...(request.assignee ? { assignee: request.assignee } : {}),
        plannedWith: {
          kind: 'pathway',
          protocolVersion: request.protocolVersion,
          province: request.province,
          ...(request.dueAt ? { fixedDueAt: request.dueAt } : {}),
        },
      };
    },

    /** A change of phase (or another event without rows of its own), with its audit event. */
    async recordPathwayEvent(input: RecordPathwayEventInput): Promise<void> {
      await once(async (tx, key) => {
        if (input.phase || input.handedOverBy) {
          await tx.leavingCarePathway.update({
            where: { id: input.pathwayId },
            data: {
              ...(input.phase ? { phase: input.phase, phaseSince: new Date(input.since ?? input.at) } : {}),
              ...(input.phase === 'completed' ? { completedAt: new Date(input.at) } : {}),
              ...(input.handedOverBy ? { handedOverBy: input.handedOverBy } : {}),
            },
          });
        }
        await audit(tx, key, input, input.action, { ...input.details, at: input.at });
      });
    },

    /** Assigns the social mediator: an active mediator of the pathway's province. */
    async assignMediator(input: PathwayRef & { mediatorId: string }): Promise<void> {
      const pathway = await pathwayRow(input.pathwayId);
      const staff = await prisma.staff.findUnique({ where: { id: input.mediatorId } });
      if (
        !staff ||
        !staff.active ||
        staff.role !== 'mediator' ||
        staff.provinceCode !== pathway.provinceCode
      ) {
        throw rejected(
          'InvalidMediator',
          `mediatorId: ${input.mediatorId} is not an active mediator of province ${pathway.provinceCode}`,
        );
      }
      await once(async (tx, key) => {
        await tx.leavingCarePathway.update({
          where: { id: input.pathwayId },
          data: { mediatorId: input.mediatorId },
        });
        await audit(tx, key, input, 'leavingCare.mediatorAssigned', {
          mediatorId: input.mediatorId,
          previous: pathway.mediatorId,
        });
      });
    },

    /**
     * The autonomy assessment (kind 'assessment', which sets up the programme) or a periodic
     * review: axis statuses and the review row, in one transaction. The objectives are not read
     * here: the API writes them in a transaction still open while this runs (other rows, no wait).
     */
    async recordProgrammeReview(
      input: PathwayRef & { reviewId: string; kind: 'assessment' | 'review'; axes: AxisStatus[] },
    ): Promise<void> {
      await once(async (tx, key) => {
        // The objectives, written by the API as pending rows of this update (lib/step-writes.ts).
        await confirmStepWrites(tx, input.updateId);
        for (const { axis, status } of input.axes) {
          await tx.leavingCareAxis.update({
            where: { pathwayId_axis: { pathwayId: input.pathwayId, axis } },
            data: { status },
          });
        }
        const axes = Object.fromEntries(input.axes.map((a) => [a.axis, a.status]));
        await tx.leavingCareReview.upsert({
          where: { id: input.reviewId },
          update: {},
          create: {
            id: input.reviewId,
            pathwayId: input.pathwayId,
            kind: input.kind,
            reviewedAt: new Date(input.at),
            reviewedById: input.actorId,
            axes,
          },
        });
        await audit(
          tx,
          key,
          input,
          input.kind === 'assessment' ? 'leavingCare.programme' : 'leavingCare.programmeReview',
          { reviewId: input.reviewId, axes },
        );
      });
    },

    async recordExitPlan(
      input: PathwayRef & { items: { item: string; status: string }[]; mediatorId: string },
    ): Promise<void> {
      await once(async (tx, key) => {
        const items = Object.fromEntries(input.items.map((i) => [i.item, i.status]));
        await tx.leavingCareExitPlan.upsert({
          where: { pathwayId: input.pathwayId },
          update: {},
          create: {
            id: randomUUID(),
            pathwayId: input.pathwayId,
            items,
            mediatorId: input.mediatorId,
            recordedAt: new Date(input.at),
            recordedById: input.actorId,
          },
        });
        await audit(tx, key, input, 'leavingCare.exitPlan', { items, mediatorId: input.mediatorId });
      });
    },

    async recordMediatorContact(input: PathwayRef & { contactId: string; month: number }): Promise<void> {
      await once(async (tx, key) => {
        await tx.leavingCareContact.upsert({
          where: { id: input.contactId },
          update: {},
          create: {
            id: input.contactId,
            pathwayId: input.pathwayId,
            month: input.month,
            contactedAt: new Date(input.at),
            recordedById: input.actorId,
          },
        });
        await audit(tx, key, input, 'leavingCare.mediatorContact', {
          contactId: input.contactId,
          month: input.month,
        });
      });
    },

    /** Changes the length of accompaniment and returns the new contact schedule. */
    async setAccompaniment(
      input: PathwayRef & { months: number },
    ): Promise<Pick<Milestones, 'contactDueAt' | 'accompanimentEndsAt'>> {
      const pathway = await pathwayRow(input.pathwayId);
      if (!pathway.exitAt) throw rejected('NotEnrolled', 'the child is not enrolled in leaving care');
      const protocol = loadProtocol({ version: pathway.protocolVersion, province: pathway.provinceCode });
      const plan = planAccompaniment(
        protocol.leavingCare,
        loadCalendar(),
        pathway.exitAt,
        input.months,
        protocol.timezone,
      );
      await once(async (tx, key) => {
        await tx.leavingCarePathway.update({
          where: { id: input.pathwayId },
          data: {
            accompanimentMonths: input.months,
            accompanimentEndsAt: plan.accompanimentEndsAt,
            contactDueAt: plan.contactDueAt,
          },
        });
        await audit(tx, key, input, 'leavingCare.accompaniment', {
          months: input.months,
          previous: pathway.accompanimentMonths,
        });
      });
      return { contactDueAt: plan.contactDueAt.map(iso), accompanimentEndsAt: iso(plan.accompanimentEndsAt) };
    },

    /**
     * The child's date of birth was rectified (law 09-08): the milestones still ahead are computed
     * again from the corrected date and written to the pathway; the workflow gets the instants.
     * A pathway in preparation keeps the instant preparation began; once the young person has left
     * care nothing moves. Audited without the date (the field names are in the API's event).
     */
    async replanPathway(input: ReplanPathwayInput): Promise<ReplanPathwayResult> {
      const pathway = await pathwayRow(input.pathwayId);
      if (pathway.phase === 'notEnrolled' || !pathway.preparationAt) {
        return { replanned: false, reason: 'notEnrolled' };
      }
      const child = await prisma.child.findUniqueOrThrow({
        where: { id: pathway.childId },
        select: { birthDate: true, birthDateApproximate: true },
      });
      const protocol = loadProtocol({ version: pathway.protocolVersion, province: pathway.provinceCode });
      const plan = planMilestones(
        protocol.leavingCare,
        loadCalendar(),
        { date: child.birthDate.toISOString().slice(0, 10), approximate: child.birthDateApproximate },
        pathway.enrolledAt,
        pathway.accompanimentMonths,
        protocol.timezone,
      );
      if (!plan.enrol) return { replanned: false, reason: 'pastExitAgeAtEnrolment' };
      const m = plan.milestones;
      const preparationAt = input.phase === 'waiting' ? m.preparationAt : pathway.preparationAt;
      await once(async (tx, key) => {
        await tx.leavingCarePathway.update({
          where: { id: input.pathwayId },
          data: {
            preparationAt,
            exitPlanDueAt: m.exitPlanDueAt,
            exitAt: m.exitAt,
            accompanimentEndsAt: m.accompanimentEndsAt,
            contactDueAt: m.contactDueAt,
          },
        });
        await audit(tx, key, input, 'leavingCare.milestonesRecomputed', {
          phase: input.phase,
          cause: 'child.identity.rectified',
        });
      });
      return {
        replanned: true,
        milestones: {
          preparationAt: iso(preparationAt),
          exitPlanDueAt: iso(m.exitPlanDueAt),
          exitAt: iso(m.exitAt),
          contactDueAt: m.contactDueAt.map(iso),
          accompanimentEndsAt: iso(m.accompanimentEndsAt),
        },
      };
    },

    /** The outcome per axis, filed under the pathway's province for the committee; completes the pathway. */
    async recordIntegrationOutcome(
      input: PathwayRef & { outcomes: { axis: string; outcome: string }[] },
    ): Promise<void> {
      await once(async (tx, key) => {
        const pathway = await tx.leavingCarePathway.update({
          where: { id: input.pathwayId },
          data: { phase: 'completed', completedAt: new Date(input.at), phaseSince: new Date(input.at) },
        });
        await tx.leavingCareOutcome.createMany({
          data: input.outcomes.map((o) => ({
            id: randomUUID(),
            pathwayId: input.pathwayId,
            provinceCode: pathway.provinceCode,
            axis: o.axis,
            outcome: o.outcome,
            recordedAt: new Date(input.at),
            recordedById: input.actorId,
          })),
          skipDuplicates: true,
        });
        await audit(tx, key, input, 'leavingCare.integrationOutcome', {
          outcomes: Object.fromEntries(input.outcomes.map((o) => [o.axis, o.outcome])),
        });
      });
    },
  };
}
