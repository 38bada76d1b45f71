/**
 * What the provincial committee's statistics are (protocol.md §6), and the rule that decides which
 * period each row counts in. Counts only: no child is named, no child or case ID is given; a small
 * cell is shown as its count.
 *
 * Period: `[from, to)` between local midnights in the protocol's time zone (period.ts). Everything
 * is measured "as known at the end of the period" — an event at or after `to` never counts — so the
 * figures of a past period do not change when it is computed again later. Each row counts for the
 * province its case belonged to at the row's deciding instant (SQL `case_province_at`: the opening
 * province, then each accepted transfer), so a later transfer does not move it either.
 */
import { STEP_CODES } from '../../protocol';

/**
 * Age bands, by age in whole years on the local date the report was received (from the child's
 * recorded date of birth, approximate or not). A date of birth after the report is `unknown`.
 * The lower bounds are handed to SQL's width_bucket.
 */
export const AGE_BANDS = [
  { band: '0-5', min: 0 },
  { band: '6-11', min: 6 },
  { band: '12-14', min: 12 },
  { band: '15-17', min: 15 },
  { band: '18+', min: 18 },
] as const;
export const UNKNOWN_AGE = 'unknown';
export type AgeBand = (typeof AGE_BANDS)[number]['band'] | typeof UNKNOWN_AGE;

/** A report with no category recorded. */
export const UNSPECIFIED_CATEGORY = 'unspecified';

export const SEXES = ['female', 'male', 'unknown'] as const;

/** Steps of the leaving-care pathway that have step records (protocol.md §4). */
export const LEAVING_CARE_STEPS = [
  'programme',
  'programmeReview',
  'exitPlan',
  'mediatorContact',
  'integrationOutcome',
] as const;

/** Every step the statistics list, in the order of the circuit, then the pathway. */
export const REPORTED_STEPS: readonly string[] = [...STEP_CODES, ...LEAVING_CARE_STEPS];

export interface Count<K extends string> {
  key: K;
  count: number;
}

export interface StepFigures {
  step: string;
  /** Cases with this step open at the end of the period (opened before `to`, not completed before it). */
  openAtEnd: number;
  /** Step instances opened in the period. */
  opened: number;
  /** Step instances done (not cancelled) in the period. */
  completed: number;
  /** Median of (completed − opened) over those, in hours (2 decimals); null when none. */
  medianHours: number | null;
  /** Step instances whose deadline fell in the period, less those cancelled before it fell due. */
  due: number;
  /** Of those, done at or before their deadline. */
  onTime: number;
  /** onTime / due (4 decimals); null when nothing fell due. */
  onTimeShare: number | null;
}

export interface ReferralFigures {
  partnerType: string;
  /** Referrals requested in the period. */
  requested: number;
  /** Of those, acknowledged before the end of the period. */
  acknowledged: number;
  /** Of those, declined before the end of the period. */
  declined: number;
  /** Neither acknowledged nor declined by the end of the period. */
  unanswered: number;
  /** Median of (acknowledged − requested) over the acknowledged ones, in hours; null when none. */
  medianAcknowledgementHours: number | null;
  /** Acknowledged at or before the acknowledgement deadline (protocol step referralAcknowledgement). */
  acknowledgedWithinDeadline: number;
  /** acknowledgedWithinDeadline / requested; null when none was requested. */
  withinDeadlineShare: number | null;
}

export interface ProvincialStatistics {
  province: string;
  period: { from: string; to: string; timeZone: string; fromInstant: string; toInstant: string };
  /** Cases opened and closed in the period. */
  cases: { opened: number; closed: number };
  /** Reports (the first of a case and every later concern) received in the period. */
  reports: {
    total: number;
    byChannel: Count<string>[];
    /** A report with several categories counts once in each; one with none is `unspecified`. */
    byCategory: Count<string>[];
    bySex: Count<string>[];
    byAgeBand: Count<AgeBand>[];
  };
  steps: StepFigures[];
  /** Escalation rungs fired in the period, by level (every level of the protocol's ladders) and by rung. */
  escalations: {
    total: number;
    byLevel: { level: number; count: number }[];
    byRung: { level: number; role: string; count: number }[];
  };
  /** Referrals requested in the period, per partner type. */
  referrals: ReferralFigures[];
  /** Judicial notifications required in the period (their step opened in it). */
  judicialNotifications: {
    required: number;
    /** Acknowledged by the prosecutor before the end of the period. */
    acknowledged: number;
    /** Acknowledged at or before the deadline (and before the end of the period). */
    onTime: number;
    /** onTime / required; null when none was required. */
    onTimeShare: number | null;
    /** Not acknowledged (nor cancelled) by the end of the period. */
    pending: number;
  };
  /** Leaving-care outcomes recorded in the period, per axis and outcome (every pair of the protocol). */
  leavingCare: { axis: string; outcome: string; count: number }[];
}
