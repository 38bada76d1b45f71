import { ApplicationFailure, Context } from '@temporalio/activity';
import { pinRules } from '../../lib/protocol-pins';
import { confirmStepWrites } from '../../lib/step-writes';
import {
  dependsOnRisk,
  loadProtocol,
  RISK_LEVELS,
  STEP_CODES,
  type ProtocolDefinition,
} from '../../protocol';
import type { Prisma } from '../../generated/prisma/client';
import type { CaseChange, CaseState, ProtocolFacts } from '../../workflows/case/definitions';
import type { RiskLevel } from '../../workflows/deadlines/types';
import { activityKey, type ActivityDeps } from '../context';
import { DUTY_UNIT_KINDS } from '../notifications/recipients';

/** The parts of a protocol version the case workflow decides with, pinned when the case opens. */
export function protocolFacts(protocol: ProtocolDefinition): ProtocolFacts {
  const checkBack = protocol.steps.closureCheckBack;
  return {
    version: protocol.version,
    riskOrder: [...RISK_LEVELS],
    emergencyRisks: [...protocol.emergency.risks],
    emergencyWhenImmediateNeeds: [...protocol.emergency.withImmediateNeeds],
    judicialNotificationCategories: [...protocol.judicialNotificationCategories],
    judicialNotificationIfInjured: [...protocol.judicialNotificationIfInjured],
    serviceTypes: Object.keys(protocol.services),
    closure: {
      blockedBy: [...protocol.closure.blockedBy],
      reasons: Object.fromEntries(
        protocol.closureReasons.map((reason) => {
          const rule = protocol.closure.reasons[reason];
          return [
            reason,
            {
              fromSteps: [...(rule?.fromSteps ?? [])],
              notBlockedBy: [...(rule?.notBlockedBy ?? [])],
              checkBack: rule?.checkBack ?? false,
            },
          ];
        }),
      ),
    },
    checkBackRisks: checkBack.enabled ? [...checkBack.forRisk] : [],
    riskDependentSteps: STEP_CODES.filter((step) => dependsOnRisk(protocol, step)),
    placementServices: Object.entries(protocol.services)
      .filter(([, service]) => service.partnerType === 'careInstitution')
      .map(([code]) => code),
    leavingCareHandOver: [...protocol.leavingCare.handOverOnClosure],
  };
}

export interface RecordCaseActionInput {
  caseId: string;
  action: string;
  actorId: string;
  step: CaseState['step'];
  risk: RiskLevel | null;
  province: string;
  assigneeId: string | null;
  details: Record<string, unknown>;
  /** The update carrying a human step: its pending rows are confirmed with the audit event. */
  updateId?: string;
  /** The case file's other rows this step changes (transfers, closure status, referrals). */
  changes?: CaseChange[];
}

type Tx = Prisma.TransactionClient;

/** The unit on duty in a province (the unit a transferred case joins): the first active unit of the first duty kind it has. */
export async function dutyUnit(tx: Tx, province: string): Promise<string | null> {
  const units = await tx.unit.findMany({
    where: { provinceCode: province, active: true },
    orderBy: { id: 'asc' },
    select: { id: true, kind: true },
  });
  return DUTY_UNIT_KINDS.map((kind) => units.find((u) => u.kind === kind)).find((u) => u)?.id ?? null;
}

/** Applies one change of the case file, inside recordCaseAction's transaction. */
async function applyChange(
  tx: Tx,
  input: RecordCaseActionInput,
  change: CaseChange,
  at: Date,
): Promise<void> {
  const actorId = input.actorId === 'system' ? 'system' : input.actorId;
  switch (change.kind) {
    case 'transferRequested':
      await tx.transfer.upsert({
        where: { id: change.transferId },
        update: {},
        create: {
          id: change.transferId,
          caseId: input.caseId,
          fromProvinceCode: input.province,
          toProvinceCode: change.toProvince,
          requestedAt: at,
          requestedById: actorId,
        },
      });
      return;
    case 'transferDecided': {
      await tx.transfer.update({
        where: { id: change.transferId },
        data: { status: change.accepted ? 'accepted' : 'refused', decidedAt: at, decidedById: actorId },
      });
      if (!change.accepted) return;
      // The receiving province's duty unit takes the case over until someone is assigned.
      const unitId = await dutyUnit(tx, input.province);
      if (unitId) await tx.case.update({ where: { id: input.caseId }, data: { unitId } });
      // Its new deadlines follow the receiving province's rules: the case pins those from now on.
      const kase = await tx.case.findUniqueOrThrow({
        where: { id: input.caseId },
        select: { protocolVersion: true },
      });
      const rules = loadProtocol({ version: kase.protocolVersion, province: input.province });
      const protocolHash = await pinRules(tx, rules, input.province);
      await tx.case.update({ where: { id: input.caseId }, data: { protocolHash } });
      await tx.stepRecord.updateMany({
        where: { id: { in: change.deadlineIds }, completedAt: null },
        data: { provinceCode: input.province },
      });
      return;
    }
    case 'transferCancelled':
      await tx.transfer.updateMany({
        where: { id: change.transferId, status: 'pending' },
        data: { status: 'cancelled', decidedAt: at },
      });
      return;
    case 'closureStatus':
      await tx.closure.updateMany({
        where: { id: change.closureId },
        data: {
          status: change.status,
          statusAt: at,
          ...(change.reportId ? { withdrawnByReportId: change.reportId } : {}),
        },
      });
      return;
    case 'referralsRequested':
      // Written here, before the referral workflows start, so a read right after the step shows them.
      for (const r of change.referrals) {
        await tx.referral.upsert({
          where: { id: r.referralId },
          update: {},
          create: {
            id: r.referralId,
            caseId: input.caseId,
            partnerId: r.partnerId,
            serviceType: r.serviceType,
            planItemId: r.planItemId ?? null,
            status: 'requested',
            requestedAt: at,
            workflowId: `referral-${r.referralId}`,
          },
        });
      }
      return;
    case 'referralsCancelled':
      await tx.referral.updateMany({
        where: {
          id: { in: change.referralIds },
          status: { in: ['requested', 'acknowledged', 'started'] },
        },
        data: { status: 'cancelled' },
      });
      return;
  }
}

