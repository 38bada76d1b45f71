import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../../activities';
import { issuesOf } from '../../notifications/types';
import type { CaseContext } from '../context';
import { screeningFrom } from './screening';

type Activities = ReturnType<typeof createActivities>;

// "Case opened": retried through an SMTP outage like an escalation, never holding up the case.
const { notifyCaseOpened } = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * protocol.md §3 step 1: a report opens the case at the province's duty unit, and the screening
 * clock starts from its receipt. Returns the "case opened" notice still on its way, wrapped (an
 * async function returning a bare promise would wait for it): the screening clock runs whatever
 * the mail server is doing.
 */
export async function openCase(c: CaseContext): Promise<{ notice: Promise<void> }> {
  await c.record('case.opened', 'system');
  const roles = ['supervisor', 'handler'] as const;
  const notice = notifyCaseOpened({ caseId: c.state.caseId }).then(
    (outcome) => c.noteIssues(issuesOf('caseOpened', null, [...roles], outcome, c.now())),
    () =>
      c.noteIssues([{ about: 'caseOpened', level: null, problem: 'failed', roles: [...roles], at: c.now() }]),
  );
  await c.open('screening', { ...screeningFrom(c, c.state.reportReceivedAt), urgent: c.state.urgent });
  return { notice };
}
