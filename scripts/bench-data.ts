/** Rows the bench writes straight into the read model, and the bare SELECTs it compares reads with. */
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../lib/db';
import { caseWorkflowId, type CaseState } from '../workflows/case/definitions';

/**
 * `n` open cases of province WORK at screening, each with its step record due within the day, one in
 * twenty escalated to the coordinator (rung 2): the read model as the workflows leave it, written
 * in bulk (GET /work reads only the database).
 */
export async function insertWorkload(prisma: PrismaClient, n: number): Promise<void> {
  const statements = [
    `INSERT INTO "provinces" ("code", "name_fr", "name_ar") VALUES ('WORK', 'Charge de travail', 'عبء') ON CONFLICT DO NOTHING`,
    `INSERT INTO "units" ("id", "province_code", "kind", "name") VALUES ('unit-work-upe', 'WORK', 'protectionUnit', 'UPE') ON CONFLICT DO NOTHING`,
    `INSERT INTO "staff" ("id", "province_code", "unit_id", "role", "display_name", "email") VALUES
       ('staff-work-handler', 'WORK', 'unit-work-upe', 'handler', 'Handler', 'handler@work.example'),
       ('staff-work-assigned', 'WORK', 'unit-work-upe', 'handler', 'Handler 2', 'assigned@work.example'),
       ('staff-work-supervisor', 'WORK', 'unit-work-upe', 'supervisor', 'Supervisor', 'supervisor@work.example'),
       ('staff-work-coordinator', 'WORK', 'unit-work-upe', 'coordinator', 'Coordinator', 'coordinator@work.example')
     ON CONFLICT DO NOTHING`,
    `INSERT INTO "children" ("id", "first_name", "last_name", "birth_date", "sex")
       SELECT 'work-child-' || g, 'Bench', 'W' || g, DATE '2014-01-01', 'female' FROM generate_series(1, ${n}) g`,
    `INSERT INTO "cases" ("id", "reference", "workflow_id", "child_id", "province_code", "unit_id", "step",
                          "categories", "protocol_version", "opened_at", "updated_at")
       SELECT 'work-case-' || g, 'WORK-BENCH-' || g, 'case-work-case-' || g, 'work-child-' || g, 'WORK',
              'unit-work-upe', 'screening', '{}', 1, now() - interval '1 day', now() FROM generate_series(1, ${n}) g`,
    // One case in fifty assigned to a second handler: their own list is what a handler usually has.
    `UPDATE "cases" SET "assignee_id" = 'staff-work-assigned'
      WHERE "province_code" = 'WORK' AND substr("id", 11)::int % 50 = 0`,
    `INSERT INTO "step_records" ("id", "case_id", "step", "opened_at", "due_at", "province_code", "ladder")
       SELECT 'work-step-' || g, 'work-case-' || g, 'screening', now() - interval '1 hour',
              now() + (g * 86400 / ${n}) * interval '1 second', 'WORK', '[]'::jsonb FROM generate_series(1, ${n}) g`,
    `INSERT INTO "escalations" ("id", "idempotency_key", "case_id", "step", "step_record_id", "level", "role", "fired_at")
       SELECT 'work-escalation-' || g, 'work/' || g, 'work-case-' || g, 'screening', 'work-step-' || g, 2,
              'coordinator', now() FROM generate_series(20, ${n}, 20) g`,
    MARK_ESCALATED,
    'ANALYZE',
  ];
  for (const statement of statements) await prisma.$executeRawUnsafe(statement);
}

/** Each step's first rung on its record, as the rung's activity writes it with the escalation. */
const MARK_ESCALATED = `UPDATE "step_records" s SET "escalated_at" = e."first"
  FROM (SELECT "step_record_id", min("fired_at") AS "first" FROM "escalations" GROUP BY 1) e
 WHERE e."step_record_id" = s."id" AND s."escalated_at" IS NULL`;

/**
 * The rest of a national database: `n` closed cases of another province, each with its report,
 * three steps done and, one in ten, an escalation resolved — rows every read's indexes must skip.
 */
