-- A report that may concern a child already known in another province: the reporting handler is
-- never told (the other province's data is not theirs), the coordinators of both provinces are,
-- to decide on a transfer. One row per pair of cases; IDs and codes only.

-- CreateTable
CREATE TABLE "child_match_alerts" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "child_id" TEXT NOT NULL,
    "province_code" TEXT NOT NULL,
    "known_case_id" TEXT NOT NULL,
    "known_child_id" TEXT NOT NULL,
    "known_province_code" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by_id" TEXT,
    "resolution" TEXT,

    CONSTRAINT "child_match_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "child_match_alerts_case_id_known_case_id_key" ON "child_match_alerts"("case_id", "known_case_id");

-- CreateIndex
CREATE INDEX "child_match_alerts_province_code_resolved_at_idx" ON "child_match_alerts"("province_code", "resolved_at");

-- CreateIndex
CREATE INDEX "child_match_alerts_known_province_code_resolved_at_idx" ON "child_match_alerts"("known_province_code", "resolved_at");

-- CreateIndex
CREATE INDEX "child_match_alerts_known_case_id_idx" ON "child_match_alerts"("known_case_id");

-- AddForeignKey
ALTER TABLE "child_match_alerts" ADD CONSTRAINT "child_match_alerts_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "child_match_alerts" ADD CONSTRAINT "child_match_alerts_child_id_fkey" FOREIGN KEY ("child_id") REFERENCES "children"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "child_match_alerts" ADD CONSTRAINT "child_match_alerts_known_case_id_fkey" FOREIGN KEY ("known_case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "child_match_alerts" ADD CONSTRAINT "child_match_alerts_known_child_id_fkey" FOREIGN KEY ("known_child_id") REFERENCES "children"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
