-- CreateEnum
CREATE TYPE "UnitKind" AS ENUM ('protectionUnit', 'supportCentre', 'mobileUnit');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('handler', 'supervisor', 'coordinator', 'committee', 'partner', 'mediator', 'operations', 'auditor');

-- CreateEnum
CREATE TYPE "Language" AS ENUM ('ar', 'fr', 'en');

-- CreateEnum
CREATE TYPE "PartnerType" AS ENUM ('health', 'prosecutor', 'police', 'school', 'civilRegistry', 'careInstitution', 'association', 'mobileUnit');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('female', 'male', 'unknown');

-- CreateEnum
CREATE TYPE "MigrantStatus" AS ENUM ('none', 'unaccompanied', 'accompanied', 'unknown');

-- CreateEnum
CREATE TYPE "CivilRegistration" AS ENUM ('registered', 'unregistered', 'unknown');

-- CreateEnum
CREATE TYPE "RiskLevel" AS ENUM ('IMMEDIATE', 'HIGH', 'MEDIUM', 'LOW');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('open', 'closed', 'transferred');

-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('hotline', 'school', 'healthFacility', 'police', 'family', 'child', 'association', 'mobileUnit', 'judicial');

-- CreateEnum
CREATE TYPE "PlanStatus" AS ENUM ('draft', 'submitted', 'approved', 'returned');

