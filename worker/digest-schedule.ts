import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { DEFAULT_TIME_ZONE } from '../protocol';
import { supervisorDigestWorkflow } from '../workflows';

export const DIGEST_SCHEDULE_ID = 'notifications-supervisor-digest';
const GRPC_UNIMPLEMENTED = 12;

export interface DigestScheduleOptions {
  taskQueue: string;
  /** HH:MM, local time in `timeZone`. */
  time: string;
  timeZone?: string;
}

/**
 * Creates the supervisors' daily digest schedule if it is missing and keeps it if present: an
 * operator may have paused or retimed it in the Temporal UI, and several workers start at once.
 * Weekdays only here; public holidays are skipped by the workflow with the protocol's calendar.
 */
export async function ensureDigestSchedule(
  client: Client,
  options: DigestScheduleOptions,
): Promise<'created' | 'kept' | 'unsupported'> {
  const [hour, minute] = options.time.split(':').map(Number);
  try {
    await client.schedule.create({
      scheduleId: DIGEST_SCHEDULE_ID,
      spec: {
        calendars: [
          {
            hour,
            minute,
            dayOfWeek: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
            comment: 'supervisors’ digest of overdue steps, working days (holidays skipped by the workflow)',
          },
        ],
        timezone: options.timeZone ?? DEFAULT_TIME_ZONE,
      },
      action: {
        type: 'startWorkflow',
        workflowType: supervisorDigestWorkflow,
        workflowId: 'notifications-supervisor-digest',
        taskQueue: options.taskQueue,
        args: [],
        // A run still going after a working day has nothing useful left to send.
        workflowExecutionTimeout: '12 hours',
      },
      // A digest delayed by an outage is still worth sending the same morning, never twice.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'kept';
    // Temporal's time-skipping test server has no schedules.
    if ((err as { code?: number }).code === GRPC_UNIMPLEMENTED) return 'unsupported';
    throw err;
  }
}
