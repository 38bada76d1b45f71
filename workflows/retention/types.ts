/** What the retention workflow and its activities exchange: IDs, instants and counts only. */

export interface RetentionRunInput {
  /** The run's reference instant, carried over continue-as-new so every batch uses one cut-off. */
  at?: string;
  /** Children already considered by earlier runs of this execution chain (ids in ascending order). */
  afterId?: string;
  pseudonymised?: number;
  skipped?: number;
}

export interface DueChildrenRequest {
  at: string;
  afterId?: string;
  limit: number;
}

export interface DueChildren {
  /** Cases closed before this instant are past retention. */
  closedBefore: string;
  childIds: string[];
}

export interface PseudonymiseRequest {
  childId: string;
  at: string;
}

/** skipped: the child no longer qualifies (a case was opened meanwhile) or was done already. */
export type PseudonymiseOutcome = 'pseudonymised' | 'skipped';

export interface RetentionSummary {
  at: string;
  closedBefore: string;
  pseudonymised: number;
  skipped: number;
}
