import { ApplicationFailure, Context } from '@temporalio/activity';
import { confirmStepWrites } from '../../lib/step-writes';
import { loadProtocol, RISK_LEVELS, type ProtocolDefinition } from '../../protocol';
import type { CaseState, ProtocolFacts } from '../../workflows/case/definitions';
import type { RiskLevel } from '../../workflows/deadlines/types';
import { activityKey, type ActivityDeps } from '../context';

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
    closureReasons: [...protocol.closureReasons],
    checkBackRisks: checkBack.enabled ? [...checkBack.forRisk] : [],
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
        risk: null,
        urgent: found.urgent,
        categories: found.categories,
        facts: protocolFacts(protocol),
        deadlines: [],
        escalations: [],
        referrals: [],
        planId: null,
        planItems: [],
        transfer: null,
        closureReason: null,
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
