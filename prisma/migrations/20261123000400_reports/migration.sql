-- Committee statistics and the monthly report (issue 8): the province a case belonged to at any
-- instant, indexes on the instants that decide which period a row counts in, and inline
-- attachments (the report's charts) for outbox messages.

-- AlterTable: the opening province, filled from province_code when a case is inserted. Existing
-- cases: the province in their reference (<PROVINCE>-<YEAR>-<n>) if they have been transferred,
-- else the one they are in.
ALTER TABLE "cases" ADD COLUMN "opened_province_code" TEXT;

UPDATE "cases" c SET "opened_province_code" = CASE
  WHEN EXISTS (SELECT 1 FROM "audit_events" e WHERE e."case_id" = c."id" AND e."action" = 'transfer.accepted')
    AND EXISTS (SELECT 1 FROM "provinces" p WHERE p."code" = split_part(c."reference", '-', 1))
  THEN split_part(c."reference", '-', 1)
  ELSE c."province_code" END;

CREATE FUNCTION "cases_opened_province"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW."opened_province_code" := COALESCE(NEW."opened_province_code", NEW."province_code");
  RETURN NEW;
END;
$$;

CREATE TRIGGER "cases_opened_province"
  BEFORE INSERT ON "cases"
  FOR EACH ROW EXECUTE FUNCTION "cases_opened_province"();

-- The province of a case at an instant: where the last transfer accepted before it took the case,
-- else where the case was opened. Statistics count each row for the province of its deciding instant.
CREATE FUNCTION "case_province_at"(p_case_id TEXT, p_at TIMESTAMPTZ) RETURNS TEXT
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT e."details"->>'toProvince'
       FROM "audit_events" e
      WHERE e."case_id" = p_case_id AND e."action" = 'transfer.accepted' AND e."at" < p_at
      ORDER BY e."at" DESC, e."id" DESC
      LIMIT 1),
    (SELECT COALESCE(c."opened_province_code", c."province_code") FROM "cases" c WHERE c."id" = p_case_id)
  );
$$;

-- CreateTable
CREATE TABLE "notification_attachments" (
    "id" TEXT NOT NULL,
    "notification_id" TEXT NOT NULL,
    "content_id" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "content" BYTEA NOT NULL,

    CONSTRAINT "notification_attachments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notification_attachments_notification_id_content_id_key" ON "notification_attachments"("notification_id", "content_id");

-- CreateIndex
CREATE INDEX "reports_received_at_idx" ON "reports"("received_at");

-- CreateIndex
CREATE INDEX "referrals_requested_at_idx" ON "referrals"("requested_at");

-- CreateIndex
CREATE INDEX "step_records_completed_at_idx" ON "step_records"("completed_at");

-- CreateIndex
CREATE INDEX "escalations_fired_at_idx" ON "escalations"("fired_at");

-- AddForeignKey
ALTER TABLE "notification_attachments" ADD CONSTRAINT "notification_attachments_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;
