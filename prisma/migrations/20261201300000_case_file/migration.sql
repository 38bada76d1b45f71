-- The case file and the work list (issue 14): the read model the API reads instead of the
-- workflows. Rows an activity updates inside a workflow update are never rows the API writes in
-- the transaction that waits on that update (neither would wait on the other's locks): the API
-- inserts the content (emergency measures, judicial notifications, closure requests and
-- decisions, check-backs), the activities keep the state (step records with their planned rungs,
-- transfers, closure status, referral rows).

-- Administrators of the organisation: a province's, and the ministry's (every province).
ALTER TYPE "StaffRole" ADD VALUE 'admin';
ALTER TYPE "StaffRole" ADD VALUE 'nationalAdmin';

-- CreateEnum
CREATE TYPE "ProvinceKind" AS ENUM ('prefecture', 'province');

-- CreateEnum
CREATE TYPE "TransferStatus" AS ENUM ('pending', 'accepted', 'refused', 'cancelled');

-- CreateEnum
CREATE TYPE "ClosureStatus" AS ENUM ('pending', 'approved', 'returned', 'withdrawn');

-- CreateTable
CREATE TABLE "regions" (
    "code" TEXT NOT NULL,
    "name_fr" TEXT NOT NULL,
    "name_ar" TEXT NOT NULL,

    CONSTRAINT "regions_pkey" PRIMARY KEY ("code")
);

-- AlterTable
ALTER TABLE "provinces" ADD COLUMN "region_code" TEXT,
ADD COLUMN "kind" "ProvinceKind";

-- AlterTable
ALTER TABLE "units" ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "partners" ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable: the province whose staff a deadline's ladder climbs, and the instant of every rung
-- as planned ([{ level, role, at }]; re-planned in place when a deadline moves).
ALTER TABLE "step_records" ADD COLUMN "province_code" TEXT,
ADD COLUMN "ladder" JSONB;

UPDATE "step_records" s SET "province_code" = c."province_code" FROM "cases" c WHERE c."id" = s."case_id";

-- AlterTable: what the pathway view needs besides the milestones already kept.
ALTER TABLE "leaving_care_pathways" ADD COLUMN "phase_since" TIMESTAMPTZ(3),
ADD COLUMN "contact_due_at" TIMESTAMPTZ(3)[],
ADD COLUMN "handed_over_by" TEXT;

UPDATE "leaving_care_pathways" SET "phase_since" = "enrolled_at";

-- CreateTable
CREATE TABLE "transfers" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "from_province_code" TEXT NOT NULL,
    "to_province_code" TEXT NOT NULL,
    "status" "TransferStatus" NOT NULL DEFAULT 'pending',
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_by_id" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by_id" TEXT,

    CONSTRAINT "transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "closures" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "notes" TEXT,
    "status" "ClosureStatus" NOT NULL DEFAULT 'pending',
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_by_id" TEXT NOT NULL,
    "status_at" TIMESTAMPTZ(3),
    "from_step" TEXT,
    "withdrawn_by_report_id" TEXT,

    CONSTRAINT "closures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "closure_decisions" (
    "id" TEXT NOT NULL,
    "closure_id" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "reason" TEXT,
    "decided_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_by_id" TEXT NOT NULL,

    CONSTRAINT "closure_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_backs" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "notes" TEXT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by_id" TEXT NOT NULL,

    CONSTRAINT "check_backs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "emergency_measures" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "measures" TEXT[],
    "notes" TEXT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by_id" TEXT NOT NULL,

    CONSTRAINT "emergency_measures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "judicial_notifications" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "notes" TEXT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by_id" TEXT NOT NULL,

    CONSTRAINT "judicial_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "provinces_region_code_idx" ON "provinces"("region_code");

-- CreateIndex
CREATE INDEX "transfers_case_id_idx" ON "transfers"("case_id");

-- CreateIndex
CREATE INDEX "transfers_to_province_code_status_idx" ON "transfers"("to_province_code", "status");

-- CreateIndex
CREATE INDEX "closures_case_id_idx" ON "closures"("case_id");

-- CreateIndex
CREATE INDEX "closure_decisions_closure_id_idx" ON "closure_decisions"("closure_id");

-- CreateIndex
CREATE INDEX "check_backs_case_id_idx" ON "check_backs"("case_id");

-- CreateIndex
CREATE INDEX "emergency_measures_case_id_idx" ON "emergency_measures"("case_id");

-- CreateIndex
CREATE INDEX "judicial_notifications_case_id_idx" ON "judicial_notifications"("case_id");

-- CreateIndex: the work list of a unit (handlers' unassigned cases, supervisors' late steps).
CREATE INDEX "cases_unit_id_status_idx" ON "cases"("unit_id", "status");

-- CreateIndex: referrals of a case in the order they were sent, and those of a plan item.
CREATE INDEX "referrals_case_id_requested_at_idx" ON "referrals"("case_id", "requested_at");
CREATE INDEX "referrals_plan_item_id_idx" ON "referrals"("plan_item_id");

-- CreateIndex: the steps of an entity (a referral's, a pathway's, a transfer's deadlines).
CREATE INDEX "step_records_subject_id_idx" ON "step_records"("subject_id");

-- CreateIndex (partial; Prisma's schema language cannot say WHERE): the open steps of a case, and
-- every open step by deadline — what GET /work reads for 10,000 open cases without a scan of
-- the closed ones.
CREATE INDEX "step_records_open_by_case" ON "step_records"("case_id", "due_at") WHERE "completed_at" IS NULL;
CREATE INDEX "step_records_open_by_step" ON "step_records"("step", "due_at") WHERE "completed_at" IS NULL;

-- CreateIndex (partial): escalations still open, by level (coordinators' and committees' lists).
CREATE INDEX "escalations_open_by_level" ON "escalations"("level", "step_record_id") WHERE "resolved_at" IS NULL;

-- AddForeignKey
ALTER TABLE "provinces" ADD CONSTRAINT "provinces_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "regions"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "closures" ADD CONSTRAINT "closures_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "closure_decisions" ADD CONSTRAINT "closure_decisions_closure_id_fkey" FOREIGN KEY ("closure_id") REFERENCES "closures"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_backs" ADD CONSTRAINT "check_backs_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emergency_measures" ADD CONSTRAINT "emergency_measures_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "judicial_notifications" ADD CONSTRAINT "judicial_notifications_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
