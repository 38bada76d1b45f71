import type { ReferralCancelReason, ReferralSummary } from '../../workflows/case/definitions';
import { activityKey, type ActivityDeps } from '../context';

export interface RecordReferralActionInput {
  caseId: string;
  referralId: string;
  status: ReferralSummary['status'];
  actorId: string;
  at: string;
  serviceType?: string;
  partnerId?: string;
  planItemId?: string;
  declineReason?: string;
  outcome?: string;
  cancelReason?: ReferralCancelReason;
}

export interface KeepReferralInput {
  caseId: string;
  referralId: string;
  /** The revised plan's item the running referral now carries out. */
  planItemId: string;
  actorId: string;
}

const TIMESTAMP_FIELD: Partial<Record<ReferralSummary['status'], string>> = {
  acknowledged: 'acknowledgedAt',
  declined: 'declinedAt',
  started: 'startedAt',
  completed: 'outcomeAt',
  cancelled: 'cancelledAt',
};

export function referralActivities({ prisma }: ActivityDeps) {
  return {
    /** Creates or advances the referral row and appends the audit event, in one transaction. */
    async recordReferralAction(input: RecordReferralActionInput): Promise<void> {
      const key = activityKey();
      const at = new Date(input.at);
      await prisma.$transaction(async (tx) => {
        if (await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } })) return;
        if (input.status === 'requested') {
          await tx.referral.upsert({
            where: { id: input.referralId },
            update: {},
            create: {
              id: input.referralId,
              caseId: input.caseId,
              partnerId: input.partnerId ?? '',
              serviceType: input.serviceType ?? '',
              planItemId: input.planItemId ?? null,
              status: 'requested',
              requestedAt: at,
              workflowId: `referral-${input.referralId}`,
            },
          });
        } else {
          const stamp = TIMESTAMP_FIELD[input.status];
          await tx.referral.update({
            where: { id: input.referralId },
            data: {
              status: input.status,
              ...(stamp ? { [stamp]: at } : {}),
              ...(input.declineReason ? { declineReason: input.declineReason } : {}),
              ...(input.outcome ? { outcome: input.outcome } : {}),
              ...(input.cancelReason ? { cancelReason: input.cancelReason } : {}),
            },
          });
        }
        await tx.auditEvent.create({
          data: {
            idempotencyKey: key,
            actorType: input.actorId === 'system' ? 'system' : 'staff',
            actorId: input.actorId === 'system' ? null : input.actorId,
            action: `referral.${input.status}`,
            caseId: input.caseId,
            entity: 'referral',
            entityId: input.referralId,
            ...(input.declineReason ? { reason: input.declineReason } : {}),
            ...(input.cancelReason ? { reason: input.cancelReason } : {}),
          },
        });
      });
    },

    /**
     * A plan revision keeps a running referral whose service and partner the new plan still has:
     * the referral now carries out the new plan's item (audited as `referral.kept`).
     */
    async keepReferral(input: KeepReferralInput): Promise<void> {
      const key = activityKey();
      await prisma.$transaction(async (tx) => {
        if (await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } })) return;
        await tx.referral.update({ where: { id: input.referralId }, data: { planItemId: input.planItemId } });
        await tx.auditEvent.create({
          data: {
            idempotencyKey: key,
            actorType: input.actorId === 'system' ? 'system' : 'staff',
            actorId: input.actorId === 'system' ? null : input.actorId,
            action: 'referral.kept',
            caseId: input.caseId,
            entity: 'referral',
            entityId: input.referralId,
            details: { planItemId: input.planItemId },
          },
        });
      });
    },
  };
}