-- CreateEnum
CREATE TYPE "ReferralStatus" AS ENUM ('requested', 'acknowledged', 'declined', 'started', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('pending', 'sent', 'failed');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('staff', 'system');

-- CreateTable
CREATE TABLE "provinces" (
    "code" TEXT NOT NULL,
    "name_fr" TEXT NOT NULL,
    "name_ar" TEXT NOT NULL,

    CONSTRAINT "provinces_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "units" (
    "id" TEXT NOT NULL,
    "province_code" TEXT NOT NULL,
    "kind" "UnitKind" NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "units_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff" (
    "id" TEXT NOT NULL,
    "province_code" TEXT NOT NULL,
    "unit_id" TEXT,
    "role" "StaffRole" NOT NULL,
    "display_name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "language" "Language" NOT NULL DEFAULT 'fr',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "partner_id" TEXT,

    CONSTRAINT "staff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "partners" (
    "id" TEXT NOT NULL,
    "province_code" TEXT NOT NULL,
    "partner_type" "PartnerType" NOT NULL,
    "name" TEXT NOT NULL,
    "focal_email" TEXT NOT NULL,

    CONSTRAINT "partners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "children" (
    "id" TEXT NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "birth_date" DATE NOT NULL,
    "birth_date_approximate" BOOLEAN NOT NULL DEFAULT false,
    "sex" "Sex" NOT NULL,
    "nationality" TEXT,
    "migrant_status" "MigrantStatus" NOT NULL DEFAULT 'none',
    "civil_registration" "CivilRegistration" NOT NULL DEFAULT 'unknown',
    "pseudonymised_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "children_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cases" (
    "id" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "child_id" TEXT NOT NULL,
    "province_code" TEXT NOT NULL,
    "unit_id" TEXT NOT NULL,
    "assignee_id" TEXT,
    "step" TEXT NOT NULL,
    "risk" "RiskLevel",
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "categories" TEXT[],
    "status" "CaseStatus" NOT NULL DEFAULT 'open',
    "protocol_version" INTEGER NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),
    "closure_reason" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reports" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "reporter_name" TEXT,
    "reporter_contact" TEXT,
    "narrative" TEXT,
    "categories" TEXT[],
    "created_by_id" TEXT,

    CONSTRAINT "reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "screenings" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "risk" "RiskLevel" NOT NULL,
    "immediate_needs" BOOLEAN NOT NULL,
    "injury" BOOLEAN NOT NULL DEFAULT false,
    "categories" TEXT[],
    "notes" TEXT,
    "screened_by_id" TEXT NOT NULL,
    "screened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "screenings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assessments" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "social" TEXT,
    "health" TEXT,
    "psychological" TEXT,
    "educational" TEXT,
    "legal" TEXT,
    "risk_after" "RiskLevel",
    "assessed_by_id" TEXT NOT NULL,
    "assessed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assessments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plans" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "PlanStatus" NOT NULL DEFAULT 'draft',
    "review_frequency_days" INTEGER,
    "submitted_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3),
    "decided_by_id" TEXT,
    "return_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plan_items" (
    "id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "service_type" TEXT NOT NULL,
    "partner_id" TEXT,
    "objective" TEXT,

    CONSTRAINT "plan_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "referrals" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "plan_item_id" TEXT,
    "partner_id" TEXT NOT NULL,
    "service_type" TEXT NOT NULL,
    "status" "ReferralStatus" NOT NULL DEFAULT 'requested',
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledged_at" TIMESTAMPTZ(3),
    "declined_at" TIMESTAMPTZ(3),
    "decline_reason" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "outcome_at" TIMESTAMPTZ(3),
    "workflow_id" TEXT NOT NULL,

    CONSTRAINT "referrals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "reviewed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "risk_before" "RiskLevel",
    "risk_after" "RiskLevel" NOT NULL,
    "decision" TEXT NOT NULL,
    "notes" TEXT,
    "reviewed_by_id" TEXT NOT NULL,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "step_records" (
    "id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "case_id" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "subject_id" TEXT,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "late_by_ms" BIGINT,
    "late_working_days" INTEGER,

    CONSTRAINT "step_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalations" (
    "id" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "step_record_id" TEXT,
    "level" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "recipient_staff_id" TEXT,
    "fired_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "notification_id" TEXT,

    CONSTRAINT "escalations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" TEXT NOT NULL,
    "case_id" TEXT,
    "kind" TEXT NOT NULL,
    "recipient_staff_id" TEXT,
    "recipient_email" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "subject" TEXT NOT NULL,
    "body_text" TEXT NOT NULL,
    "body_html" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "idempotency_key" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" "ActorType" NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "case_id" TEXT,
    "entity" TEXT NOT NULL,
    "entity_id" TEXT,
    "reason" TEXT,
    "details" JSONB,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_idempotency" (
    "actor_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status_code" INTEGER NOT NULL,
    "response_body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_idempotency_pkey" PRIMARY KEY ("actor_id","key")
);

-- CreateIndex
CREATE INDEX "units_province_code_idx" ON "units"("province_code");

-- CreateIndex
CREATE UNIQUE INDEX "staff_email_key" ON "staff"("email");

-- CreateIndex
CREATE INDEX "staff_province_code_role_active_idx" ON "staff"("province_code", "role", "active");

-- CreateIndex
CREATE INDEX "partners_province_code_partner_type_idx" ON "partners"("province_code", "partner_type");

-- CreateIndex
CREATE INDEX "children_last_name_first_name_birth_date_idx" ON "children"("last_name", "first_name", "birth_date");

-- CreateIndex
CREATE UNIQUE INDEX "cases_reference_key" ON "cases"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "cases_workflow_id_key" ON "cases"("workflow_id");

-- CreateIndex
CREATE INDEX "cases_province_code_status_step_idx" ON "cases"("province_code", "status", "step");

-- CreateIndex
CREATE INDEX "cases_assignee_id_idx" ON "cases"("assignee_id");

-- CreateIndex
CREATE INDEX "cases_child_id_idx" ON "cases"("child_id");

-- CreateIndex
CREATE INDEX "reports_case_id_idx" ON "reports"("case_id");

-- CreateIndex
CREATE INDEX "screenings_case_id_idx" ON "screenings"("case_id");

-- CreateIndex
CREATE INDEX "assessments_case_id_idx" ON "assessments"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "plans_case_id_version_key" ON "plans"("case_id", "version");

-- CreateIndex
CREATE INDEX "plan_items_plan_id_idx" ON "plan_items"("plan_id");

-- CreateIndex
CREATE UNIQUE INDEX "referrals_workflow_id_key" ON "referrals"("workflow_id");

-- CreateIndex
CREATE INDEX "referrals_case_id_idx" ON "referrals"("case_id");

-- CreateIndex
CREATE INDEX "referrals_partner_id_status_idx" ON "referrals"("partner_id", "status");

-- CreateIndex
CREATE INDEX "reviews_case_id_idx" ON "reviews"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "step_records_idempotency_key_key" ON "step_records"("idempotency_key");

-- CreateIndex
CREATE INDEX "step_records_case_id_step_idx" ON "step_records"("case_id", "step");

-- CreateIndex
CREATE INDEX "step_records_due_at_completed_at_idx" ON "step_records"("due_at", "completed_at");

-- CreateIndex
CREATE UNIQUE INDEX "escalations_idempotency_key_key" ON "escalations"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "escalations_notification_id_key" ON "escalations"("notification_id");

-- CreateIndex
CREATE INDEX "escalations_case_id_idx" ON "escalations"("case_id");

-- CreateIndex
CREATE INDEX "escalations_step_record_id_idx" ON "escalations"("step_record_id");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_message_id_key" ON "notifications"("message_id");

-- CreateIndex
CREATE INDEX "notifications_status_idx" ON "notifications"("status");

-- CreateIndex
CREATE INDEX "notifications_case_id_idx" ON "notifications"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_idempotency_key_key" ON "audit_events"("idempotency_key");

-- CreateIndex
CREATE INDEX "audit_events_case_id_at_idx" ON "audit_events"("case_id", "at");

-- AddForeignKey
ALTER TABLE "units" ADD CONSTRAINT "units_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "provinces"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff" ADD CONSTRAINT "staff_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "provinces"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff" ADD CONSTRAINT "staff_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff" ADD CONSTRAINT "staff_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partners" ADD CONSTRAINT "partners_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "provinces"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cases" ADD CONSTRAINT "cases_child_id_fkey" FOREIGN KEY ("child_id") REFERENCES "children"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cases" ADD CONSTRAINT "cases_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "provinces"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cases" ADD CONSTRAINT "cases_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cases" ADD CONSTRAINT "cases_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "staff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reports" ADD CONSTRAINT "reports_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "screenings" ADD CONSTRAINT "screenings_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plans" ADD CONSTRAINT "plans_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_items" ADD CONSTRAINT "plan_items_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_plan_item_id_fkey" FOREIGN KEY ("plan_item_id") REFERENCES "plan_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "step_records" ADD CONSTRAINT "step_records_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_step_record_id_fkey" FOREIGN KEY ("step_record_id") REFERENCES "step_records"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE SET NULL ON UPDATE CASCADE;
