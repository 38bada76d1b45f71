-- The work list at national scale (issue 17): a step is overdue when its deadline has passed on the
-- API's clock or a rung has fired on it. The first rung's instant is kept on the step record, written
-- with the escalation in one transaction, so the list reads it from the row instead of probing the
-- escalations of every open step. The list's page is read in deadline order from an index of open
-- steps and stops at the page's end.

-- AlterTable
ALTER TABLE "step_records" ADD COLUMN "escalated_at" TIMESTAMPTZ(3);

-- Every step with an escalation already written.
UPDATE "step_records" s SET "escalated_at" = e."first"
  FROM (SELECT "step_record_id", min("fired_at") AS "first" FROM "escalations"
         WHERE "step_record_id" IS NOT NULL GROUP BY 1) e
 WHERE e."step_record_id" = s."id";

-- CreateIndex (partial: not expressible in schema.prisma)
CREATE INDEX "step_records_open_by_due" ON "step_records"("due_at", "id") WHERE "completed_at" IS NULL;

-- A unit belongs to one province: without this the planner multiplies the two filters' selectivity,
-- expects a hundredth of a unit's cases, and reads the work list by hash join instead of in
-- deadline order.
CREATE STATISTICS "cases_unit_province" (dependencies) ON "unit_id", "province_code" FROM "cases";
