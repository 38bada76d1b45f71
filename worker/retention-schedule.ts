import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { DEFAULT_TIME_ZONE } from '../protocol';
import { retentionWorkflow } from '../workflows';

export const RETENTION_SCHEDULE_ID = 'retention-pseudonymisation';
const GRPC_UNIMPLEMENTED = 12;

/**
 * Creates the nightly retention schedule if it is missing and keeps it if present (an operator may
 * have paused it, e.g. during an inspection that needs identities; several workers start at once).
 */
export async function ensureRetentionSchedule(
  client: Client,
  options: { taskQueue: string; timeZone?: string },
): Promise<'created' | 'kept' | 'unsupported'> {
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec: {
        calendars: [{ hour: 2, minute: 30, comment: 'nightly, when nobody is working on cases' }],
        timezone: options.timeZone ?? DEFAULT_TIME_ZONE,
      },
      action: {
        type: 'startWorkflow',
        workflowType: retentionWorkflow,
        workflowId: RETENTION_SCHEDULE_ID,
        taskQueue: options.taskQueue,
        args: [{}],
        workflowExecutionTimeout: '22 hours',
      },
      // A night missed during an outage is made up the next day; two runs never overlap.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'kept';
    // Temporal's time-skipping test server has no schedules.
    if ((err as { code?: number }).code === GRPC_UNIMPLEMENTED) return 'unsupported';
    throw err;
  }
}
