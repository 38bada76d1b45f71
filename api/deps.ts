import type { Client, WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { AppConfig } from '../lib/config';
import type { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from '../lib/db';
import type { ApiMetrics } from './health/metrics';

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

/** Interactive transactions that wait on a workflow update outlive the update's own deadline. */
export const transactionOptions = (deps: Pick<ApiDeps, 'config'>) => ({
  maxWait: 10_000,
  timeout: deps.config.API_WORKFLOW_TIMEOUT_MS + 10_000,
});

/**
 * Runs a human step: the optional row write and the workflow update in one transaction, so a step
 * the workflow rejects (409) or that fails leaves no row behind. `updateId` (derived from the
 * request's Idempotency-Key) makes a retried request the same update, never a second one.
 */
export async function runStep<R, I>(
  deps: Pick<ApiDeps, 'prisma' | 'temporal' | 'config'>,
  handle: WorkflowHandle,
  update: UpdateDefinition<R, [I], string>,
  input: I,
  write: ((tx: Prisma.TransactionClient) => Promise<void>) | undefined,
  updateId: string | undefined,
): Promise<R> {
  const execute = () =>
    withinDeadline(deps, () =>
      handle.executeUpdate(update, { args: [input], ...(updateId ? { updateId } : {}) }),
    );
  if (!write) return execute();
  return deps.prisma.$transaction(async (tx) => {
    await write(tx);
    return execute();
  }, transactionOptions(deps));
}
