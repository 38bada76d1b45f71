/**
 * The case workflow's public surface, defined once and shared by the workflow, the worker and the
 * API: human steps are updates (validated before anything changes), new concerns are signals,
 * the case view is a query. Payloads carry IDs and codes only; narratives stay in the database.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeadlineStep, EscalationRecord, OpenDeadline, RiskLevel } from '../deadlines/types';
import type { NotificationIssue } from '../notifications/types';

export type CaseStep =
  'screening' | 'assessment' | 'planDraft' | 'planApproval' | 'followUp' | 'closureApproval' | 'closed';

export const caseWorkflowId = (caseId: string): string => `case-${caseId}`;

export interface CaseWorkflowInput {
  caseId: string;
  /** Test hook and safety valve: continue-as-new once history passes this many events. */
  maxHistoryEvents?: number;
  /** Set by continue-as-new; absent on a new case. */
  carried?: CaseState;
}

/** Protocol facts pinned when the case opens, so the rules never change under a running case. */
export interface ProtocolFacts {
  version: number;
  riskOrder: RiskLevel[];
  emergencyRisks: RiskLevel[];
  emergencyWhenImmediateNeeds: RiskLevel[];
  judicialNotificationCategories: string[];
  /** Categories that need a judicial notification only when the child is injured. */
  judicialNotificationIfInjured: string[];
  serviceTypes: string[];
  /** Closure rules (protocol `closure`): which steps block it, and per reason where it may start. */
  closure: ClosureFacts;
  checkBackRisks: RiskLevel[];
  /** Deadline steps whose span follows the risk level: re-planned when the risk changes. */
  riskDependentSteps: DeadlineStep[];
  /** Services delivered by a care institution: their start places the child, enrolling them in leaving care. */
  placementServices?: string[];
  /** Closure reasons that hand the young person over to the leaving-care pathway. */
  leavingCareHandOver?: string[];
}

export interface ClosureFacts {
  /** Deadline steps that must be done before a case closes (screening, emergency, judicial notification). */
  blockedBy: DeadlineStep[];
  reasons: Record<
    string,
    {
      /** Steps the case may be at when this closure is requested. */
      fromSteps: CaseStep[];
      /** Steps of `blockedBy` this reason may close over (an untraceable child cannot be screened). */
      notBlockedBy: DeadlineStep[];
      /** Whether the check-back follows (the child is still reachable). */
      checkBack: boolean;
    }
  >;
}

/** Why a referral was cancelled: the case closed, or a plan revision dropped its item. */
export type ReferralCancelReason = 'caseClosed' | 'planRevised';

export interface ReferralSummary {
  referralId: string;
  serviceType: string;
  partnerId: string;
  /** The plan item it carries out (absent for a referral made outside the plan). */
  planItemId?: string;
  status: 'requested' | 'acknowledged' | 'declined' | 'started' | 'completed' | 'cancelled';
  declineReason?: string;
  cancelReason?: ReferralCancelReason;
}

/** A plan item: one service with its responsible partner. */
export interface PlanItem {
  planItemId: string;
  serviceType: string;
  partnerId: string;
}

/** A closure request a new concern withdrew, as the supervisor sees it on the case. */
export interface ClosureWithdrawal {
  reason: string;
  /** The concern that withdrew it. */
  reportId: string;
  at: string;
}

export interface CaseState {
  caseId: string;
  reference: string;
  province: string;
  assigneeId: string | null;
  step: CaseStep;
  /** Step to return to when a supervisor returns a closure request. */
  stepBeforeClosure: CaseStep | null;
  /**
   * Step a re-screened case resumes after the screening (set when a new concern withdraws a
   * closure request; null: the case moves on to assessment as after a first screening).
   */
  resumeStep?: CaseStep | null;
  risk: RiskLevel | null;
  /** Whether the report that opened the case was urgent (each later concern carries its own). */
  urgent: boolean;
  categories: string[];
  facts: ProtocolFacts;
  deadlines: OpenDeadline[];
  escalations: EscalationRecord[];
  referrals: ReferralSummary[];
  planId: string | null;
  /** Services of the submitted plan, referred once the supervisor approves it. */
  planItems: PlanItem[];
  /** The submitted plan's review frequency in days, if it sets one. */
  planReviewEveryDays?: number | null;
  /** The approved plan's review frequency: reviews come at least this often. */
  reviewEveryDays?: number | null;
  /** A pending transfer: its row (transfers) and its acceptance deadline. */
  transfer: { transferId: string; toProvince: string; deadlineId: string } | null;
  closureReason: string | null;
  /** The pending (or last approved) closure request's row in `closures`, written by the API. */
  closureId?: string | null;
  /** The last closure request a new concern withdrew. */
  closureWithdrawn?: ClosureWithdrawal | null;
  stepsOnTime: number;
  stepsLate: number;
  concerns: number;
  /** Mail that fell through, failed or was not confirmed (absent in runs started before it existed). */
  notificationIssues?: NotificationIssue[];
  /** When the report that opened the case was received: the first screening's clock starts then. */
  reportReceivedAt?: string | null;
}

