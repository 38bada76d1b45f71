/**
 * The API's side of pending step writes (lib/step-writes.ts): saved before the update, removed
 * when the workflow refuses it, and swept when nobody will ever confirm them.
 */
import { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';
import type { PrismaClient } from '../../lib/db';
import type { StepWrite } from '../../lib/step-writes';
import type { ApiDeps } from '../deps';
import { loggableError } from '../http/errors';

const GRPC_NOT_FOUND = 5;
const ADMITTED =
  temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
    .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;

export interface PendingStepWrite {
  /** The case the rows belong to (a pathway's case for leaving-care objectives). */
  caseId: string;
  writes: StepWrite[];
}

/** Commits the step's writes before its update is sent; a retried request (same update id) keeps the first. */
export async function savePendingStepWrites(
  prisma: PrismaClient,
  updateId: string,
  workflowId: string,
  pending: PendingStepWrite,
): Promise<void> {
  await prisma.pendingStepWrite.createMany({
    data: [{ updateId, workflowId, caseId: pending.caseId, writes: pending.writes }],
    skipDuplicates: true,
  });
}

/** The workflow refused the update or it completed: whatever is still pending will never be confirmed. */
export async function discardPendingStepWrites(prisma: PrismaClient, updateId: string): Promise<void> {
  await prisma.pendingStepWrite.deleteMany({ where: { updateId } });
}

type UpdateStage = 'unknown' | 'waiting' | 'completed' | 'unreachable';

/** What Temporal knows of an update, without waiting for it. */
async function updateStage(
  deps: Pick<ApiDeps, 'temporal' | 'config'>,
  workflowId: string,
  updateId: string,
): Promise<UpdateStage> {
  try {
    const res = await deps.temporal.withDeadline(Date.now() + 10_000, () =>
      deps.temporal.workflowService.pollWorkflowExecutionUpdate({
        namespace: deps.config.TEMPORAL_NAMESPACE,
        updateRef: { workflowExecution: { workflowId }, updateId },
        identity: 'api/pending-step-sweep',
        waitPolicy: { lifecycleStage: ADMITTED },
      }),
    );
    return res.outcome ? 'completed' : 'waiting';
  } catch (err) {
    return (err as { code?: number }).code === GRPC_NOT_FOUND ? 'unknown' : 'unreachable';
  }
}

/**
 * Removes pending writes older than `olderThanMs` that will never be confirmed: their update is
 * unknown to Temporal (never sent because the API died, or refused and the API died before
 * removing them) or has completed (a retried request wrote its copy after the first one was
 * confirmed). An update still admitted or accepted — waiting for a worker — keeps its rows, however
 * old; so does every row while Temporal cannot be asked.
 */
export async function sweepPendingStepWrites(
  deps: Pick<ApiDeps, 'prisma' | 'temporal' | 'config'>,
  { olderThanMs, limit = 100 }: { olderThanMs: number; limit?: number },
): Promise<{ removed: number; kept: number }> {
  const stale = await deps.prisma.pendingStepWrite.findMany({
    where: { createdAt: { lte: new Date(Date.now() - olderThanMs) } },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { updateId: true, workflowId: true },
  });
  let removed = 0;
  for (const row of stale) {
    const stage = await updateStage(deps, row.workflowId, row.updateId);
    if (stage === 'unknown' || stage === 'completed') {
      removed += (await deps.prisma.pendingStepWrite.deleteMany({ where: { updateId: row.updateId } })).count;
    }
  }
  return { removed, kept: stale.length - removed };
}

/**
 * Sweeps every minute in the API process. The bound is never shorter than twice the API's wait
 * on Temporal, so a row is never judged while its own request may still be sending the update.
 */
export function startPendingStepSweep(
  deps: Pick<ApiDeps, 'prisma' | 'temporal' | 'config'>,
  logger: Logger,
): { stop(): void } {
  const olderThanMs = Math.max(
    deps.config.STEP_WRITE_SWEEP_AFTER_MS,
    2 * deps.config.API_WORKFLOW_TIMEOUT_MS,
  );
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepPendingStepWrites(deps, { olderThanMs })
      .then(({ removed }) => {
        if (removed) logger.info({ removed }, 'removed pending step writes no workflow will confirm');
      })
      .catch((err: unknown) =>
        logger.warn({ err: loggableError(err) }, 'the pending step writes could not be swept'),
      )
      .finally(() => {
        running = false;
      });
  }, 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
