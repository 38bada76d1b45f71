import {
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  TemporalFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { calendarChangedSignal } from '../deadlines/calendar';
import type { CalendarChangeInput, CalendarChangeSummary } from './definitions';

type Activities = ReturnType<typeof createActivities>;

// Case storage: PostgreSQL outages are retried without limit; each call only reads or is idempotent.
const { calendarChangeOwners, calendarChangeDone } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const BATCH = 200;
const MAX_HISTORY_EVENTS = 4_000;

/**
 * A calendar year changed (a lunar date announced, a day off added): every case, referral and
 * pathway with an open deadline spanning a changed date is told, found through the case database.
 * Each re-plans its own deadlines from their own clock; this workflow decides nothing about them.
 */
export async function calendarChangeWorkflow(input: CalendarChangeInput): Promise<CalendarChangeSummary> {
  const { changeId } = input;
  let { after, signalled = 0, ended = 0 } = input;
  for (;;) {
    const page = await calendarChangeOwners({ changeId, limit: BATCH, ...(after ? { after } : {}) });
    for (const owner of page.owners) {
      const told = await getExternalWorkflowHandle(owner.workflowId)
        .signal(calendarChangedSignal, { changeId, dates: page.dates })
        .then(
          () => true,
          (err: unknown) => {
            // Ended meanwhile (closed, completed): its deadlines closed with it.
            if (err instanceof TemporalFailure) return false;
            throw err;
          },
        );
      if (told) signalled += 1;
      else ended += 1;
      after = owner.workflowId;
    }
    if (page.owners.length < BATCH) break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      return await continueAsNew<typeof calendarChangeWorkflow>({ changeId, after, signalled, ended });
    }
  }
  await calendarChangeDone({ changeId, signalled });
  return { changeId, signalled, ended };
}
