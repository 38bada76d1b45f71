import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { DigestResult, DigestRunSummary } from './types';

type Activities = ReturnType<typeof createActivities>;

const { planSupervisorDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// A digest is worth sending the same day only: retry through an outage for a working day, then
// the activity has marked it failed (or the next day's digest lists everything again).
const { sendSupervisorDigest } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '10 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * The supervisors' morning digest, started by a Temporal Schedule on weekdays: skips public
 * holidays (the protocol's calendar), then sends each supervisor the overdue steps of their unit.
 * Safe to run twice on a date: each (supervisor, date) is one outbox row.
 */
export async function supervisorDigestWorkflow(): Promise<DigestRunSummary> {
  const at = new Date().toISOString();
  const plan = await planSupervisorDigests({ at });
  const results: DigestResult[] = [];
  for (const supervisorId of plan.supervisorIds) {
    // One supervisor's mail failing for good must not cost the others theirs.
    const result = await sendSupervisorDigest({ supervisorId, date: plan.date, at }).catch(
      (err: unknown): DigestResult => {
        if (err instanceof ActivityFailure) return { supervisorId, status: 'failed', overdue: null };
        throw err;
      },
    );
    results.push(result);
  }
  return { date: plan.date, workingDay: plan.workingDay, results };
}
