/** A referral to a partner service (protocol.md §3 step 6): the partner's own steps. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeadlineStep, RiskLevel } from '../deadlines/types';
import type { ReferralCancelReason, ReferralSummary } from '../case/definitions';

export const referralWorkflowId = (referralId: string): string => `referral-${referralId}`;

export interface ReferralWorkflowInput {
  caseId: string;
  referralId: string;
  serviceType: string;
  partnerId: string;
  province: string;
  risk: RiskLevel;
  protocolVersion: number;
  actorId: string;
  planItemId?: string;
  replaces?: string;
}

export interface ReferralView {
  referralId: string;
  caseId: string;
  partnerId: string;
  serviceType: string;
  status: ReferralSummary['status'];
  openDeadlines: { step: string; dueAt: string; escalationLevel: number }[];
}

interface PartnerActor {
  actorId: string;
}
export type AcknowledgementInput = PartnerActor;
export interface DeclineInput extends PartnerActor {
  reason: string;
}
export type StartInput = PartnerActor;
export interface OutcomeInput extends PartnerActor {
  outcome: 'completed' | 'partlyCompleted' | 'notCompleted';
}

export const acknowledgementUpdate = defineUpdate<ReferralView, [AcknowledgementInput]>('acknowledgement');
export const declineUpdate = defineUpdate<ReferralView, [DeclineInput]>('decline');
export const startUpdate = defineUpdate<ReferralView, [StartInput]>('start');
export const outcomeUpdate = defineUpdate<ReferralView, [OutcomeInput]>('outcome');
export interface ReferralCancelInput {
  actorId: string;
  reason: ReferralCancelReason;
}
export interface ReferralRiskInput {
  risk: RiskLevel;
  /** Deadline steps whose span follows the risk (the case's protocol facts). */
  riskDependentSteps: DeadlineStep[];
  actorId: string;
}
export interface ReferralProvinceInput {
  province: string;
}

/** Sent by the case workflow when the case closes, or a plan revision drops the referral's item. */
export const referralCancelSignal = defineSignal<[ReferralCancelInput]>('cancel');
/** Sent by the case workflow when the case's risk changes: deadlines that follow it are re-planned. */
export const referralRiskSignal = defineSignal<[ReferralRiskInput]>('riskChanged');
/** Sent by the case workflow when a transfer is accepted: the ladders climb the receiving province. */
export const referralProvinceSignal = defineSignal<[ReferralProvinceInput]>('provinceChanged');
export const referralViewQuery = defineQuery<ReferralView>('referralView');
