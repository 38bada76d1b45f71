-- Indexes for the API's case list and audit pages, the committee reports (by period) and the
-- retention job; the flag retention sets when it keeps only the year of a birth date.

-- AlterTable
ALTER TABLE "children" ADD COLUMN     "birth_year_only" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "cases_province_code_opened_at_id_idx" ON "cases"("province_code", "opened_at", "id");

-- CreateIndex
CREATE INDEX "cases_opened_at_id_idx" ON "cases"("opened_at", "id");

-- CreateIndex
CREATE INDEX "cases_status_closed_at_idx" ON "cases"("status", "closed_at");

-- CreateIndex
CREATE INDEX "step_records_case_id_completed_at_idx" ON "step_records"("case_id", "completed_at");

-- CreateIndex
CREATE INDEX "step_records_step_opened_at_idx" ON "step_records"("step", "opened_at");

-- CreateIndex
CREATE INDEX "audit_events_case_id_id_idx" ON "audit_events"("case_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_at_idx" ON "audit_events"("actor_id", "at");
