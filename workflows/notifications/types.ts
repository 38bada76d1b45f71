/** Shapes of the notification activities shared with workflow code. Codes and IDs only. */
import type { WatchedStep, EscalationRole } from '../deadlines/types';

/**
 * What became of a rung's (or a new case's) messages, the worst first: nobody to tell, gave up,
 * sent with no confirmation from the server (counted as delivered, never resent), sent.
 */
export type Delivery = 'noRecipient' | 'failed' | 'unconfirmed' | 'sent';
export const DELIVERY_ORDER: readonly Delivery[] = ['noRecipient', 'failed', 'unconfirmed', 'sent'];

export interface NotificationOutcome {
  /** True when at least one person was (or probably was) told. */
  notified: boolean;
  delivery: Delivery;
  /** Roles found empty and skipped, in the order they were tried. */
  fellThrough: EscalationRole[];
}

export interface NotifyCaseOpenedRequest {
  caseId: string;
}

/**
 * One event of a case told to the people it concerns, once each (an outbox row per person with a
 * deterministic Message-ID): the supervisor of a closure a new concern withdrew, the receiving
 * province's supervisors of a transfer request, a partner's focal point of a referral sent.
 */
export type CaseNotice =
  | {
      kind: 'closureWithdrawn';
      caseId: string;
      /** The closure request's row (empty when the request came without one). */
      closureId: string;
      reportId: string;
      reason: string;
      /** When the concern that withdrew it was received (ISO). */
      concernReceivedAt: string;
    }
  | {
      kind: 'transferRequested';
      caseId: string;
      transferId: string;
      fromProvince: string;
      toProvince: string;
      dueAt: string;
    }
  | { kind: 'referralSent'; caseId: string; referralId: string; dueAt: string };

/** Something about a case's e-mail that a person should know: shown in the case view. */
export interface NotificationIssue {
  /** The late step, the opening of the case, or the event a notice told of. */
  about: WatchedStep | 'caseOpened' | CaseNotice['kind'];
  /** The rung, for an escalation. */
  level: number | null;
  problem: 'recipientMissing' | Exclude<Delivery, 'sent'>;
  /** recipientMissing: the roles nobody holds; otherwise the rung's role. */
  roles: EscalationRole[];
  at: string;
}

/** Kept in the case view across steps, bounded so a long case's state stays small. */
export const MAX_NOTIFICATION_ISSUES = 50;

/** The issues one outcome reports (none when everyone was told as intended). */
export function issuesOf(
  about: NotificationIssue['about'],
  level: number | null,
  roles: EscalationRole[],
  outcome: NotificationOutcome,
  at: string,
): NotificationIssue[] {
  const issues: NotificationIssue[] = [];
  if (outcome.fellThrough.length && outcome.delivery !== 'noRecipient') {
    issues.push({ about, level, problem: 'recipientMissing', roles: outcome.fellThrough, at });
  }
  if (outcome.delivery !== 'sent') {
    issues.push({
      about,
      level,
      problem: outcome.delivery,
      roles: outcome.delivery === 'noRecipient' ? outcome.fellThrough : roles,
      at,
    });
  }
  return issues;
}

/** Appends issues to a bounded list (oldest dropped first). */
export function withIssues(
  list: NotificationIssue[] | undefined,
  issues: NotificationIssue[],
): NotificationIssue[] {
  return [...(list ?? []), ...issues].slice(-MAX_NOTIFICATION_ISSUES);
}

export interface PlanDigestsRequest {
  /** The run's instant (ISO), from the workflow's clock. */
  at: string;
}

export interface DigestPlan {
  /** Local date in the protocol's time zone, YYYY-MM-DD. */
  date: string;
  workingDay: boolean;
  supervisorIds: string[];
}

export interface DigestRequest {
  supervisorId: string;
  date: string;
  at: string;
}

export interface DigestResult {
  supervisorId: string;
  status: 'sent' | 'unconfirmed' | 'failed' | 'nothingOverdue' | 'inactive';
  /** Overdue steps listed (null when the digest had been written by an earlier run). */
  overdue: number | null;
}

export interface DigestRunSummary {
  date: string;
  workingDay: boolean;
  results: DigestResult[];
}