export function caseActivities({ prisma }: ActivityDeps) {
  return {
    /** Reads the case's codes (never its child's identity) and pins the protocol version. */
    async loadCaseState({ caseId }: { caseId: string }): Promise<CaseState> {
      const found = await prisma.case.findUnique({
        where: { id: caseId },
        select: {
          reference: true,
          provinceCode: true,
          assigneeId: true,
          urgent: true,
          categories: true,
          protocolVersion: true,
          // The first report received: the first screening's clock starts then.
          reports: { orderBy: { receivedAt: 'asc' }, take: 1, select: { receivedAt: true } },
        },
      });
      if (!found) {
        throw ApplicationFailure.create({
          type: 'CaseNotFound',
          message: `case ${caseId} does not exist`,
          nonRetryable: true,
        });
      }
      const protocol = loadProtocol({ version: found.protocolVersion, province: found.provinceCode });
      return {
        caseId,
        reference: found.reference,
        province: found.provinceCode,
        assigneeId: found.assigneeId,
        step: 'screening',
        stepBeforeClosure: null,
        resumeStep: null,
        risk: null,
        urgent: found.urgent,
        categories: found.categories,
        facts: protocolFacts(protocol),
        deadlines: [],
        escalations: [],
        referrals: [],
        planId: null,
        planItems: [],
        planReviewEveryDays: null,
        reviewEveryDays: null,
        transfer: null,
        closureId: null,
        closureReason: null,
        closureWithdrawn: null,
        stepsOnTime: 0,
        stepsLate: 0,
        concerns: 1,
        reportReceivedAt: found.reports[0]?.receivedAt.toISOString() ?? null,
      };
    },

    /**
     * Mirrors the workflow's state on the case row, confirms the step's pending rows (written by
     * the API before the update: lib/step-writes.ts) and appends the audit event, in one transaction.
     */
    async recordCaseAction(input: RecordCaseActionInput): Promise<void> {
      const key = activityKey();
      const closing = input.action === 'closure.approved';
      // Temporal's time of the first attempt: the workflow's clock, the same on every retry.
      const at = new Date(Context.current().info.scheduledTimestampMs);
      const reason = typeof input.details.reason === 'string' ? input.details.reason : undefined;
      await prisma.$transaction(async (tx) => {
        const done = await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
        if (done) return;
        await confirmStepWrites(tx, input.updateId);
        for (const change of input.changes ?? []) await applyChange(tx, input, change, at);
        if (input.action === 'closure.withdrawn') {
          // However the workflow withdraws a pending closure, its request stops waiting.
          const reportId = typeof input.details.reportId === 'string' ? input.details.reportId : null;
          await tx.closure.updateMany({
            where: { caseId: input.caseId, status: 'pending' },
            data: { status: 'withdrawn', statusAt: at, withdrawnByReportId: reportId },
          });
        }
        await tx.case.update({
          where: { id: input.caseId },
          data: {
            step: input.step,
            risk: input.risk,
            provinceCode: input.province,
            assigneeId: input.assigneeId,
            ...(closing ? { status: 'closed', closedAt: at, closureReason: reason ?? '' } : {}),
          },
        });
        await tx.auditEvent.create({
          data: {
            idempotencyKey: key,
            actorType: input.actorId === 'system' ? 'system' : 'staff',
            actorId: input.actorId === 'system' ? null : input.actorId,
            action: input.action,
            caseId: input.caseId,
            entity: 'case',
            entityId: input.caseId,
            ...(reason ? { reason } : {}),
            details: JSON.parse(JSON.stringify(input.details)),
          },
        });
      });
    },
  };
}
