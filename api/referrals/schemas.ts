/** Referral routes: one partner service for one case (protocol.md §3 step 6). */
import {
  CaseIdParams,
  StepDeadline,
  Cursor,
  Limit,
  PartnerId,
  ProvinceCode,
  ReferralStatus,
  ServiceType,
  StepResult,
} from '../cases/schemas';
import { z } from '../openapi/zod';

export { CaseIdParams };

export const ReferralIdParams = z.object({
  referralId: z.uuid().openapi({ example: '7d3c2a55-1e0b-4b8e-a1f3-0c9b6f3e2d11' }),
});

export const ReferralBody = z
  .strictObject({
    serviceType: ServiceType,
    partnerId: PartnerId,
    planItemId: z.uuid().optional().openapi({ description: 'the plan item this referral carries out' }),
    replaces: z.uuid().optional().openapi({ description: 'a declined referral this one replaces' }),
  })
  .openapi('ReferralBody');

export const ReferralCreated = StepResult.extend({ referralId: z.string() }).openapi('ReferralCreated');

/** Why a partner declines (codes, not free text: the reason travels through the workflow). */
export const DECLINE_REASONS = [
  'noCapacity',
  'outsideRemit',
  'childNotReachable',
  'familyRefused',
  'other',
] as const;
export const DeclineBody = z.strictObject({ reason: z.enum(DECLINE_REASONS) }).openapi('DeclineBody');
export const OutcomeBody = z
  .strictObject({ outcome: z.enum(['completed', 'partlyCompleted', 'notCompleted']) })
  .openapi('OutcomeBody');
export const EmptyBody = z.strictObject({}).openapi('EmptyBody');

export const ReferralListQuery = z
  .strictObject({
    status: ReferralStatus.optional(),
    province: ProvinceCode.optional(),
    limit: Limit,
    cursor: Cursor,
  })
  .openapi('ReferralListQuery');

export const Referral = z
  .object({
    referralId: z.string(),
    caseId: z.string(),
    caseReference: z.string(),
    province: z.string(),
    partnerId: z.string(),
    serviceType: z.string(),
    status: ReferralStatus,
    requestedAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    declinedAt: z.string().nullable(),
    declineReason: z.string().nullable(),
    startedAt: z.string().nullable(),
    outcome: z.string().nullable(),
    outcomeAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable().openapi({
      description: 'why it was cancelled: caseClosed, or planRevised (a plan revision dropped its item)',
    }),
  })
  .openapi('Referral');

export const ReferralDetails = Referral.extend({
  openDeadlines: z.array(
    z.object({ step: z.string(), dueAt: z.string(), escalationLevel: z.number().int() }),
  ),
  deadlines: z
    .array(StepDeadline)
    .openapi({ description: "every deadline of the referral, the partner's and the handler's re-referral" }),
}).openapi('ReferralDetails');

export const ReferralPage = z
  .object({ items: z.array(Referral), nextCursor: z.string().nullable() })
  .openapi('ReferralPage');

export const ReferralView = z
  .object({
    referralId: z.string(),
    caseId: z.string(),
    partnerId: z.string(),
    serviceType: z.string(),
    status: ReferralStatus,
    openDeadlines: z.array(
      z.object({ step: z.string(), dueAt: z.string(), escalationLevel: z.number().int() }),
    ),
  })
  .openapi('ReferralView');

export const ReferralStepResult = z.object({ referral: ReferralView }).openapi('ReferralStepResult');
