-- The circuit's safety holes (issue 13): what the workflows decide is written where people read it.
-- A closure request's life (pending, then approved, returned or withdrawn by a new concern); a
-- transfer's life (pending, then accepted or refused by the receiving province, whose supervisors
-- read the case meanwhile); why and when a referral was cancelled; the language of a partner's
-- focal address.

-- CreateEnum
CREATE TYPE "ClosureRequestStatus" AS ENUM ('pending', 'approved', 'returned', 'withdrawn');

-- CreateEnum
CREATE TYPE "TransferStatus" AS ENUM ('pending', 'accepted', 'refused');

-- CreateTable
CREATE TABLE "closure_requests" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "from_step" TEXT NOT NULL,
    "status" "ClosureRequestStatus" NOT NULL DEFAULT 'pending',
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_by_id" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by_id" TEXT,
    "withdrawn_by_report_id" TEXT,

    CONSTRAINT "closure_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_transfers" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "from_province" TEXT NOT NULL,
    "to_province" TEXT NOT NULL,
    "status" "TransferStatus" NOT NULL DEFAULT 'pending',
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_by_id" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by_id" TEXT,

    CONSTRAINT "case_transfers_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "referrals" ADD COLUMN "cancelled_at" TIMESTAMPTZ(3),
ADD COLUMN "cancel_reason" TEXT;

-- AlterTable
ALTER TABLE "partners" ADD COLUMN "language" "Language" NOT NULL DEFAULT 'fr';

-- CreateIndex
CREATE INDEX "closure_requests_case_id_requested_at_idx" ON "closure_requests"("case_id", "requested_at");

-- CreateIndex
CREATE INDEX "case_transfers_case_id_status_idx" ON "case_transfers"("case_id", "status");

-- CreateIndex
CREATE INDEX "case_transfers_to_province_status_idx" ON "case_transfers"("to_province", "status");

-- AddForeignKey
ALTER TABLE "closure_requests" ADD CONSTRAINT "closure_requests_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_from_province_fkey" FOREIGN KEY ("from_province") REFERENCES "provinces"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_to_province_fkey" FOREIGN KEY ("to_province") REFERENCES "provinces"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
