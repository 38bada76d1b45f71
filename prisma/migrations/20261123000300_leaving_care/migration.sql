-- CreateEnum
CREATE TYPE "LeavingCarePhase" AS ENUM ('waiting', 'preparation', 'accompaniment', 'outcome', 'completed', 'notEnrolled');

-- CreateTable
CREATE TABLE "leaving_care_pathways" (
    "id" TEXT NOT NULL,
    "child_id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "province_code" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "protocol_version" INTEGER NOT NULL,
    "phase" "LeavingCarePhase" NOT NULL,
    "trigger" TEXT NOT NULL,
    "not_enrolled_reason" TEXT,
    "mediator_id" TEXT,
    "enrolled_at" TIMESTAMPTZ(3) NOT NULL,
    "preparation_at" TIMESTAMPTZ(3),
    "exit_plan_due_at" TIMESTAMPTZ(3),
    "exit_at" TIMESTAMPTZ(3),
    "accompaniment_months" INTEGER NOT NULL,
    "accompaniment_ends_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leaving_care_pathways_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leaving_care_axes" (
    "id" TEXT NOT NULL,
    "pathway_id" TEXT NOT NULL,
    "axis" TEXT NOT NULL,
    "objectives" TEXT[],
    "status" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leaving_care_axes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leaving_care_reviews" (
    "id" TEXT NOT NULL,
    "pathway_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reviewed_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_by_id" TEXT NOT NULL,
    "axes" JSONB NOT NULL,
    "notes" TEXT,

    CONSTRAINT "leaving_care_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leaving_care_exit_plans" (
    "id" TEXT NOT NULL,
    "pathway_id" TEXT NOT NULL,
    "items" JSONB NOT NULL,
    "mediator_id" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by_id" TEXT NOT NULL,
    "notes" TEXT,

    CONSTRAINT "leaving_care_exit_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leaving_care_contacts" (
    "id" TEXT NOT NULL,
    "pathway_id" TEXT NOT NULL,
    "month" INTEGER NOT NULL,
    "contacted_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by_id" TEXT NOT NULL,
    "notes" TEXT,

    CONSTRAINT "leaving_care_contacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leaving_care_outcomes" (
    "id" TEXT NOT NULL,
    "pathway_id" TEXT NOT NULL,
    "province_code" TEXT NOT NULL,
    "axis" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by_id" TEXT NOT NULL,

    CONSTRAINT "leaving_care_outcomes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "leaving_care_pathways_child_id_key" ON "leaving_care_pathways"("child_id");

-- CreateIndex
CREATE UNIQUE INDEX "leaving_care_pathways_workflow_id_key" ON "leaving_care_pathways"("workflow_id");

-- CreateIndex
CREATE INDEX "leaving_care_pathways_case_id_idx" ON "leaving_care_pathways"("case_id");

-- CreateIndex
CREATE INDEX "leaving_care_pathways_province_code_phase_idx" ON "leaving_care_pathways"("province_code", "phase");

-- CreateIndex
CREATE INDEX "leaving_care_pathways_mediator_id_idx" ON "leaving_care_pathways"("mediator_id");

-- CreateIndex
CREATE UNIQUE INDEX "leaving_care_axes_pathway_id_axis_key" ON "leaving_care_axes"("pathway_id", "axis");

-- CreateIndex
CREATE INDEX "leaving_care_reviews_pathway_id_reviewed_at_idx" ON "leaving_care_reviews"("pathway_id", "reviewed_at");

-- CreateIndex
CREATE UNIQUE INDEX "leaving_care_exit_plans_pathway_id_key" ON "leaving_care_exit_plans"("pathway_id");

-- CreateIndex
CREATE INDEX "leaving_care_contacts_pathway_id_month_idx" ON "leaving_care_contacts"("pathway_id", "month");

-- CreateIndex
CREATE INDEX "leaving_care_outcomes_province_code_recorded_at_idx" ON "leaving_care_outcomes"("province_code", "recorded_at");

-- CreateIndex
CREATE INDEX "leaving_care_outcomes_province_code_axis_outcome_idx" ON "leaving_care_outcomes"("province_code", "axis", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "leaving_care_outcomes_pathway_id_axis_key" ON "leaving_care_outcomes"("pathway_id", "axis");

-- AddForeignKey
ALTER TABLE "leaving_care_pathways" ADD CONSTRAINT "leaving_care_pathways_child_id_fkey" FOREIGN KEY ("child_id") REFERENCES "children"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_pathways" ADD CONSTRAINT "leaving_care_pathways_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_pathways" ADD CONSTRAINT "leaving_care_pathways_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "provinces"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_pathways" ADD CONSTRAINT "leaving_care_pathways_mediator_id_fkey" FOREIGN KEY ("mediator_id") REFERENCES "staff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_axes" ADD CONSTRAINT "leaving_care_axes_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "leaving_care_pathways"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_reviews" ADD CONSTRAINT "leaving_care_reviews_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "leaving_care_pathways"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_exit_plans" ADD CONSTRAINT "leaving_care_exit_plans_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "leaving_care_pathways"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_contacts" ADD CONSTRAINT "leaving_care_contacts_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "leaving_care_pathways"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_outcomes" ADD CONSTRAINT "leaving_care_outcomes_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "leaving_care_pathways"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaving_care_outcomes" ADD CONSTRAINT "leaving_care_outcomes_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "provinces"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