export async function insertClosedCases(prisma: PrismaClient, n: number): Promise<void> {
  if (n <= 0) return;
  const statements = [
    `INSERT INTO "provinces" ("code", "name_fr", "name_ar") VALUES ('PAST', 'Archives', 'أرشيف') ON CONFLICT DO NOTHING`,
    `INSERT INTO "units" ("id", "province_code", "kind", "name") VALUES ('unit-past-upe', 'PAST', 'protectionUnit', 'UPE') ON CONFLICT DO NOTHING`,
    `INSERT INTO "children" ("id", "first_name", "last_name", "birth_date", "sex")
       SELECT 'past-child-' || g, 'Bench', 'P' || g, DATE '2010-01-01', 'male' FROM generate_series(1, ${n}) g`,
    `INSERT INTO "cases" ("id", "reference", "workflow_id", "child_id", "province_code", "unit_id", "step", "status",
                          "categories", "protocol_version", "opened_at", "closed_at", "updated_at")
       SELECT 'past-case-' || g, 'PAST-BENCH-' || g, 'case-past-case-' || g, 'past-child-' || g, 'PAST',
              'unit-past-upe', 'closed', 'closed', '{}', 1, now() - interval '400 days', now() - interval '30 days', now()
         FROM generate_series(1, ${n}) g`,
    `INSERT INTO "reports" ("id", "case_id", "channel", "received_at", "urgent", "anonymous", "categories")
       SELECT 'past-report-' || g, 'past-case-' || g, 'hotline', now() - interval '400 days', false, true, '{}'
         FROM generate_series(1, ${n}) g`,
    `INSERT INTO "step_records" ("id", "case_id", "step", "opened_at", "due_at", "completed_at", "outcome", "province_code", "ladder")
       SELECT 'past-step-' || g || '-' || k, 'past-case-' || g, (ARRAY['screening', 'assessment', 'planDraft'])[k],
              now() - interval '400 days', now() - interval '390 days', now() - interval '391 days', 'done', 'PAST', '[]'::jsonb
         FROM generate_series(1, ${n}) g, generate_series(1, 3) k`,
    `INSERT INTO "escalations" ("id", "idempotency_key", "case_id", "step", "step_record_id", "level", "role", "fired_at", "resolved_at")
       SELECT 'past-escalation-' || g, 'past/' || g, 'past-case-' || g, 'screening', 'past-step-' || g || '-1', 0,
              'handler', now() - interval '390 days', now() - interval '389 days' FROM generate_series(10, ${n}, 10) g`,
    MARK_ESCALATED,
    'ANALYZE',
  ];
  for (const statement of statements) await prisma.$executeRawUnsafe(statement);
}

/** Every row of one case that its file shows, table by table, each by an index (one round trip). */
export function caseRowsSql(caseId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(caseId)) throw new Error(`not a case id: ${caseId}`);
  const id = `'${caseId}'`;
  const byCase = [
    'reports',
    'screenings',
    'emergency_measures',
    'judicial_notifications',
    'assessments',
    'plans',
    'referrals',
    'reviews',
    'closures',
    'check_backs',
    'transfers',
    'step_records',
    'escalations',
    'notifications',
  ];
  return [
    `SELECT * FROM "cases" WHERE "id" = ${id}`,
    `SELECT a.* FROM "staff" a JOIN "cases" c ON a."id" = c."assignee_id" WHERE c."id" = ${id}`,
    ...byCase.map((table) => `SELECT * FROM "${table}" WHERE "case_id" = ${id}`),
    `SELECT i.* FROM "plan_items" i JOIN "plans" p ON p."id" = i."plan_id" WHERE p."case_id" = ${id}`,
    `SELECT d.* FROM "closure_decisions" d JOIN "closures" z ON z."id" = d."closure_id" WHERE z."case_id" = ${id}`,
  ].join(';\n');
}

/** A work-list page's rows by primary key: each step record, its case and its escalations. */
export const WORK_ROWS_SQL = `
  SELECT s.*, c.*, (SELECT json_agg(e) FROM "escalations" e WHERE e."step_record_id" = s."id") AS escalations
    FROM "step_records" s JOIN "cases" c ON c."id" = s."case_id" WHERE s."id" = ANY($1::text[])`;

/**
 * Starts a case as a run continued from an earlier one (the same code path as any case after
 * continue-as-new) whose one open deadline is its screening, due at `dueAt` with the handler's
 * reminder then: what the bench and the sizing script use to put deadlines where they want them.
 */
export async function startWithScreeningDue(
  client: Client,
  taskQueue: string,
  state: CaseState,
  deadline: { id: string; province: string; dueAt: string },
): Promise<void> {
  state.deadlines = [
    {
      ...deadline,
      step: 'screening',
      openedAt: new Date().toISOString(),
      ladder: [{ level: 0, role: 'handler', at: deadline.dueAt }],
      fired: [],
    },
  ];
  await client.workflow.start('caseWorkflow', {
    taskQueue,
    workflowId: caseWorkflowId(state.caseId),
    args: [{ caseId: state.caseId, carried: state }],
  });
}
