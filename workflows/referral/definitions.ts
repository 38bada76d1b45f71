/** A referral to a partner service (protocol.md §3 step 6): the partner's own steps. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RiskLevel } from '../deadlines/types';
import type { ReferralSummary } from '../case/definitions';

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
/** Why a running referral is cancelled (an input, so the signal carries an encrypted payload). */
export interface ReferralCancelInput {
  reason: 'caseClosed';
}
/** Sent by the case workflow when the case closes while the referral is still running. */
export const referralCancelSignal = defineSignal<[ReferralCancelInput]>('cancel');
export const referralViewQuery = defineQuery<ReferralView>('referralView');
