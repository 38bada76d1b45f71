import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { RetentionRunInput, RetentionSummary } from './types';

type Activities = ReturnType<typeof createActivities>;

// Case storage: a database outage is retried until the next night's run would take over.
const { childrenDueForPseudonymisation, pseudonymiseChild } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '20 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const BATCH = 100;
const MAX_HISTORY_EVENTS = 2_000;

/**
 * Retention (protocol.md §7): children whose cases have all been closed for longer than the
 * configured period are pseudonymised, one transaction and one audit event per child. Started
 * nightly by a Temporal Schedule; safe to run twice (a pseudonymised child is never listed again).
 */
export async function retentionWorkflow(input: RetentionRunInput = {}): Promise<RetentionSummary> {
  const at = input.at ?? new Date().toISOString();
  let { afterId, pseudonymised = 0, skipped = 0 } = input;
  for (;;) {
    const due = await childrenDueForPseudonymisation({ at, limit: BATCH, ...(afterId ? { afterId } : {}) });
    for (const childId of due.childIds) {
      const outcome = await pseudonymiseChild({ childId, at });
      if (outcome === 'pseudonymised') pseudonymised += 1;
      else skipped += 1;
      afterId = childId;
    }
    if (due.childIds.length < BATCH) return { at, closedBefore: due.closedBefore, pseudonymised, skipped };
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      return await continueAsNew<typeof retentionWorkflow>({ at, afterId, pseudonymised, skipped });
    }
  }
}
