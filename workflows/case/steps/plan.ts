import { proxyActivities, uuid4 } from '@temporalio/workflow';
import type { createActivities } from '../../../activities';
import { planApprovalUpdate, planUpdate, type PlanItem } from '../definitions';
import { reject, type CaseContext } from '../context';
import { cancelReferral, refer } from './referral';

type Activities = ReturnType<typeof createActivities>;

const { keepReferral } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * A revised plan, approved: a running referral whose service and partner the plan keeps goes on
 * (now carrying out the new item), one whose item the plan drops is cancelled; the new items are
 * returned to be referred (protocol.md §3 step 6: one referral per service of the plan).
 */
async function revisePlanReferrals(c: CaseContext, items: PlanItem[], actorId: string) {
  const remaining = [...items];
  for (const r of c.activeReferrals()) {
    const i = remaining.findIndex((it) => it.serviceType === r.serviceType && it.partnerId === r.partnerId);
    const item = remaining[i];
    if (item) {
      remaining.splice(i, 1);
      if (r.planItemId === item.planItemId) continue;
      r.planItemId = item.planItemId;
      await keepReferral({
        caseId: c.state.caseId,
        referralId: r.referralId,
        planItemId: item.planItemId,
        actorId,
      });
    } else if (r.planItemId) {
      await cancelReferral(r, actorId, 'planRevised');
    }
  }
  return remaining.map((item) => ({ ...item, referralId: uuid4() }));
}

/**
 * protocol.md §3 step 5, the individual protection plan: drafted, then approved (its services
 * referred, follow-up begins) or returned by the supervisor.
 */
export function plan(c: CaseContext): void {
  c.onStep(
    planUpdate,
    async (input) => {
      const { state } = c;
      state.step = 'planApproval';
      state.planId = input.planId;
      state.planItems = input.items;
      state.planReviewEveryDays = input.reviewFrequencyDays ?? null;
      await c.close(c.has('planDraft'));
      await c.record('plan.submitted', input.actorId, { planId: input.planId, items: input.items.length });
      await c.open('planApproval');
      return c.view();
    },
    {
      validator: (input) => {
        c.requireStep('planDraft');
        if (input.items.length === 0) reject('items: a plan needs at least one service');
        const unknown = input.items.find((i) => !c.state.facts.serviceTypes.includes(i.serviceType));
        if (unknown) reject(`items: unknown service type '${unknown.serviceType}'`);
      },
    },
  );

  c.onStep(
    planApprovalUpdate,
    async (input) => {
      const { state } = c;
      await c.close(c.has('planApproval'));
      if (input.decision === 'return') {
        state.step = 'planDraft';
        await c.record('plan.returned', input.actorId, { planId: state.planId });
        await c.open('planDraft');
        return c.view();
      }
      state.step = 'followUp';
      state.reviewEveryDays = state.planReviewEveryDays ?? null;
      const referrals = await revisePlanReferrals(c, state.planItems, input.actorId);
      await c.record('plan.approved', input.actorId, { planId: state.planId }, [
        { kind: 'referralsRequested', referrals },
      ]);
      for (const item of referrals) await refer(c, { ...item, actorId: input.actorId });
      state.planItems = [];
      await c.open('review');
      return c.view();
    },
    { validator: () => c.requireStep('planApproval') },
  );
}
