-- Objectives move to their own table, written by the API in the same transaction as the workflow
-- update (the workflow's activity writes the axis status on other rows, so neither waits on the
-- other's locks). Existing objectives are kept, filed under the pathway's assessment when there is
-- one.

-- CreateTable
CREATE TABLE "leaving_care_objectives" (
    "id" TEXT NOT NULL,
    "pathway_id" TEXT NOT NULL,
    "review_id" TEXT NOT NULL,
    "axis" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "objective" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by_id" TEXT NOT NULL,

    CONSTRAINT "leaving_care_objectives_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "leaving_care_objectives_review_id_axis_position_key" ON "leaving_care_objectives"("review_id", "axis", "position");

-- CreateIndex
CREATE INDEX "leaving_care_objectives_pathway_id_axis_recorded_at_idx" ON "leaving_care_objectives"("pathway_id", "axis", "recorded_at");

-- AddForeignKey
ALTER TABLE "leaving_care_objectives" ADD CONSTRAINT "leaving_care_objectives_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "leaving_care_pathways"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Move existing objectives
INSERT INTO "leaving_care_objectives"
  ("id", "pathway_id", "review_id", "axis", "position", "objective", "recorded_at", "recorded_by_id")
SELECT gen_random_uuid()::text, a."pathway_id",
       COALESCE(r."id", 'before-' || a."pathway_id"), a."axis", o.ord::int, o.objective,
       COALESCE(r."reviewed_at", a."updated_at"), COALESCE(r."reviewed_by_id", 'system')
FROM "leaving_care_axes" a
CROSS JOIN LATERAL unnest(a."objectives") WITH ORDINALITY AS o(objective, ord)
LEFT JOIN LATERAL (
  SELECT "id", "reviewed_at", "reviewed_by_id" FROM "leaving_care_reviews"
  WHERE "pathway_id" = a."pathway_id" AND "kind" = 'assessment'
  ORDER BY "reviewed_at" LIMIT 1
) r ON true;

-- AlterTable
ALTER TABLE "leaving_care_axes" DROP COLUMN "objectives";
