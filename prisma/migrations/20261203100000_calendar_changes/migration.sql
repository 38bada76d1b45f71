-- Calendar changes re-plan open deadlines (issue 16): the days off of each calendar year as the
-- workers last saw them, and every change found at a worker's start (dates added or removed), which
-- a calendar-change workflow carries to the cases, referrals and pathways whose deadlines it touches.

-- CreateTable
CREATE TABLE "calendar_versions" (
    "year" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "days" JSONB NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calendar_versions_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "calendar_changes" (
    "id" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "hash_before" TEXT NOT NULL,
    "hash_after" TEXT NOT NULL,
    "added" JSONB NOT NULL,
    "removed" JSONB NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "owners_signalled" INTEGER,

    CONSTRAINT "calendar_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "calendar_changes_year_detected_at_idx" ON "calendar_changes"("year", "detected_at");
