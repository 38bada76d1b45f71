import { DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities';
import { closeIdleSessions, smtpTarget } from '../activities/notifications/smtp';
import { loadConfig } from '../lib/config';
import { createPrismaClient } from '../lib/db';
import { recordCalendarChanges, startCalendarChangeWorkflows } from '../lib/calendar-changes';
import { checkProtocolPins } from '../lib/protocol-pins';
import { encryptedDataConverter } from '../lib/payload-codec';
import { ensureSearchAttributes, temporalConnectionOptions } from '../lib/temporal';
import { bundleWorkflows } from './bundle';
import { ensureDigestSchedule } from './digest-schedule';
import { activityMetricsInterceptor, serveWorkerMetrics } from './metrics';
import { ensureMonthlyReportSchedule } from './report-schedule';
import { ensureRetentionSchedule } from './retention-schedule';
import { calendarCoverageWarning, loadCalendar, loadProtocol } from '../protocol';

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * Starts the worker: validates the protocol definition first (a bad file stops start-up with the
 * path and value at fault), registers search attributes, then polls the task queue.
 */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<RunningWorker> {
  const config = loadConfig(env);
  loadProtocol({});
  const warning = calendarCoverageWarning(loadCalendar(), new Date());
  if (warning) console.warn(warning);
  const prisma = createPrismaClient(config.DATABASE_URL, undefined, {
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS === 'true',
  });
  try {
    // Before anything polls: a used protocol file edited under running cases stops start-up.
    await checkProtocolPins(prisma);
    // A calendar year whose days off changed since the last start (an announced Eid) is recorded
    // before anything polls; its workflow, started below, moves the open deadlines it touches.
    const changes = await recordCalendarChanges(prisma);
    for (const c of changes) {
      console.warn(
        `holiday calendar ${c.year} changed (${c.id}): days off added ${c.added.map((d) => d.date).join(', ') || 'none'}, removed ${c.removed.map((d) => d.date).join(', ') || 'none'}`,
      );
    }
  } catch (err) {
    await prisma.$disconnect();
    throw err;
  }
  const mailer = nodemailer.createTransport(config.SMTP_URL);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const { Client, Connection } = await import('@temporalio/client');
  const admin = await Connection.connect(temporalConnectionOptions(config));
  await ensureSearchAttributes(admin, config.TEMPORAL_NAMESPACE);
  const dataConverter = encryptedDataConverter(config.PAYLOAD_ENCRYPTION_KEYS);
  const schedules = new Client({ connection: admin, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const digest = await ensureDigestSchedule(schedules, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    time: config.NOTIFICATION_DIGEST_TIME,
  });
  if (digest === 'unsupported') console.warn('this Temporal server has no schedules: no daily digest');
  const monthly = await ensureMonthlyReportSchedule(schedules, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  });
  if (monthly === 'unsupported') console.warn('this Temporal server has no schedules: no monthly report');
  const retention = await ensureRetentionSchedule(schedules, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  if (retention === 'unsupported') console.warn('this Temporal server has no schedules: no retention job');
  await startCalendarChangeWorkflows(prisma, schedules, config.TEMPORAL_TASK_QUEUE);
  await admin.close();
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    // Bundled here (unless prebuilt) so webpack's module listing stays out of the operator's log.
    workflowBundle: config.WORKFLOW_BUNDLE_PATH
      ? { codePath: config.WORKFLOW_BUNDLE_PATH }
      : await bundleWorkflows({ logger: new DefaultLogger('WARN') }),
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    // Most tasks of sleeping cases (a timer firing, a human step) find their workflow evicted and
    // come on the shared queue, not the sticky one: half the pollers there, not the SDK's fifth.
    nonStickyToStickyPollRatio: 0.5,
    dataConverter,
    activities: createActivities({ prisma, mailer, config }),
    interceptors: { activity: [activityMetricsInterceptor] },
  });
  let stopping = false;
  // Healthy while both pollers run and no shutdown was asked for: a worker that drains, failed or
  // stopped polling is reported (and its container marked unhealthy).
  const health = () => {
    const status = worker.getStatus();
    const polling =
      !stopping &&
      status.runState === 'RUNNING' &&
      status.workflowPollerState === 'POLLING' &&
      status.activityPollerState === 'POLLING';
    return {
      polling,
      detail: {
        runState: status.runState,
        workflowPoller: status.workflowPollerState,
        activityPoller: status.activityPollerState,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
      },
    };
  };
  const metrics = config.WORKER_METRICS_PORT
    ? await serveWorkerMetrics(config.WORKER_METRICS_PORT, health)
    : undefined;
  const running = worker.run();
  return {
    stop: async () => {
      stopping = true;
      worker.shutdown();
      await running;
      await metrics?.close();
      closeIdleSessions(smtpTarget(mailer));
      mailer.close();
      await prisma.$disconnect();
      await connection.close();
    },
  };
}
