/**
 * GET /work as SQL: the caller's sources (sources.ts) as one UNION ALL over the read model, sorted
 * soonest deadline first (items without a deadline last), paged by (deadline, item id), with the
 * count per kind computed from the same rows in the same statement, then filtered (kind, overdue,
 * the case's step and risk) and counted again (`matched`). Only the page's items (25 by default,
 * a whole desk list of 1,000 at most) are then completed with what a screen shows (case
 * reference, risk, partner, child).
 * The partial indexes on open step records and open escalations keep it fast with 10,000 open
 * cases in a province (`npm run bench`, line (f)).
 */
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import type { Actor } from '../auth/policy';
import {
  APPROVAL_STEPS,
  HANDLER_STEPS,
  PARTNER_STEPS,
  WORK,
  type WorkKind,
  type WorkSource,
} from './sources';

const { sql, join, empty } = Prisma;

/** Sort key of an item without a deadline (after every real one). */
export const NO_DEADLINE = new Date('9999-12-31T00:00:00.000Z');

const steps = (list: readonly string[]) => sql`ARRAY[${join(list.map((s) => sql`${s}`))}]::text[]`;

/** A case of the caller's unit (or of their province when they have none). */
const unitScope = (actor: Actor) =>
  actor.unitId
    ? sql`c."unit_id" = ${actor.unitId} AND c."province_code" = ${actor.province}`
    : sql`c."province_code" = ${actor.province}`;

/**
 * Past its deadline on the API's clock, or on the workflow's: a rung fired on the step proves it
 * (rungs are never before the deadline). `s` is the step record (null for a referral to close).
 */
const overdue = (now: Date) =>
  sql`(s."id" IS NOT NULL AND (s."due_at" <= ${now} OR EXISTS (SELECT 1 FROM "escalations" x WHERE x."step_record_id" = s."id")))`;

/** The columns every source yields, in this order. */
const row = (
  kind: WorkKind,
  id: Prisma.Sql,
  step: Prisma.Sql,
  due: Prisma.Sql,
  opened: Prisma.Sql,
  now: Date,
) =>
  sql`SELECT ${kind}::text AS kind, ${kind}::text || ':' || ${id} AS item_id, ${step} AS step, ${due} AS due_at, ${opened} AS opened_at, ${overdue(now)} AS overdue`;

