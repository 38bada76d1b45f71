import { randomUUID } from 'node:crypto';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { AppConfig } from '../lib/config';
import type { PrismaClient } from '../lib/db';
import type { ApiMetrics } from './health/metrics';
import { discardPendingStepWrites, savePendingStepWrites, type PendingStepWrite } from './steps/pending';

/** What the API stands on; tests build it against their own servers. */
export interface ApiDeps {
  prisma: PrismaClient;
  temporal: Client;
  /** Used only to check that the mail relay answers (the worker sends the mail). */
  mailer: Pick<Transporter, 'verify'>;
  config: AppConfig;
  logger: Logger;
  /** Where the built desk is (default desk/dist). */
  deskDir?: string;
  /** A registry others may add metrics to; created when absent. */
  metrics?: ApiMetrics;
}

/** Runs Temporal calls under the configured deadline: a silent Temporal becomes a 503, not a hang. */
export function withinDeadline<T>(
  deps: Pick<ApiDeps, 'temporal' | 'config'>,
  call: () => Promise<T>,
): Promise<T> {
  return deps.temporal.withDeadline(Date.now() + deps.config.API_WORKFLOW_TIMEOUT_MS, call);
}

/** Interactive transactions that wait on a workflow call (a signal) outlive the call's own deadline. */
export const transactionOptions = (deps: Pick<ApiDeps, 'config'>) => ({
  maxWait: 10_000,
  timeout: deps.config.API_WORKFLOW_TIMEOUT_MS + 10_000,
});

/**
 * Runs a human step. Its rows (narratives and all) are committed first as pending writes keyed by
 * the update id, then the update is sent; the workflow's recording activity, which runs only in
 * the accepted update, confirms them — so an update that outlives this wait (503) still gets its
 * rows, and readers never see rows of a step the workflow did not accept (lib/step-writes.ts).
 * A refused step's writes are removed at once. `updateId` (derived from the request's
 * Idempotency-Key) makes a retried request the same update, never a second one.
 */
export async function runStep<R, I>(
  deps: Pick<ApiDeps, 'prisma' | 'temporal' | 'config'>,
  handle: WorkflowHandle,
  update: UpdateDefinition<R, [I], string>,
  input: I,
  pending: PendingStepWrite | undefined,
  requestedUpdateId: string | undefined,
): Promise<R> {
  const updateId = requestedUpdateId ?? randomUUID();
  const execute = () => withinDeadline(deps, () => handle.executeUpdate(update, { args: [input], updateId }));
  if (!pending) return execute();
  await savePendingStepWrites(deps.prisma, updateId, handle.workflowId, pending);
  let result: R;
  try {
    result = await execute();
  } catch (err) {
    // Refused (or failed before its rows were confirmed), or no workflow to take it: never confirmed.
    // Any other failure (Temporal silent, 503) leaves the writes for the workflow or the sweep.
    if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
      await discardPendingStepWrites(deps.prisma, updateId);
    }
    throw err;
  }
  // Normally confirmed (and deleted) by the workflow already; a retried request's copy goes here.
  await discardPendingStepWrites(deps.prisma, updateId);
  return result;
}
