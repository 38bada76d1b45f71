/**
 * Everything the case database holds about one case, in ONE statement: PostgreSQL builds the
 * file as JSON (every record, every step record with its rungs and their messages, the audit
 * events about mail), the API only shapes it. One round trip per read, whatever the length of
 * the file (`npm run bench`, line (e)).
 */
import { Prisma } from '../../generated/prisma/client';
import type { Db } from './read-model';

const { sql } = Prisma;

/** An instant as the API writes it (ISO 8601, UTC, milliseconds), built in SQL. */
const iso = (column: string) =>
  Prisma.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
/** A date (no time) as YYYY-MM-DD. */
const day = (column: string) => Prisma.raw(`to_char(${column}, 'YYYY-MM-DD')`);

type Iso = string;
export interface MailData {
  notificationId: string;
  kind: string;
  recipientStaffId: string | null;
  language: 'ar' | 'fr' | 'en';
  status: 'pending' | 'sent' | 'unconfirmed' | 'failed';
  attempts: number;
  createdAt: Iso;
  sentAt: Iso | null;
  failedAt: Iso | null;
}
export interface EscalationData {
  id: string;
  level: number;
  role: string;
  firedAt: Iso;
  resolvedAt: Iso | null;
  recipientStaffId: string | null;
  messages: MailData[];
}
export interface StepData {
  id: string;
  step: string;
  subjectId: string | null;
  provinceCode: string | null;
  openedAt: Iso;
  dueAt: Iso;
  completedAt: Iso | null;
  outcome: string | null;
  lateByMs: number | null;
  lateWorkingDays: number | null;
  ladder: unknown;
  escalations: EscalationData[];
}
export interface CaseData {
  case: {
    id: string;
    reference: string;
    provinceCode: string;
    unitId: string;
    assigneeId: string | null;
    childId: string;
    step: string;
    risk: 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW' | null;
    urgent: boolean;
    categories: string[];
    status: 'open' | 'closed' | 'transferred';
    protocolVersion: number;
    openedAt: Iso;
    closedAt: Iso | null;
    closureReason: string | null;
  };
  assignee: { id: string; displayName: string; role: string; active: boolean } | null;
  child: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    /** While the names are not known (a child reported by description). */
    alias: string | null;
    birthDate: string;
    birthDateApproximate: boolean;
    sex: string;
    nationality: string | null;
    migrantStatus: string;
    civilRegistration: string;
  } | null;
  reports: {
    id: string;
    channel: string;
    receivedAt: Iso;
    urgent: boolean;
    anonymous: boolean;
    categories: string[];
    reporterName: string | null;
    reporterContact: string | null;
    narrative: string | null;
  }[];
  screenings: {
    id: string;
    risk: 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW';
    immediateNeeds: boolean;
    injury: boolean;
    categories: string[];
    notes: string | null;
    screenedById: string;
    screenedAt: Iso;
  }[];
  emergencyMeasures: {
    id: string;
    measures: string[];
    notes: string | null;
    recordedAt: Iso;
    recordedById: string;
  }[];
  judicialNotifications: {
    id: string;
    status: string;
    notes: string | null;
    recordedAt: Iso;
    recordedById: string;
  }[];
  assessments: {
    id: string;
    social: string | null;
    health: string | null;
    psychological: string | null;
    educational: string | null;
    legal: string | null;
    riskAfter: 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW' | null;
    assessedById: string;
    assessedAt: Iso;
  }[];
  plans: {
    id: string;
    version: number;
    status: 'draft' | 'submitted' | 'approved' | 'returned';
    reviewFrequencyDays: number | null;
    submittedAt: Iso | null;
    decidedAt: Iso | null;
    decidedById: string | null;
    returnReason: string | null;
    items: {
      id: string;
      serviceType: string;
      partnerId: string | null;
      objective: string | null;
      referralIds: string[];
    }[];
  }[];
  referrals: {
    id: string;
    serviceType: string;
    partnerId: string;
    planItemId: string | null;
    status: 'requested' | 'acknowledged' | 'declined' | 'started' | 'completed' | 'cancelled';
    requestedAt: Iso;
    acknowledgedAt: Iso | null;
    declinedAt: Iso | null;
    declineReason: string | null;
    startedAt: Iso | null;
    outcome: string | null;
    outcomeAt: Iso | null;
  }[];
  reviews: {
    id: string;
    reviewedAt: Iso;
    riskBefore: 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW' | null;
    riskAfter: 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW';
    decision: string;
    notes: string | null;
    reviewedById: string;
  }[];
  transfers: {
    id: string;
    fromProvinceCode: string;
    toProvinceCode: string;
    status: 'pending' | 'accepted' | 'refused' | 'cancelled';
    requestedAt: Iso;
    requestedById: string;
    decidedAt: Iso | null;
    decidedById: string | null;
  }[];
  closures: {
    id: string;
    reason: string;
    notes: string | null;
    status: 'pending' | 'approved' | 'returned' | 'withdrawn';
    requestedAt: Iso;
    requestedById: string;
    statusAt: Iso | null;
    fromStep: string | null;
    withdrawnByReportId: string | null;
    decisions: { decision: string; reason: string | null; decidedAt: Iso; decidedById: string }[];
  }[];
  checkBacks: { id: string; outcome: string; notes: string | null; recordedAt: Iso; recordedById: string }[];
  steps: StepData[];
  /** Messages not tied to a rung (the case-opened notice). */
  mails: MailData[];
  /** The audit trail's account of recipients missing at some rung (or for the opening notice). */
  mailEvents: { action: string; entity: string; entityId: string | null; at: Iso; details: unknown }[];
}

