import {
  allHandlersFinished,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { CaseContext } from './context';
import { caseViewQuery, type CaseView, type CaseWorkflowInput } from './definitions';
import { assessment } from './steps/assessment';
import { assignment } from './steps/assignment';
import { closure } from './steps/closure';
import { concern } from './steps/concern';
import { emergency, judicialNotification } from './steps/emergency';
import { plan } from './steps/plan';
import { referrals } from './steps/referral';
import { openCase } from './steps/report';
import { review } from './steps/review';
import { screening } from './steps/screening';
import { transfer } from './steps/transfer';

type Activities = ReturnType<typeof createActivities>;

// Case storage: PostgreSQL outages are retried without limit; each call is idempotent.
const { loadCaseState } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const DEFAULT_MAX_HISTORY_EVENTS = 5_000;

/**
 * The protection circuit for one case (protocol.md §3): screening to closure, every deadline
 * watched. Each human step is an update whose handler and validator live in `steps/`, in the
 * protocol's words; the deadlines and their ladders are kept by the context's deadline keeper.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  // Handlers are registered before the case is loaded, so nothing sent early is rejected or lost.
  const c = new CaseContext();
  setHandler(caseViewQuery, () => {
    if (!c.loaded) throw new Error('the case is still opening; ask again in a moment');
    return c.view();
  });
  screening(c); // 2. reception, listening and screening
  emergency(c); // 3. emergency protection
  judicialNotification(c); // 3b. judicial notification
  assessment(c); // 4. assessment
  plan(c); // 5. individual protection plan: drafted, approved or returned
  referrals(c); // 6. referrals to partners (declined: re-referred)
  review(c); // 7. follow-up
  concern(c); // 7. a new concern, screened again
  closure(c); // 8. closure and evaluation (check-back included)
  transfer(c); // 8. transferred to another province
  assignment(c); // reassigning never resets a deadline
  c.deadlines.followCalendar(() => c.loaded); // a holiday announced: open deadlines move

  // 1. Report: the case is opened at the duty unit, its screening clock running. Steps sent right
  // after wait until it is fully open (its screening deadline exists): `loaded` turns true below.
  c.state = input.carried ?? (await loadCaseState({ caseId: input.caseId }));
  const openingNotice = input.carried ? Promise.resolve() : (await openCase(c)).notice;
  c.loaded = true;
  if (input.carried) c.deadlines.resume();
  c.publish();

  const maxEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxEvents;
  const finished = () => c.state.step === 'closed' && c.state.deadlines.length === 0;
  for (;;) {
    await condition(() => finished() || historyTooLong());
    await condition(allHandlersFinished);
    await openingNotice;
    // A step accepted while the case-opened notice was still being sent is waited for too (a
    // continue-as-new would cut it off: its client an error, its next deadline never opened).
    if (!allHandlersFinished()) continue;
    if (finished()) {
      // A referral cancelled by the closure records it and ends a moment later; the case ends after
      // them, so no referral of this run outlives its closed case.
      for (const child of c.referralsOfThisRun) {
        await child.result().catch((err: unknown) => {
          // A referral that failed is shown failed in Temporal; the case only waits for it to end.
          if (!(err instanceof ChildWorkflowFailure)) throw err;
        });
      }
      return c.view();
    }
    // Only a really long history continues as new (a closure opening the check-back looks
    // finished for a moment, and that is no reason to).
    if (historyTooLong()) {
      return await continueAsNew<typeof caseWorkflow>({ ...input, carried: c.state });
    }
  }
}
