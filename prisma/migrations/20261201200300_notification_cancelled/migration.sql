-- An escalation's message whose step was done before it could go out (mail retried through an
-- outage, a slow server): never sent, and no longer pending.

-- AlterEnum
ALTER TYPE "NotificationStatus" ADD VALUE 'cancelled';
