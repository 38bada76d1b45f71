-- The audit trail is append-only, enforced by the database rather than by convention: any UPDATE,
-- DELETE or TRUNCATE of audit_events fails, whoever issues it.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_events_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();

CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();

-- A child has at most one open case per province: a second report joins it. Prisma's schema
-- language has no partial indexes, so this index lives only here (an accepted, documented drift).
CREATE UNIQUE INDEX "cases_one_open_per_child_and_province" ON "cases"("child_id", "province_code") WHERE "status" = 'open';

-- Case references (<PROVINCE>-<YEAR>-<sequence>) draw their number from this sequence.
CREATE SEQUENCE "case_reference_seq";
