-- Exactly-once e-mail (issue 5): a notification records the phase of the attempt that holds its
-- lease, so a retry never sends a message whose final dot may already have reached the server;
-- one escalation rung may notify several people (the unit's handlers), one message each.

-- Added in its own statement: PostgreSQL allows ADD VALUE in a transaction as long as the new value
-- is not used before the commit (it is not, below).
ALTER TYPE "NotificationStatus" ADD VALUE 'unconfirmed' BEFORE 'failed';

-- CreateEnum
CREATE TYPE "NotificationPhase" AS ENUM ('sending', 'dataSent');

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "escalation_id" TEXT,
ADD COLUMN     "lease_token" TEXT,
ADD COLUMN     "lease_until" TIMESTAMPTZ(3),
ADD COLUMN     "phase" "NotificationPhase",
ADD COLUMN     "smtp_response" TEXT,
ADD COLUMN     "transmitted_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "notifications_escalation_id_idx" ON "notifications"("escalation_id");

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_escalation_id_fkey" FOREIGN KEY ("escalation_id") REFERENCES "escalations"("id") ON DELETE SET NULL ON UPDATE CASCADE;
