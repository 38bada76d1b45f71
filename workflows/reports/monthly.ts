import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { MonthlyReportInput, MonthlyReportSummary, ProvincialReportResult } from './types';

type Activities = ReturnType<typeof createActivities>;

const { planMonthlyReports } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// Statistics, charts and mail for one province. A monthly report is still worth sending a day
// late: retry through a database or mail outage for a day (the outbox marks a message failed once
// mail has been unreachable for NOTIFICATION_GIVE_UP_AFTER_MS).
const { sendProvincialReport } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * The provincial committees' monthly statistics (protocol.md §6), started by a Temporal Schedule
 * on the 1st of each month for the month before, or by hand for any month. Safe to run again:
 * each (province, month, recipient) is one outbox row, sent once.
 */
export async function monthlyReportWorkflow(input: MonthlyReportInput = {}): Promise<MonthlyReportSummary> {
  const plan = await planMonthlyReports({
    at: new Date().toISOString(),
    ...(input.month ? { month: input.month } : {}),
  });
  const results: ProvincialReportResult[] = [];
  for (const province of plan.provinces) {
    // One province's failure must not cost the others their report.
    const result = await sendProvincialReport({ province, month: plan.month }).catch(
      (err: unknown): ProvincialReportResult => {
        if (err instanceof ActivityFailure) {
          return { province, month: plan.month, status: 'failed', recipients: 0, delivered: 0, failed: 0 };
        }
        throw err;
      },
    );
    results.push(result);
  }
  return { month: plan.month, results };
}