const mailColumns = sql`n."id" AS "notificationId", n."kind", n."recipient_staff_id" AS "recipientStaffId",
  n."language", n."status", n."attempts", ${iso('n."created_at"')} AS "createdAt",
  ${iso('n."sent_at"')} AS "sentAt", ${iso('n."failed_at"')} AS "failedAt"`;

/** The whole case in one statement; null when there is no such case. `identity`: with the child. */
export async function loadCaseData(db: Db, caseId: string, identity: boolean): Promise<CaseData | null> {
  const [row] = await db.$queryRaw<{ data: CaseData | null }[]>(caseDataQuery(caseId, identity));
  return row?.data ?? null;
}

export function caseDataQuery(caseId: string, identity: boolean): Prisma.Sql {
  const list = (query: Prisma.Sql, order: string) =>
    sql`(SELECT COALESCE(json_agg(x ORDER BY ${Prisma.raw(order)}), '[]'::json) FROM (${query}) x)`;
  return sql`
    SELECT CASE WHEN c."id" IS NULL THEN NULL ELSE json_build_object(
      'case', json_build_object(
        'id', c."id", 'reference', c."reference", 'provinceCode', c."province_code", 'unitId', c."unit_id",
        'assigneeId', c."assignee_id", 'childId', c."child_id", 'step', c."step", 'risk', c."risk",
        'urgent', c."urgent", 'categories', COALESCE(c."categories", '{}'), 'status', c."status",
        'protocolVersion', c."protocol_version", 'openedAt', ${iso('c."opened_at"')},
        'closedAt', ${iso('c."closed_at"')}, 'closureReason', c."closure_reason"),
      'assignee', (SELECT json_build_object('id', a."id", 'displayName', a."display_name", 'role', a."role", 'active', a."active")
                     FROM "staff" a WHERE a."id" = c."assignee_id"),
      'child', CASE WHEN ${identity} THEN (
        SELECT json_build_object('id', k."id", 'firstName', k."first_name", 'lastName', k."last_name",
          'alias', k."alias", 'birthDate', ${day('k."birth_date"')}, 'birthDateApproximate', k."birth_date_approximate", 'sex', k."sex",
          'nationality', k."nationality", 'migrantStatus', k."migrant_status", 'civilRegistration', k."civil_registration")
          FROM "children" k WHERE k."id" = c."child_id") END,
      'reports', ${list(
        sql`SELECT r."id", r."channel", ${iso('r."received_at"')} AS "receivedAt", r."received_at" AS o, r."urgent", r."anonymous",
                   COALESCE(r."categories", '{}') AS "categories", r."reporter_name" AS "reporterName",
                   r."reporter_contact" AS "reporterContact", r."narrative"
              FROM "reports" r WHERE r."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'screenings', ${list(
        sql`SELECT s."id", s."risk", s."immediate_needs" AS "immediateNeeds", s."injury", COALESCE(s."categories", '{}') AS "categories",
                   s."notes", s."screened_by_id" AS "screenedById", ${iso('s."screened_at"')} AS "screenedAt", s."screened_at" AS o
              FROM "screenings" s WHERE s."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'emergencyMeasures', ${list(
        sql`SELECT m."id", COALESCE(m."measures", '{}') AS "measures", m."notes", ${iso('m."recorded_at"')} AS "recordedAt",
                   m."recorded_at" AS o, m."recorded_by_id" AS "recordedById"
              FROM "emergency_measures" m WHERE m."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'judicialNotifications', ${list(
        sql`SELECT j."id", j."status", j."notes", ${iso('j."recorded_at"')} AS "recordedAt", j."recorded_at" AS o,
                   j."recorded_by_id" AS "recordedById"
              FROM "judicial_notifications" j WHERE j."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'assessments', ${list(
        sql`SELECT s."id", s."social", s."health", s."psychological", s."educational", s."legal", s."risk_after" AS "riskAfter",
                   s."assessed_by_id" AS "assessedById", ${iso('s."assessed_at"')} AS "assessedAt", s."assessed_at" AS o
              FROM "assessments" s WHERE s."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'plans', ${list(
        sql`SELECT p."id", p."version", p."status", p."review_frequency_days" AS "reviewFrequencyDays",
                   ${iso('p."submitted_at"')} AS "submittedAt", ${iso('p."decided_at"')} AS "decidedAt",
                   p."decided_by_id" AS "decidedById", p."return_reason" AS "returnReason",
                   ${list(
                     sql`SELECT i."id", i."service_type" AS "serviceType", i."partner_id" AS "partnerId", i."objective",
                                (SELECT COALESCE(json_agg(f."id" ORDER BY f."requested_at", f."id"), '[]'::json)
                                   FROM "referrals" f WHERE f."plan_item_id" = i."id") AS "referralIds"
                           FROM "plan_items" i WHERE i."plan_id" = p."id"`,
                     'x.id',
                   )} AS "items"
              FROM "plans" p WHERE p."case_id" = c."id"`,
        'x.version',
      )},
      'referrals', ${list(
        sql`SELECT f."id", f."service_type" AS "serviceType", f."partner_id" AS "partnerId", f."plan_item_id" AS "planItemId",
                   f."status", ${iso('f."requested_at"')} AS "requestedAt", f."requested_at" AS o,
                   ${iso('f."acknowledged_at"')} AS "acknowledgedAt", ${iso('f."declined_at"')} AS "declinedAt",
                   f."decline_reason" AS "declineReason", ${iso('f."started_at"')} AS "startedAt", f."outcome",
                   ${iso('f."outcome_at"')} AS "outcomeAt"
              FROM "referrals" f WHERE f."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'reviews', ${list(
        sql`SELECT v."id", ${iso('v."reviewed_at"')} AS "reviewedAt", v."reviewed_at" AS o, v."risk_before" AS "riskBefore",
                   v."risk_after" AS "riskAfter", v."decision", v."notes", v."reviewed_by_id" AS "reviewedById"
              FROM "reviews" v WHERE v."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'transfers', ${list(
        sql`SELECT t."id", t."from_province_code" AS "fromProvinceCode", t."to_province_code" AS "toProvinceCode", t."status",
                   ${iso('t."requested_at"')} AS "requestedAt", t."requested_at" AS o, t."requested_by_id" AS "requestedById",
                   ${iso('t."decided_at"')} AS "decidedAt", t."decided_by_id" AS "decidedById"
              FROM "transfers" t WHERE t."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'closures', ${list(
        sql`SELECT z."id", z."reason", z."notes", z."status", ${iso('z."requested_at"')} AS "requestedAt", z."requested_at" AS o,
                   z."requested_by_id" AS "requestedById", ${iso('z."status_at"')} AS "statusAt",
                   z."from_step" AS "fromStep", z."withdrawn_by_report_id" AS "withdrawnByReportId",
                   ${list(
                     sql`SELECT d."id", d."decision", d."reason", ${iso('d."decided_at"')} AS "decidedAt", d."decided_at" AS o,
                                d."decided_by_id" AS "decidedById"
                           FROM "closure_decisions" d WHERE d."closure_id" = z."id"`,
                     'x.o, x.id',
                   )} AS "decisions"
              FROM "closures" z WHERE z."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'checkBacks', ${list(
        sql`SELECT b."id", b."outcome", b."notes", ${iso('b."recorded_at"')} AS "recordedAt", b."recorded_at" AS o,
                   b."recorded_by_id" AS "recordedById"
              FROM "check_backs" b WHERE b."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'steps', ${list(
        sql`SELECT s."id", s."step", s."subject_id" AS "subjectId", s."province_code" AS "provinceCode",
                   ${iso('s."opened_at"')} AS "openedAt", s."opened_at" AS o, ${iso('s."due_at"')} AS "dueAt",
                   ${iso('s."completed_at"')} AS "completedAt", s."outcome", s."late_by_ms" AS "lateByMs",
                   s."late_working_days" AS "lateWorkingDays", s."ladder",
                   ${list(
                     sql`SELECT e."id", e."level", e."role", ${iso('e."fired_at"')} AS "firedAt", ${iso('e."resolved_at"')} AS "resolvedAt",
                                e."recipient_staff_id" AS "recipientStaffId",
                                ${list(
                                  sql`SELECT ${mailColumns}, n."created_at" AS o FROM "notifications" n
                                       WHERE n."escalation_id" = e."id"`,
                                  'x.o, x."notificationId"',
                                )} AS "messages"
                           FROM "escalations" e WHERE e."step_record_id" = s."id"`,
                     'x.level',
                   )} AS "escalations"
              FROM "step_records" s WHERE s."case_id" = c."id"`,
        'x.o, x.id',
      )},
      'mails', ${list(
        sql`SELECT ${mailColumns}, n."created_at" AS o FROM "notifications" n
             WHERE n."case_id" = c."id" AND n."escalation_id" IS NULL
               AND NOT EXISTS (SELECT 1 FROM "escalations" e WHERE e."notification_id" = n."id")`,
        'x.o, x."notificationId"',
      )},
      'mailEvents', ${list(
        sql`SELECT a."action", a."entity", a."entity_id" AS "entityId", ${iso('a."at"')} AS "at", a."details", a."id" AS o
              FROM "audit_events" a
             WHERE a."case_id" = c."id"
               AND a."action" IN ('notification.recipientMissing', 'notification.noRecipient', 'escalation.noRecipient')`,
        'x.o',
      )}
    ) END AS data
    FROM (SELECT 1) one LEFT JOIN "cases" c ON c."id" = ${caseId}`;
}
