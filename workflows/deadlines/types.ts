/** Shapes shared by workflow code, activities and the API. IDs and codes only, never identities. */
import type { Duration } from '../../protocol/pure';
import type { Delivery, NotificationOutcome } from '../notifications/types';

export type RiskLevel = 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW';
export type EscalationRole = 'handler' | 'supervisor' | 'coordinator' | 'committee' | 'partner' | 'mediator';

/** Protocol step codes that carry a deadline (keys of `steps` in the protocol definition). */
export type DeadlineStep =
  | 'screening'
  | 'emergency'
  | 'judicialNotification'
  | 'assessment'
  | 'planDraft'
  | 'planApproval'
  | 'referralAcknowledgement'
  | 'serviceStart'
  | 'referralReassignment'
  | 'review'
  | 'closureApproval'
  | 'transferAcceptance'
  | 'closureCheckBack';

/** Steps of the leaving-care pathway that carry a deadline (protocol.md §4). */
export type LeavingCareStep =
  'programme' | 'programmeReview' | 'exitPlan' | 'mediatorContact' | 'integrationOutcome';

/** Every step a deadline can be about: the protection circuit's and the pathway's. */
export type WatchedStep = DeadlineStep | LeavingCareStep;

export interface DeadlineRung {
  level: number;
  role: EscalationRole;
  /** Others told at the same rung (the handler whose referral a partner has not answered). */
  alsoTell?: EscalationRole[];
  /** ISO instant at which this rung fires. */
  at: string;
}

/** One open deadline of a case: the step, when it falls due, and its escalation ladder. */
export interface OpenDeadline {
  /** Step-record id in the case database. */
  id: string;
  step: WatchedStep;
  /** Province whose staff the ladder climbs (the receiving province for a transfer). */
  province: string;
  /** Who does the step when it is not the case's handler (a pathway's mediator): reminded for their role. */
  assignee?: { role: EscalationRole; staffId: string };
  /** The referral (or other entity) this deadline is about, when it is not the case itself. */
  subjectId?: string;
  openedAt: string;
  dueAt: string;
  ladder: DeadlineRung[];
  /** Levels whose rung has already fired (kept across continue-as-new). */
  fired: number[];
  /** What the instants were planned from: a calendar change plans them again from exactly this. */
  plannedWith?: PlanBasis;
}

/**
 * The rules a deadline's instants were computed from, besides its step and its own clock (openedAt):
 * a circuit step's risk, urgency, service and agreed span; a pathway step's fixed due instant (a
 * milestone) when it has no span of its own. The holiday calendar is the one thing not kept.
 */
export type PlanBasis =
  | {
      kind: 'circuit';
      /** Start of the clock: the deadline's openedAt, or an urgent concern's that moved it. */
      from: string;
      protocolVersion: number;
      province: string;
      risk: RiskLevel | null;
      urgent?: boolean;
      service?: string;
      atMost?: Duration;
    }
  | { kind: 'pathway'; protocolVersion: number; province: string; fixedDueAt?: string };

export interface OpenDeadlineRequest {
  caseId: string;
  step: DeadlineStep;
  province: string;
  protocolVersion: number;
  risk: RiskLevel | null;
  /** Start of the clock (ISO); the workflow passes its own deterministic time. */
  from: string;
  urgent?: boolean;
  service?: string;
  subjectId?: string;
  /** A stricter span agreed for this case (the plan's review frequency); the earlier deadline wins. */
  atMost?: Duration;
}

/** Why open deadlines are planned again: the case's risk changed, an urgent concern came in. */
export type ReplanReason = 'riskChanged' | 'urgentConcern';

/** A deadline planned again from its own clock (a change of risk, an urgent concern). */
export interface ReplanDeadlineRequest extends OpenDeadlineRequest {
  deadlineId: string;
  /** The due instant the workflow holds now (ISO). */
  dueAt: string;
  /** Move it only if the new plan is earlier (an urgent concern never gives more time). */
  onlyIfEarlier?: boolean;
  /** Why, for the audit trail. */
  because: ReplanReason;
  actorId: string;
  /** The rungs the workflow holds now: a move of the rungs alone (not yet fired) is a move too. */
  ladder?: DeadlineRung[];
  /** Levels already fired: they stay fired wherever the new ladder puts them. */
  fired?: number[];
}

/**
 * A deadline planned again because the holiday calendar changed: the same rules (its `plannedWith`),
 * the same clock, the calendar as it now is.
 */
export interface CalendarReplanRequest {
  caseId: string;
  deadline: OpenDeadline;
  because: 'calendarChanged';
  /** The calendar_changes row that moved it, named in the audit trail. */
  calendarChangeId: string;
}

/** The new instants of a re-planned deadline, or null when it stays as it was. */
export type ReplannedDeadline = Pick<OpenDeadline, 'dueAt' | 'ladder' | 'plannedWith'> | null;

/** A holiday calendar year changed (calendar_changes): these local dates became, or ceased to be, days off. */
export interface CalendarChange {
  changeId: string;
  /** Local dates (YYYY-MM-DD) added to or removed from the days off, sorted. */
  dates: string[];
}

export interface EscalationRecord {
  deadlineId: string;
  step: WatchedStep;
  level: number;
  role: EscalationRole;
  firedAt: string;
  /** False when nobody could be reached at this rung (no recipient, or mail failed). */
  notified: boolean;
  /** How the rung's mail went (absent on records made before it was tracked). */
  delivery?: Delivery;
  /** Roles of the ladder found empty before somebody was reached. */
  fellThrough?: EscalationRole[];
}

export interface NotifyEscalationRequest {
  caseId: string;
  deadline: OpenDeadline;
  rung: DeadlineRung;
  /**
   * The workflow's clock (ISO instants) at the rung's first attempt and at this one, which a local
   * activity's own info does not carry: how late the rung is, and how long mail has been
   * unreachable. Absent, the activity's context says it (a regular activity's attempt and schedule).
   */
  firstAttemptAt?: string;
  attemptAt?: string;
}

export interface NotifyEscalationResult extends NotificationOutcome {
  /** Null when nothing was written: the step was done before the rung could fire. */
  escalationId: string | null;
  /** The step was done before the rung's mail had all gone: nothing more was sent. */
  stepDone?: boolean;
}