function sourceSql(source: WorkSource, actor: Actor, now: Date): Prisma.Sql | null {
  const open = (list: readonly string[]) => sql`s."completed_at" IS NULL AND s."step" = ANY(${steps(list)})`;
  const stepCols = sql`, s."case_id" AS case_id, s."id" AS step_record_id, s."subject_id" AS subject_id, NULL::text AS escalation_id, NULL::int AS level`;
  switch (source.kind) {
    case 'caseStep':
      return sql`${row('caseStep', sql`s."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)}${stepCols}
        FROM "cases" c JOIN "step_records" s ON s."case_id" = c."id" AND ${open(HANDLER_STEPS)}
        WHERE c."assignee_id" = ${actor.id}`;
    case 'unassignedStep':
      return sql`${row('unassignedStep', sql`s."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)}${stepCols}
        FROM "cases" c JOIN "step_records" s ON s."case_id" = c."id" AND ${open(HANDLER_STEPS)}
        LEFT JOIN "staff" a ON a."id" = c."assignee_id"
        WHERE ${unitScope(actor)}
          AND (c."assignee_id" IS NULL OR a."active" = false OR a."province_code" <> c."province_code")`;
    case 'approval':
      return sql`${row('approval', sql`s."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)}${stepCols}
        FROM "cases" c JOIN "step_records" s ON s."case_id" = c."id" AND ${open(APPROVAL_STEPS)}
        WHERE ${unitScope(actor)}`;
    case 'transferAcceptance':
      return sql`${row('transferAcceptance', sql`s."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)}${stepCols}
        FROM "transfers" t JOIN "step_records" s ON s."subject_id" = t."id" AND ${open(['transferAcceptance'])}
        WHERE t."to_province_code" = ${actor.province} AND t."status" = 'pending'`;
    case 'lateStep':
      return sql`${row('lateStep', sql`s."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)}${stepCols}
        FROM "cases" c JOIN "step_records" s ON s."case_id" = c."id" AND ${open(HANDLER_STEPS)} AND ${overdue(now)}
        WHERE ${unitScope(actor)} AND (c."assignee_id" IS NULL OR c."assignee_id" <> ${actor.id})`;
    case 'escalation':
      return sql`${row('escalation', sql`e."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)},
          s."case_id" AS case_id, s."id" AS step_record_id, s."subject_id" AS subject_id, e."id" AS escalation_id, e."level" AS level
        FROM "escalations" e
        JOIN "step_records" s ON s."id" = e."step_record_id" AND s."completed_at" IS NULL
        JOIN "cases" c ON c."id" = s."case_id"
        WHERE e."resolved_at" IS NULL AND e."level" = ${source.level}
          AND COALESCE(s."province_code", c."province_code") = ${actor.province}`;
    case 'latePartner':
      return sql`${row('latePartner', sql`s."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)}${stepCols}
        FROM "step_records" s JOIN "cases" c ON c."id" = s."case_id"
        WHERE ${open(PARTNER_STEPS)} AND ${overdue(now)}
          AND COALESCE(s."province_code", c."province_code") = ${actor.province}`;
    case 'referralToAcknowledge':
    case 'referralToStart':
    case 'referralToClose': {
      if (!actor.partnerId) return null;
      const status = {
        referralToAcknowledge: 'requested',
        referralToStart: 'acknowledged',
        referralToClose: 'started',
      }[source.kind];
      const step = {
        referralToAcknowledge: 'referralAcknowledgement',
        referralToStart: 'serviceStart',
        referralToClose: 'referralOutcome',
      }[source.kind];
      const opened = {
        referralToAcknowledge: sql`r."requested_at"`,
        referralToStart: sql`COALESCE(r."acknowledged_at", r."requested_at")`,
        referralToClose: sql`COALESCE(r."started_at", r."requested_at")`,
      }[source.kind];
      return sql`${row(source.kind, sql`r."id"`, sql`${step}::text`, sql`s."due_at"`, opened, now)},
          r."case_id" AS case_id, s."id" AS step_record_id, r."id" AS subject_id, NULL::text AS escalation_id, NULL::int AS level
        FROM "referrals" r
        LEFT JOIN "step_records" s ON s."subject_id" = r."id" AND s."completed_at" IS NULL AND s."step" = ${step}
        WHERE r."partner_id" = ${actor.partnerId} AND r."status" = ${status}::"ReferralStatus"`;
    }
    case 'pathwayStep':
      return sql`${row('pathwayStep', sql`s."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)}${stepCols}
        FROM "leaving_care_pathways" p JOIN "step_records" s ON s."subject_id" = p."id" AND s."completed_at" IS NULL
        WHERE p."mediator_id" = ${actor.id}`;
    case 'unassignedPathwayStep':
      return sql`${row('unassignedPathwayStep', sql`s."id"`, sql`s."step"`, sql`s."due_at"`, sql`s."opened_at"`, now)}${stepCols}
        FROM "leaving_care_pathways" p JOIN "step_records" s ON s."subject_id" = p."id" AND s."completed_at" IS NULL
        LEFT JOIN "staff" m ON m."id" = p."mediator_id"
        WHERE p."province_code" = ${actor.province} AND (p."mediator_id" IS NULL OR m."active" = false)`;
  }
}

export interface WorkRow {
  kind: WorkKind;
  item_id: string;
  step: string;
  due_at: string | null;
  opened_at: string;
  case_id: string;
  step_record_id: string | null;
  subject_id: string | null;
  escalation_id: string | null;
  level: number | null;
  overdue: boolean;
  sort_at: string;
  /** Completed for the page's items only: what a screen shows without another request. */
  reference: string;
  province: string;
  risk: 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW' | null;
  assignee_id: string | null;
  referral_id: string | null;
  partner_id: string | null;
  service_type: string | null;
  child_id: string | null;
  pathway_id: string | null;
  transfer_id: string | null;
  max_level: number | null;
}

export interface WorkCount {
  kind: WorkKind;
  total: number;
  overdue: number;
}

export async function workPage(
  prisma: PrismaClient,
  actor: Actor,
  options: {
    kind?: WorkKind;
    step?: string;
    risk?: string;
    overdue?: boolean;
    limit: number;
    after?: { at: Date; id: string };
    now: Date;
  },
): Promise<{ rows: WorkRow[]; counts: WorkCount[]; matched: number }> {
  const parts = WORK[actor.role]
    .map((source) => sourceSql(source, actor, options.now))
    .filter((p): p is Prisma.Sql => p !== null);
  if (parts.length === 0) return { rows: [], counts: [], matched: 0 };
  const union = join(
    parts.map((p) => sql`(${p})`),
    ' UNION ALL ',
  );
  const after = options.after
    ? sql`AND (i.sort_at, i.item_id) > (${options.after.at}::timestamptz, ${options.after.id})`
    : empty;
  // The filters: on the item (kind, overdue) and on its case (step, risk), read only when asked.
  const filters = [
    options.kind ? sql`AND i.kind = ${options.kind}` : empty,
    options.overdue !== undefined ? sql`AND i.overdue = ${options.overdue}` : empty,
    options.step ? sql`AND fc."step" = ${options.step}` : empty,
    options.risk ? sql`AND fc."risk" = ${options.risk}::"RiskLevel"` : empty,
  ];
  const byCase = options.step || options.risk ? sql`JOIN "cases" fc ON fc."id" = i.case_id` : empty;
  const [result] = await prisma.$queryRaw<{ page: WorkRow[]; counts: WorkCount[]; matched: number }[]>`
    WITH items AS MATERIALIZED (
      SELECT u.*, COALESCE(u.due_at, ${NO_DEADLINE}::timestamptz) AS sort_at FROM (${union}) u
    ),
    filtered AS MATERIALIZED (
      SELECT i.* FROM items i ${byCase} WHERE true ${join(filters, ' ')}
    ),
    page AS (
      SELECT * FROM filtered i WHERE true ${after} ORDER BY i.sort_at, i.item_id LIMIT ${options.limit + 1}
    )
    SELECT
      (SELECT COALESCE(json_agg(json_build_object(
                'kind', p.kind, 'item_id', p.item_id, 'step', p.step, 'due_at', p.due_at, 'opened_at', p.opened_at,
                'case_id', p.case_id, 'step_record_id', p.step_record_id, 'subject_id', p.subject_id,
                'escalation_id', p.escalation_id, 'level', p.level, 'overdue', p.overdue, 'sort_at', p.sort_at,
                'reference', c."reference", 'province', c."province_code", 'risk', c."risk", 'assignee_id', c."assignee_id",
                'referral_id', r."id", 'partner_id', r."partner_id", 'service_type', r."service_type",
                'child_id', lp."child_id", 'pathway_id', lp."id", 'transfer_id', t."id",
                'max_level', (SELECT max(x."level") FROM "escalations" x WHERE x."step_record_id" = p.step_record_id)
              ) ORDER BY p.sort_at, p.item_id), '[]'::json)
         FROM page p
         JOIN "cases" c ON c."id" = p.case_id
         LEFT JOIN "referrals" r ON r."id" = p.subject_id
         LEFT JOIN "leaving_care_pathways" lp ON lp."id" = p.subject_id
         LEFT JOIN "transfers" t ON t."id" = p.subject_id) AS page,
      (SELECT COALESCE(json_agg(c), '[]'::json) FROM (
         SELECT kind, count(*)::int AS total, (count(*) FILTER (WHERE overdue))::int AS overdue
           FROM items GROUP BY kind ORDER BY kind
       ) c) AS counts,
      (SELECT count(*)::int FROM filtered) AS matched`;
  return { rows: result?.page ?? [], counts: result?.counts ?? [], matched: result?.matched ?? 0 };
}
