/**
 * The leaving-care pathway's public surface (protocol.md §4), defined once and shared by the
 * workflow, the case workflow that enrols children, and the API: human steps are updates
 * (validated before anything changes), the hand-over from a closed case is a signal, the pathway
 * view is a query. Payloads carry IDs and codes only: objectives, notes and the date of birth stay
 * in the database.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EscalationRecord, OpenDeadline } from '../deadlines/types';

/** One pathway per child: starting a second one for the same child fails with "already started". */
export const leavingCareWorkflowId = (childId: string): string => `leaving-care-${childId}`;

export type LeavingCarePhase =
  'waiting' | 'preparation' | 'accompaniment' | 'outcome' | 'completed' | 'notEnrolled';

/** What enrolled the child: a placement starting, a case closed for "turned 18", or a handler through the API. */
export type EnrolmentTrigger = 'placement' | 'turned18' | 'api';

export interface LeavingCareWorkflowInput {
  childId: string;
  /** The protection case the child was placed under: escalations and audit events are filed on it. */
  caseId: string;
  trigger: EnrolmentTrigger;
  actorId: string;
  /** Months of accompaniment after exit (default: the protocol's; at most its maximum). */
  accompanimentMonths?: number;
  /** Test hook and safety valve: continue-as-new once history passes this many events. */
  maxHistoryEvents?: number;
  /** Set by continue-as-new; absent on enrolment. */
  carried?: LeavingCareState;
}

/**
 * When each stage happens, as ISO instants. Timers need them, so the workflow carries them; they
 * are computed by an activity from the date of birth. The date itself never enters the workflow,
 * but the 15th and 18th birthdays reveal it (to the day, or the year if approximate): the history
 * is as sensitive as a birth date, kept under the namespace's retention and readable by operations
 * only through the audited codec.
 */
export interface Milestones {
  /** The 15th birthday, or the enrolment if the child was older. */
  preparationAt: string;
  exitPlanDueAt: string;
  /** The 18th birthday: the young person leaves care. */
  exitAt: string;
  /** End of each month of accompaniment: a mediator contact is due by then. */
  contactDueAt: string[];
  accompanimentEndsAt: string;
}

/** Code lists of the protocol version, pinned at enrolment so the rules never change under a pathway. */
export interface LeavingCareFacts {
  protocolVersion: number;
  axes: string[];
  progressStatuses: string[];
  exitPlanItems: string[];
  outcomes: string[];
  accompanimentMaxMonths: number;
}

export interface LeavingCareState {
  pathwayId: string;
  childId: string;
  caseId: string;
  province: string;
  phase: LeavingCarePhase;
  /** When the current phase began (a milestone instant when a timer began it). */
  phaseSince: string;
  notEnrolledReason: string | null;
  mediatorId: string | null;
  facts: LeavingCareFacts;
  /** Null only when the child was not enrolled. */
  milestones: Milestones | null;
  accompanimentMonths: number;
  programmeAt: string | null;
  reviews: number;
  exitPlanAt: string | null;
  contacts: number;
  /** Contact periods opened so far (1-based month of the latest one). */
  contactPeriods: number;
  handedOverBy: string | null;
  deadlines: OpenDeadline[];
  escalations: EscalationRecord[];
  stepsOnTime: number;
  stepsLate: number;
  stepsMissed: number;
}

/** What `GET /leaving-care/{childId}` shows: derived from the state, nothing identifying. */
export interface LeavingCareView {
  pathwayId: string;
  childId: string;
  caseId: string;
  province: string;
  phase: LeavingCarePhase;
  phaseSince: string;
  notEnrolledReason: string | null;
  mediatorId: string | null;
  protocolVersion: number;
  milestones: Milestones | null;
  accompanimentMonths: number;
  programmeAt: string | null;
  reviews: number;
  exitPlanAt: string | null;
  contacts: number;
  handedOverBy: string | null;
  openDeadlines: {
    step: string;
    dueAt: string;
    overdue: boolean;
    escalationLevel: number;
    /** Accompaniment month, for a mediator contact. */
    month?: number;
  }[];
  openEscalations: EscalationRecord[];
  stepsOnTime: number;
  stepsLate: number;
  stepsMissed: number;
}

interface Actor {
  actorId: string;
}
export interface AxisStatus {
  axis: string;
  status: string;
  /** How many objectives the API recorded for this axis with this step (their text stays in the database). */
  objectives?: number;
}
export interface MediatorInput extends Actor {
  mediatorId: string;
}
/**
 * The autonomy assessment is done and the programme set: every axis with its status and the number
 * of its objectives (every axis needs one; their text is in the database, filed under `reviewId`).
 */
export interface ProgrammeInput extends Actor {
  axes: AxisStatus[];
  /** Id of the assessment's row; the API files the objectives under it. Generated when absent. */
  reviewId?: string;
}
/** A periodic review: every axis with its status; objectives are revised for the axes that count some. */
export interface ProgrammeReviewInput extends Actor {
  axes: AxisStatus[];
  /** Id of the review's row (as for the programme). Generated when absent. */
  reviewId?: string;
}
export interface ExitPlanInput extends Actor {
  items: { item: string; status: string }[];
}
export type MediatorContactInput = Actor;
export interface AccompanimentInput extends Actor {
  /** Total months of accompaniment after exit. */
  months: number;
}
export interface IntegrationOutcomeInput extends Actor {
  outcomes: { axis: string; outcome: string }[];
}
/** The child's date of birth was rectified in the database: the milestones still ahead move. */
export type BirthDateRectifiedInput = Actor;
export interface ProtectionCaseClosedInput {
  caseId: string;
  reason: string;
}

export const mediatorAssignmentUpdate = defineUpdate<LeavingCareView, [MediatorInput]>('mediatorAssignment');
export const programmeUpdate = defineUpdate<LeavingCareView, [ProgrammeInput]>('programme');
export const programmeReviewUpdate = defineUpdate<LeavingCareView, [ProgrammeReviewInput]>('programmeReview');
export const exitPlanUpdate = defineUpdate<LeavingCareView, [ExitPlanInput]>('exitPlan');
export const mediatorContactUpdate = defineUpdate<LeavingCareView, [MediatorContactInput]>('mediatorContact');
export const accompanimentUpdate = defineUpdate<LeavingCareView, [AccompanimentInput]>('accompaniment');
export const integrationOutcomeUpdate = defineUpdate<LeavingCareView, [IntegrationOutcomeInput]>(
  'integrationOutcome',
);

export const birthDateRectifiedUpdate = defineUpdate<LeavingCareView, [BirthDateRectifiedInput]>(
  'birthDateRectified',
);

/** Sent by the case workflow when a case closes for "turned 18" while the pathway runs. */
export const protectionCaseClosedSignal = defineSignal<[ProtectionCaseClosedInput]>('protectionCaseClosed');

export const leavingCareViewQuery = defineQuery<LeavingCareView>('leavingCareView');
