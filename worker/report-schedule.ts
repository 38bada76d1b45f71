import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { DEFAULT_TIME_ZONE } from '../protocol';
import { monthlyReportWorkflow } from '../workflows';

export const MONTHLY_REPORT_SCHEDULE_ID = 'reports-provincial-monthly';
const GRPC_UNIMPLEMENTED = 12;

export interface MonthlyReportScheduleOptions {
  taskQueue: string;
  timeZone?: string;
}

/**
 * Creates the committees' monthly report schedule (the 1st of each month, 06:00 local time, for
 * the month before) if it is missing, and keeps it if present: an operator may have paused or
 * retimed it in the Temporal UI, and several workers start at once.
 */
export async function ensureMonthlyReportSchedule(
  client: Client,
  options: MonthlyReportScheduleOptions,
): Promise<'created' | 'kept' | 'unsupported'> {
  try {
    await client.schedule.create({
      scheduleId: MONTHLY_REPORT_SCHEDULE_ID,
      spec: {
        calendars: [
          {
            dayOfMonth: 1,
            hour: 6,
            minute: 0,
            comment: 'provincial committees’ statistics of the month before',
          },
        ],
        timezone: options.timeZone ?? DEFAULT_TIME_ZONE,
      },
      action: {
        type: 'startWorkflow',
        workflowType: monthlyReportWorkflow,
        workflowId: MONTHLY_REPORT_SCHEDULE_ID,
        taskQueue: options.taskQueue,
        args: [{}],
        workflowExecutionTimeout: '3 days',
      },
      // A report missed during an outage is still worth sending within a few days, never twice.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '3 days' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'kept';
    // Temporal's time-skipping test server has no schedules.
    if ((err as { code?: number }).code === GRPC_UNIMPLEMENTED) return 'unsupported';
    throw err;
  }
}
