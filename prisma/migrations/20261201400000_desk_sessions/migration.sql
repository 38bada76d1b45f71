-- Desk sessions (api/session): the browser holds a random session id in an HttpOnly cookie; the
-- database keeps only its SHA-256, so a copy of this table logs nobody in. A session ends at its
-- absolute expiry, after an idle period, or when it is revoked (logout); a deactivated staff
-- member's session stops at the next request (authentication reads staff.active).

-- CreateTable
CREATE TABLE "staff_sessions" (
    "id_hash" TEXT NOT NULL,
    "staff_id" TEXT NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "staff_sessions_pkey" PRIMARY KEY ("id_hash")
);

-- CreateIndex
CREATE INDEX "staff_sessions_staff_id_idx" ON "staff_sessions"("staff_id");

-- CreateIndex
CREATE INDEX "staff_sessions_expires_at_idx" ON "staff_sessions"("expires_at");

-- AddForeignKey
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_staff_id_fkey" FOREIGN KEY ("staff_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
