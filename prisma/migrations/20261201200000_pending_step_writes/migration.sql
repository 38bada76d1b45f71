-- The rows a human step writes (screening, assessment, plan, plan decision, review, leaving-care
-- objectives) wait here, keyed by the workflow update that carries the step, until the workflow's
-- recording activity confirms them: it writes them to their tables in its own transaction and
-- deletes the pending row. Readers never see a step's rows before the workflow accepted the step,
-- and an update that outlives the API's wait still gets its rows (api/steps/pending.ts).

-- CreateTable
CREATE TABLE "pending_step_writes" (
    "update_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "writes" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_step_writes_pkey" PRIMARY KEY ("update_id")
);

-- CreateIndex
CREATE INDEX "pending_step_writes_created_at_idx" ON "pending_step_writes"("created_at");

-- CreateIndex
CREATE INDEX "pending_step_writes_case_id_idx" ON "pending_step_writes"("case_id");

-- AddForeignKey
ALTER TABLE "pending_step_writes" ADD CONSTRAINT "pending_step_writes_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
