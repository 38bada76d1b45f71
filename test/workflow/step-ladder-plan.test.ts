/**
 * Every deadline step's ladder on the time-skipping server with protocol v1's real durations —
 * plan and referrals: plan draft and approval, referral acknowledgement, service start, re-referral. Done just before the deadline: no escalation, no e-mail. Left undone: each rung at
 * its planned instant, not a minute before, exactly once, one e-mail per recipient. The table and
 * the checks are in test/support/step-ladder.ts.
 */
import { createHarness, type Harness } from '../support/harness';
import { doneOnTime, leftUndone, stepCase, STEP_LADDER_FILES } from '../support/step-ladder';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

describe.each(STEP_LADDER_FILES.plan)('%s', (name) => {
  it('done just before the deadline: no escalation and no e-mail', async () => {
    await doneOnTime(h, stepCase(name));
  });
  it('left undone: each rung at its instant, not before, exactly once, one e-mail per recipient', async () => {
    await leftUndone(h, stepCase(name));
  });
});
