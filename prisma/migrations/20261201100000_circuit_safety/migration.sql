-- The circuit's safety holes (issue 13): why and when a referral was cancelled; the language of a
-- partner's focal address. (Closure requests and transfers live in the case file's tables,
-- 20261201300000_case_file.)

-- AlterTable
ALTER TABLE "referrals" ADD COLUMN "cancelled_at" TIMESTAMPTZ(3),
ADD COLUMN "cancel_reason" TEXT;

-- AlterTable
ALTER TABLE "partners" ADD COLUMN "language" "Language" NOT NULL DEFAULT 'fr';
