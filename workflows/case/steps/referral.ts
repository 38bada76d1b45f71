import { getExternalWorkflowHandle, ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import { referralCancelSignal, referralWorkflowId } from '../../referral/definitions';
import { referralWorkflow } from '../../referral/workflow';
import {
  referralChangedSignal,
  referralUpdate,
  type ReferralCancelReason,
  type ReferralInput,
  type ReferralSummary,
} from '../definitions';
import { referralEnded, reject, type CaseContext } from '../context';
import { enrolInLeavingCare } from './leaving-care';

/**
 * Starts a referral's workflow (a child abandoned on continue-as-new that reports by signal). Its
 * row is written with the step that sends it (`referralsRequested`), before this.
 */
export async function refer(c: CaseContext, item: ReferralInput & { referralId: string }): Promise<void> {
  const { state } = c;
  const { referralId } = item;
  state.referrals.push({
    referralId,
    serviceType: item.serviceType,
    partnerId: item.partnerId,
    ...(item.planItemId ? { planItemId: item.planItemId } : {}),
    status: 'requested',
  });
  const child = await startChild(referralWorkflow, {
    workflowId: referralWorkflowId(referralId),
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `referral ${item.serviceType} for ${state.reference}`,
    args: [
      {
        caseId: state.caseId,
        referralId,
        serviceType: item.serviceType,
        partnerId: item.partnerId,
        province: state.province,
        risk: state.risk ?? 'LOW',
        protocolVersion: state.facts.version,
        actorId: item.actorId,
        ...(item.planItemId ? { planItemId: item.planItemId } : {}),
        ...(item.replaces ? { replaces: item.replaces } : {}),
      },
    ],
  });
  c.referralsOfThisRun.push(child);
}

/**
 * Cancels a running referral (the case closes, a plan revision drops its item): its workflow
 * records the cancellation, closes its deadlines and ends. One that has just ended on its own is
 * left as it is: its last change is on its way to the case.
 */
export async function cancelReferral(
  r: ReferralSummary,
  actorId: string,
  reason: ReferralCancelReason,
): Promise<void> {
  const signalled = await getExternalWorkflowHandle(referralWorkflowId(r.referralId))
    .signal(referralCancelSignal, { actorId, reason })
    .then(
      () => true,
      (err: unknown) => referralEnded(err),
    );
  if (!signalled) return;
  r.status = 'cancelled';
  r.cancelReason = reason;
}

/** The live referral a new one would duplicate: same plan item, else same service and partner. */
function liveReferralFor(
  c: CaseContext,
  item: { planItemId?: string; serviceType: string; partnerId: string },
) {
  return c
    .activeReferrals()
    .find((r) =>
      item.planItemId
        ? r.planItemId === item.planItemId
        : r.serviceType === item.serviceType && r.partnerId === item.partnerId,
    );
}

/**
 * protocol.md §3 step 6, referrals: one per service, each its own workflow; a partner's decline
 * puts the handler on the clock to re-refer, a placement started enrols the child in leaving care.
 */
export function referrals(c: CaseContext): void {
  c.onStep(
    referralUpdate,
    async (input) => {
      const reassignment = input.replaces ? c.has('referralReassignment', input.replaces) : undefined;
      await c.close(reassignment);
      // The API names it (so a retried request is the same referral and its answer names the row).
      const referralId = input.referralId ?? uuid4();
      const row = {
        referralId,
        serviceType: input.serviceType,
        partnerId: input.partnerId,
        ...(input.planItemId ? { planItemId: input.planItemId } : {}),
      };
      await c.record(
        'referral.requested',
        input.actorId,
        { referralId, serviceType: input.serviceType, replaces: input.replaces },
        [{ kind: 'referralsRequested', referrals: [row] }],
      );
      await refer(c, { ...input, referralId });
      return c.view();
    },
    {
      validator: (input) => {
        c.requireStep('followUp', 'planApproval', 'planDraft', 'assessment');
        if (!c.state.facts.serviceTypes.includes(input.serviceType)) {
          reject(`serviceType: unknown service type '${input.serviceType}'`);
        }
        if (input.replaces && !c.has('referralReassignment', input.replaces)) {
          reject(`referral ${input.replaces} is not waiting to be re-referred`);
        }
        const live = liveReferralFor(c, input);
        if (live) {
          const same = input.planItemId
            ? `plan item ${input.planItemId}`
            : `${input.serviceType} with this partner`;
          reject(
            `referral ${live.referralId} for ${same} is still ${live.status}: one live referral at a time`,
          );
        }
      },
    },
  );

  c.onSignal(referralChangedSignal, async (change) => {
    const { state } = c;
    const referral = state.referrals.find((r) => r.referralId === change.referralId);
    if (!referral || referral.status === 'cancelled') return;
    referral.status = change.status;
    if (change.declineReason) referral.declineReason = change.declineReason;
    // A decline puts the handler on the clock to refer the child elsewhere.
    if (change.status === 'declined' && state.step !== 'closed') {
      await c.open('referralReassignment', { subjectId: change.referralId, service: referral.serviceType });
    }
    const placements = state.facts.placementServices ?? [];
    if (change.status === 'started' && placements.includes(referral.serviceType)) {
      await enrolInLeavingCare(c, 'placement', 'system');
    }
  });
}
