-- Protocol versions are immutable once used (issue 16): a case and a leaving-care pathway pin the
-- hash of the resolved rules they started under, and a copy of those rules is kept by hash so that
-- a used file edited afterwards is refused at start with the path and values that changed. Rows from
-- before this migration are pinned at the next worker or API start, to the files as they are then.

-- AlterTable
ALTER TABLE "cases" ADD COLUMN "protocol_hash" TEXT;

-- AlterTable
ALTER TABLE "leaving_care_pathways" ADD COLUMN "protocol_hash" TEXT;

-- CreateTable
CREATE TABLE "protocol_versions" (
    "hash" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "province_code" TEXT NOT NULL,
    "rules" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "protocol_versions_pkey" PRIMARY KEY ("hash")
);
