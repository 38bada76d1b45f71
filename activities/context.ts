import { Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { AppConfig } from '../lib/config';
import type { PrismaClient } from '../lib/db';

export interface ActivityDeps {
  prisma: PrismaClient;
  mailer: Transporter;
  config: Pick<AppConfig, 'MAIL_FROM' | 'PUBLIC_URL'> &
    Partial<Pick<AppConfig, 'NOTIFICATION_GIVE_UP_AFTER_MS' | 'RETENTION_CLOSED_DAYS'>>;
}

/**
 * A key that is the same on every retry of this activity and different for every other call:
 * rows written with it are upserted, so a retry never duplicates a row.
 */
export function activityKey(): string {
  const { workflowExecution, activityId } = Context.current().info;
  if (!workflowExecution) throw new Error('this activity must be called from a workflow');
  return `${workflowExecution.workflowId}/${workflowExecution.runId}/${activityId}`;
}
