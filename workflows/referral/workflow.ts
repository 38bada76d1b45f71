import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { caseWorkflowId, referralChangedSignal, type ReferralSummary } from '../case/definitions';
import type { DeadlineStep } from '../deadlines/types';
import { DeadlineKeeper, type DeadlineBook } from '../deadlines/keeper';
import { ProvinceKey, RiskLevelKey } from '../search-attributes';
import { onUpdate } from '../updates';
import {
  acknowledgementUpdate,
  declineUpdate,
  outcomeUpdate,
  referralCancelSignal,
  referralProvinceSignal,
  referralRiskSignal,
  referralViewQuery,
  startUpdate,
  type ReferralCancelInput,
  type ReferralView,
  type ReferralWorkflowInput,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

const { openDeadline, recordReferralAction } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// The partner's focal point is told of the referral: retried through an SMTP outage, never holding
// up the partner's steps.
const { notifyCase } = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const reject = (reason: string): never => {
  throw ApplicationFailure.create({ type: 'StepRejected', message: reason, nonRetryable: true });
};

const ENDED: readonly ReferralSummary['status'][] = ['declined', 'completed', 'cancelled'];

/**
 * One service of a protection plan, sent to one partner: acknowledge, then start, then outcome,
 * each on the protocol's clock. A decline ends it; the case workflow then puts the handler on the
 * clock to re-refer. Status changes are signalled to the case so it survives continue-as-new. The
 * case cancels it when it closes or its plan drops the item, re-plans it when the risk changes and
 * moves its ladders when the case is transferred.
 */
export async function referralWorkflow(input: ReferralWorkflowInput): Promise<ReferralView> {
  let status: ReferralSummary['status'] = 'requested';
  let { province, risk } = input;
  let cancellation: ReferralCancelInput | null = null;
  const now = () => new Date().toISOString();
  // The referral is sent when this workflow begins (the case starts it at that moment).
  const sentAt = now();
  const book: DeadlineBook = { caseId: input.caseId, deadlines: [] };
  const request = (step: DeadlineStep, from: string) => ({
    caseId: input.caseId,
    step,
    province,
    protocolVersion: input.protocolVersion,
    risk,
    from,
    service: input.serviceType,
    subjectId: input.referralId,
  });
  const deadlines = new DeadlineKeeper<DeadlineStep, string>({
    book: () => book,
    plan: (step, from) => openDeadline(request(step, from ?? now())),
    replanRequest: (deadline, step) => request(step, deadline.openedAt),
    // The operators' search attributes, as for a case: overdue, highest rung reached, next deadline.
    operatorView: () => ({
      key: [province, risk],
      attributes: [
        { key: ProvinceKey, value: province },
        { key: RiskLevelKey, value: risk },
      ],
    }),
  });
  const caseHandle = getExternalWorkflowHandle(caseWorkflowId(input.caseId));

  const transition = async (
    next: ReferralSummary['status'],
    actorId: string,
    details: { declineReason?: string; outcome?: string } = {},
  ) => {
    // Cancelled while this step was under way: the cancellation stands, the step is not recorded.
    if (cancellation) return;
    status = next;
    await recordReferralAction({
      caseId: input.caseId,
      referralId: input.referralId,
      status: next,
      actorId,
      at: now(),
      ...details,
    });
    await caseHandle.signal(referralChangedSignal, {
      referralId: input.referralId,
      status: next,
      ...(details.declineReason ? { declineReason: details.declineReason } : {}),
    });
  };
  const view = (): ReferralView => ({
    referralId: input.referralId,
    caseId: input.caseId,
    partnerId: input.partnerId,
    serviceType: input.serviceType,
    status,
    openDeadlines: deadlines.open.map((d) => ({
      step: d.step,
      dueAt: d.dueAt,
      escalationLevel: Math.max(-1, ...d.fired),
    })),
  });
  const requireStatus = (...allowed: ReferralSummary['status'][]) => {
    if (!allowed.includes(status)) {
      reject(`the referral is '${status}'; this action needs ${allowed.map((s) => `'${s}'`).join(' or ')}`);
    }
  };

  setHandler(referralViewQuery, view);
  deadlines.followCalendar(() => true); // a holiday announced: open deadlines move
  // A partner's step waits until the referral's first deadline is open in this workflow (its record
  // may already be readable in the database): an acknowledgement arriving in between would
  // otherwise close nothing and leave the acknowledgement deadline open, to be cancelled at the end.
  let ready = false;
  const onStep: typeof onUpdate = (definition, handler, options) =>
    onUpdate(definition, handler, options, () => ready);
  onStep(
    acknowledgementUpdate,
    async (update) => {
      status = 'acknowledged';
      await deadlines.closeAll('done');
      await transition('acknowledged', update.actorId);
      // The service-start clock counts from the referral being sent (protocol/README.md), so a
      // slow acknowledgement does not extend it.
      if (!cancellation) await deadlines.openDeadline('serviceStart', sentAt);
      return view();
    },
    { validator: () => requireStatus('requested') },
  );
  onStep(
    declineUpdate,
    async (update) => {
      status = 'declined';
      await deadlines.closeAll('done');
      await transition('declined', update.actorId, { declineReason: update.reason });
      return view();
    },
    {
      validator: (update) => {
        requireStatus('requested', 'acknowledged');
        if (!update.reason.trim()) reject('reason: a decline needs a reason');
      },
    },
  );
  onStep(
    startUpdate,
    async (update) => {
      status = 'started';
      await deadlines.closeAll('done');
      await transition('started', update.actorId);
      return view();
    },
    { validator: () => requireStatus('acknowledged') },
  );
  onStep(
    outcomeUpdate,
    async (update) => {
      status = 'completed';
      await transition('completed', update.actorId, { outcome: update.outcome });
      return view();
    },
    { validator: () => requireStatus('started') },
  );
  setHandler(referralCancelSignal, (cancel) => {
    if (ENDED.includes(status)) return;
    status = 'cancelled';
    cancellation = cancel;
  });
  setHandler(referralRiskSignal, async (change) => {
    if (ENDED.includes(status) || change.risk === risk) return;
    risk = change.risk;
    deadlines.publish();
    await deadlines.replanAll('riskChanged', change.actorId, (d) =>
      change.riskDependentSteps.some((s) => s === d.step),
    );
  });
  setHandler(referralProvinceSignal, ({ province: next }) => {
    // Open deadlines keep their instants but now climb the receiving province's ladder.
    province = next;
    deadlines.moveTo(next);
    deadlines.publish();
  });

  await recordReferralAction({
    caseId: input.caseId,
    referralId: input.referralId,
    status: 'requested',
    actorId: input.actorId,
    at: now(),
    serviceType: input.serviceType,
    partnerId: input.partnerId,
    ...(input.planItemId ? { planItemId: input.planItemId } : {}),
  });
  const acknowledgement = await deadlines.openDeadline('referralAcknowledgement');
  ready = true;
  // Not awaited: the partner's clock runs whatever the mail server is doing.
  const told = notifyCase({
    kind: 'referralSent',
    caseId: input.caseId,
    referralId: input.referralId,
    dueAt: acknowledgement.dueAt,
  });
  await condition(() => ENDED.includes(status));
  await condition(allHandlersFinished);
  // A cancelled referral's deadlines close without counting as done (no lateness recorded).
  await deadlines.closeAll('cancelled');
  // Set by the cancel signal's handler (hence the widening: control flow cannot see it).
  const cancelled = cancellation as ReferralCancelInput | null;
  if (cancelled) {
    // Recorded here, not signalled back: the case cancelled it (and may have ended since).
    await recordReferralAction({
      caseId: input.caseId,
      referralId: input.referralId,
      status: 'cancelled',
      actorId: cancelled.actorId,
      at: now(),
      cancelReason: cancelled.reason,
    });
  }
  // Mail unreachable for long is settled `failed` on its outbox row and audited by the activity;
  // reaching this catch means even that bookkeeping failed for a day (as for an escalation).
  await told.catch((err: unknown) => {
    if (!(err instanceof ActivityFailure)) throw err;
  });
  return view();
}
