/** A change of the holiday calendar carried to the running work it touches (issue 16). IDs only. */

export const calendarChangeWorkflowId = (changeId: string): string => `calendar-change-${changeId}`;

export interface CalendarChangeInput {
  changeId: string;
  /** Carried over continue-as-new: the owners already told, in the listing's order. */
  after?: string;
  signalled?: number;
  ended?: number;
}

/** A workflow whose open deadlines a calendar change may move: a case, a referral or a pathway. */
export interface DeadlineOwner {
  workflowId: string;
  /** How many of its open deadlines span a changed date. */
  deadlines: number;
}

export interface AffectedOwnersRequest {
  changeId: string;
  /** Owners after this workflow id (the listing is ordered by it). */
  after?: string;
  limit: number;
}

export interface AffectedOwners {
  /** The changed local dates (added and removed days off), sorted. */
  dates: string[];
  owners: DeadlineOwner[];
}

export interface CalendarChangeSummary {
  changeId: string;
  /** Workflows told of the change. */
  signalled: number;
  /** Workflows listed with an open deadline but already ended (their deadlines end with them). */
  ended: number;
}
