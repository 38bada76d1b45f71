import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities, type ActivityDeps } from '../../activities';
import { freePort } from '../../devstack/ports';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { createTestDatabase, type TestDatabase } from './database';
import { createDevServerEnv, createTimeSkippingEnv } from './temporal';
import { workflowBundle } from './workflow-bundle';

export interface Harness {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  smtp: SmtpCapture;
  taskQueue: string;
  /**
   * A worker bound to the real database and SMTP capture; `stop` shuts it down (e.g. to simulate a
   * crash). `config` overrides activity settings (e.g. NOTIFICATION_GIVE_UP_AFTER_MS).
   */
  startWorker(options?: { config?: Partial<ActivityDeps['config']> }): Promise<{ stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * Real parts only: a Temporal server (time-skipping by default, or the dev server), a fresh
 * PostgreSQL database with migrations and seed, and an SMTP capture; workers run the real
 * activities against them.
 */
export async function createHarness(options: { server?: 'time-skipping' | 'dev' } = {}): Promise<Harness> {
  const [env, db, smtp] = await Promise.all([
    options.server === 'dev' ? createDevServerEnv() : createTimeSkippingEnv(),
    createTestDatabase(),
    freePort().then((port) => startSmtpCapture({ port })),
  ]);
  const taskQueue = `test-${randomUUID()}`;
  const workers: { stop(): Promise<void> }[] = [];
  const bundle = await workflowBundle();

  const startWorker = async (options: { config?: Partial<ActivityDeps['config']> } = {}) => {
    const mailer = nodemailer.createTransport(smtp.url);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: createActivities({
        prisma: db.prisma,
        mailer,
        config: {
          MAIL_FROM: 'Child protection <no-reply@test.local>',
          PUBLIC_URL: 'http://cases.test',
          ...options.config,
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

  return {
    env,
    db,
    smtp,
    taskQueue,
    startWorker,
    stop: async () => {
      for (const w of workers) await w.stop().catch(() => undefined);
      await env.teardown();
      await smtp.stop();
      await db.drop();
    },
  };
}
