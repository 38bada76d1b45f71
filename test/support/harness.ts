import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities, type ActivityDeps } from '../../activities';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { createTestDatabase, type TestDatabase } from './database';
import {
  createClusterEnv,
  createDevServerEnv,
  createTimeSkippingEnv,
  testDataConverter,
  type ServerEnv,
} from './temporal';
import { activityMetricsInterceptor } from '../../worker/metrics';
import { workflowBundle } from './workflow-bundle';

export interface Harness {
  env: TestWorkflowEnvironment;
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (and TLS files) for a worker or API process. */
  temporalEnv: Record<string, string>;
  db: TestDatabase;
  smtp: SmtpCapture;
  taskQueue: string;
  /**
   * A worker bound to the real database and SMTP capture; `stop` shuts it down (e.g. to simulate a
   * crash). `config` overrides activity settings (e.g. NOTIFICATION_GIVE_UP_AFTER_MS).
   */
  startWorker(options?: {
    sticky?: boolean;
    config?: Partial<ActivityDeps['config']>;
  }): Promise<{ stop(): Promise<void> }>;
  /** Stops every worker started so far (e.g. between tests that each start their own). */
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Real parts only: a Temporal server (time-skipping by default, the dev server, or the e2e suite's
 * cluster), a fresh
 * PostgreSQL database with migrations and seed, and an SMTP capture; workers run the real
 * activities against them.
 */
export async function createHarness(
  options: {
    server?: 'time-skipping' | 'dev' | 'cluster';
    /** False only to record histories as readable fixtures (test/histories); default true. */
    encrypted?: boolean;
  } = {},
): Promise<Harness> {
  const encrypted = options.encrypted ?? true;
  const startServer = async (): Promise<ServerEnv> => {
    if (options.server === 'dev') return createDevServerEnv();
    if (options.server === 'cluster') return createClusterEnv();
    const env = await createTimeSkippingEnv({ encrypted });
    return {
      env,
      temporalEnv: { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default' },
      teardown: () => env.teardown(),
    };
  };
  const [server, db, smtp] = await Promise.all([
    startServer(),
    createTestDatabase(),
    startSmtpCapture({ port: 0 }),
  ]);
  const { env } = server;
  const taskQueue = `test-${randomUUID()}`;
  const workers: { stop(): Promise<void> }[] = [];
  const bundle = await workflowBundle();

  const startWorker = async ({
    sticky = true,
    config = {},
  }: { sticky?: boolean; config?: Partial<ActivityDeps['config']> } = {}) => {
    const mailer = nodemailer.createTransport(smtp.url);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      // Without a workflow cache the server never routes tasks to this worker's sticky queue.
      ...(sticky ? {} : { maxCachedWorkflows: 0 }),
      workflowBundle: bundle,
      ...(encrypted ? { dataConverter: testDataConverter() } : {}),
      interceptors: { activity: [activityMetricsInterceptor] },
      activities: createActivities({
        prisma: db.prisma,
        mailer,
        config: {
          MAIL_FROM: 'Child protection <no-reply@test.local>',
          PUBLIC_URL: 'http://cases.test',
          ...config,
        },
      }),
    });
    const running = worker.run();
    const handle = {
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        mailer.close();
      },
    };
    workers.push(handle);
    return handle;
  };

  const stopWorkers = async () => {
    for (const w of workers.splice(0)) await w.stop().catch(() => undefined);
  };

  return {
    env,
    temporalEnv: server.temporalEnv,
    db,
    smtp,
    taskQueue,
    startWorker,
    stopWorkers,
    stop: async () => {
      await stopWorkers();
      await server.teardown();
      await smtp.stop();
      await db.drop();
    },
  };
}
