import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  dependsOnRisk,
  loadProtocol,
  RISK_LEVELS,
  STEP_CODES,
  type ProtocolDefinition,
} from '../../protocol';
import type { Prisma } from '../../generated/prisma/client';
import type {
  CaseState,
  ClosureRecord,
  ProtocolFacts,
  TransferRecord,
} from '../../workflows/case/definitions';
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
  closure?: ClosureRecord;
  transfer?: TransferRecord;
}

type Tx = Prisma.TransactionClient;

async function recordClosure(tx: Tx, caseId: string, actorId: string, at: Date, c: ClosureRecord) {
  if (c.event === 'requested') {
    await tx.closureRequest.create({
      data: {
        id: c.closureRequestId,
        caseId,
        reason: c.reason,
        fromStep: c.fromStep ?? '',
        status: 'pending',
        requestedAt: at,
        requestedById: actorId,
      },
    });
    return;
  }
  const status = c.event;
  await tx.closureRequest.updateMany({
    where: { id: c.closureRequestId, caseId, status: 'pending' },
    data:
      c.event === 'withdrawn'
        ? { status, decidedAt: at, withdrawnByReportId: c.reportId ?? null }
        : { status, decidedAt: at, decidedById: actorId },
  });
}

/** The province's duty unit (the unit a transferred case joins). */
async function dutyUnit(tx: Tx, province: string): Promise<string | null> {
  const units = await tx.unit.findMany({ where: { provinceCode: province }, orderBy: { id: 'asc' } });
  return DUTY_UNIT_KINDS.map((kind) => units.find((u) => u.kind === kind)).find((u) => u)?.id ?? null;
}

async function recordTransfer(tx: Tx, caseId: string, actorId: string, at: Date, t: TransferRecord) {
  if (t.event === 'requested') {
    await tx.caseTransfer.create({
      data: {
        id: t.transferId,
        caseId,
        fromProvince: t.fromProvince,
        toProvince: t.toProvince,
        status: 'pending',
        requestedAt: at,
        requestedById: actorId,
      },
    });
    return;
  }
  await tx.caseTransfer.updateMany({
    where: { id: t.transferId, caseId, status: 'pending' },
    data: { status: t.event, decidedAt: at, decidedById: actorId },
  });
}

export function caseActivities({ prisma }: ActivityDeps) {
  return {
    /** Reads the case's codes (never its child's identity) and pins the protocol version. */
    async loadCase({ caseId }: { caseId: string }): Promise<CaseState> {
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
        closureRequestId: null,
        closureReason: null,
        closureWithdrawn: null,
        stepsOnTime: 0,
        stepsLate: 0,
        concerns: 1,
        reportReceivedAt: found.reports[0]?.receivedAt.toISOString() ?? null,
      };
    },

    /** Mirrors the workflow's state on the case row and appends the audit event, in one transaction. */
    async recordCaseAction(input: RecordCaseActionInput): Promise<void> {
      const key = activityKey();
      const closing = input.action === 'closure.approved';
      // Temporal's time of the first attempt: the workflow's clock, the same on every retry.
      const at = new Date(Context.current().info.scheduledTimestampMs);
      const reason = typeof input.details.reason === 'string' ? input.details.reason : undefined;
      const actor = input.actorId === 'system' ? null : input.actorId;
      await prisma.$transaction(async (tx) => {
        const done = await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
        if (done) return;
        // An accepted transfer puts the case in the receiving province's duty unit.
        const joined =
          input.transfer?.event === 'accepted' ? await dutyUnit(tx, input.transfer.toProvince) : null;
        await tx.case.update({
          where: { id: input.caseId },
          data: {
            step: input.step,
            risk: input.risk,
            provinceCode: input.province,
            assigneeId: input.assigneeId,
            ...(joined ? { unitId: joined } : {}),
            ...(closing ? { status: 'closed', closedAt: at, closureReason: reason ?? '' } : {}),
          },
        });
        if (input.closure) await recordClosure(tx, input.caseId, actor ?? 'system', at, input.closure);
        if (input.transfer) await recordTransfer(tx, input.caseId, actor ?? 'system', at, input.transfer);
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