/** What `GET /cases/{id}` shows: derived from the state, nothing identifying. */
export interface CaseView {
  caseId: string;
  reference: string;
  province: string;
  assigneeId: string | null;
  step: CaseStep;
  risk: RiskLevel | null;
  protocolVersion: number;
  openDeadlines: {
    step: string;
    dueAt: string;
    overdue: boolean;
    subjectId?: string;
    escalationLevel: number;
  }[];
  openEscalations: EscalationRecord[];
  referrals: ReferralSummary[];
  transferTo: string | null;
  closureReason: string | null;
  /** The last closure request a new concern withdrew (null: none). */
  closureWithdrawn: ClosureWithdrawal | null;
  stepsOnTime: number;
  stepsLate: number;
  /** Mail that fell through to another rung, failed, or was sent without confirmation. */
  notificationIssues: NotificationIssue[];
}

interface Actor {
  actorId: string;
}

export interface ScreeningInput extends Actor {
  screeningId: string;
  risk: RiskLevel;
  immediateNeeds: boolean;
  /** Violence with injury: some categories then require a judicial notification. */
  injury?: boolean;
  categories: string[];
}
export interface EmergencyInput extends Actor {
  measures: string[];
}
export interface JudicialNotificationInput extends Actor {
  status: 'sent' | 'acknowledged';
}
export interface AssessmentInput extends Actor {
  assessmentId: string;
  risk?: RiskLevel;
}
export interface PlanInput extends Actor {
  planId: string;
  items: PlanItem[];
  /** Review at least this often (days), when stricter than the protocol's interval for the risk. */
  reviewFrequencyDays?: number;
}
export interface PlanApprovalInput extends Actor {
  decision: 'approve' | 'return';
}
export interface ReferralInput extends Actor {
  /** Chosen by the caller (the API), so a retried request names the same referral. */
  referralId?: string;
  serviceType: string;
  partnerId: string;
  planItemId?: string;
  /** The declined referral this one replaces, if any. */
  replaces?: string;
}
export interface ReviewInput extends Actor {
  reviewId: string;
  risk: RiskLevel;
  decision: 'continue' | 'reassess' | 'revisePlan';
}
export interface AssignmentInput extends Actor {
  assigneeId: string;
}
export interface TransferInput extends Actor {
  toProvince: string;
}
export interface TransferAcceptanceInput extends Actor {
  accept: boolean;
}
export interface ClosureInput extends Actor {
  reason: string;
  /** The request's row, written by the API with its notes in the transaction waiting on this update. */
  closureId?: string;
}
export interface ClosureApprovalInput extends Actor {
  decision: 'approve' | 'return';
}
export interface CheckBackInput extends Actor {
  outcome: 'stable' | 'concern';
}
export interface ConcernInput {
  reportId: string;
  urgent: boolean;
  /** When the report was received (ISO): the screening clock starts then (absent: on arrival). */
  receivedAt?: string;
}
export interface ReferralChangedInput {
  referralId: string;
  status: ReferralSummary['status'];
  declineReason?: string;
}

/**
 * What a step changes in the case file besides the case row, applied by `recordCaseAction` in the
 * same transaction as its audit event. IDs and codes only.
 */
export type CaseChange =
  | { kind: 'transferRequested'; transferId: string; toProvince: string }
  /** `deadlineIds`: the case's open deadlines, which now climb the receiving province's ladder. */
  | { kind: 'transferDecided'; transferId: string; accepted: boolean; deadlineIds: string[] }
  | { kind: 'transferCancelled'; transferId: string }
  /** `reportId`: the concern whose arrival withdrew the request. */
  | {
      kind: 'closureStatus';
      closureId: string;
      status: 'approved' | 'returned' | 'withdrawn';
      reportId?: string;
    }
  | {
      kind: 'referralsRequested';
      referrals: { referralId: string; serviceType: string; partnerId: string; planItemId?: string }[];
    }
  | { kind: 'referralsCancelled'; referralIds: string[] };

export const screeningUpdate = defineUpdate<CaseView, [ScreeningInput]>('screening');
export const emergencyUpdate = defineUpdate<CaseView, [EmergencyInput]>('emergency');
export const judicialNotificationUpdate = defineUpdate<CaseView, [JudicialNotificationInput]>(
  'judicialNotification',
);
export const assessmentUpdate = defineUpdate<CaseView, [AssessmentInput]>('assessment');
export const planUpdate = defineUpdate<CaseView, [PlanInput]>('plan');
export const planApprovalUpdate = defineUpdate<CaseView, [PlanApprovalInput]>('planApproval');
export const referralUpdate = defineUpdate<CaseView, [ReferralInput]>('referral');
export const reviewUpdate = defineUpdate<CaseView, [ReviewInput]>('review');
export const assignmentUpdate = defineUpdate<CaseView, [AssignmentInput]>('assignment');
export const transferUpdate = defineUpdate<CaseView, [TransferInput]>('transfer');
export const transferAcceptanceUpdate = defineUpdate<CaseView, [TransferAcceptanceInput]>(
  'transferAcceptance',
);
export const closureUpdate = defineUpdate<CaseView, [ClosureInput]>('closure');
export const closureApprovalUpdate = defineUpdate<CaseView, [ClosureApprovalInput]>('closureApproval');
export const checkBackUpdate = defineUpdate<CaseView, [CheckBackInput]>('checkBack');

export const concernSignal = defineSignal<[ConcernInput]>('concern');
export const referralChangedSignal = defineSignal<[ReferralChangedInput]>('referralChanged');

export const caseViewQuery = defineQuery<CaseView>('caseView');
