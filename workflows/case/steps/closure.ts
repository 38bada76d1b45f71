import {
  checkBackUpdate,
  closureApprovalUpdate,
  closureUpdate,
  type CaseChange,
  type ConcernInput,
} from '../definitions';
import type { ReferralSummary } from '../definitions';
import { reject, type CaseContext } from '../context';
import { enrolInLeavingCare } from './leaving-care';
import { cancelReferral } from './referral';

function closureRule(c: CaseContext, reason: string) {
  const { reasons } = c.state.facts.closure;
  const rule = Object.prototype.hasOwnProperty.call(reasons, reason) ? reasons[reason] : undefined;
  return rule ?? reject(`reason: unknown closure reason '${reason}'`);
}

/** Never closed over an open safeguarding step, except the ones the reason itself ends. */
function requireNoSafeguardingOpen(c: CaseContext, reason: string): void {
  const { notBlockedBy } = closureRule(c, reason);
  const { blockedBy } = c.state.facts.closure;
  const pending = c.deadlines.open.find(
    (d) => blockedBy.some((s) => s === d.step) && !notBlockedBy.some((s) => s === d.step),
  );
  if (pending) {
    reject(
      `the ${pending.step} step is still open (due ${pending.dueAt}): a case is not closed before it is done`,
    );
  }
}

/** A new concern while the supervisor decides on a closure: the request is withdrawn, recorded. */
export async function withdrawClosure(c: CaseContext, concern: ConcernInput) {
  const { state } = c;
  const reason = state.closureReason ?? '';
  const closureId = state.closureId ?? null;
  // Screened first, then the case resumes where it was (a first screening still leads to assessment).
  state.resumeStep = state.stepBeforeClosure === 'screening' ? null : state.stepBeforeClosure;
  state.step = 'screening';
  state.stepBeforeClosure = null;
  state.closureReason = null;
  state.closureId = null;
  state.closureWithdrawn = { reason, reportId: concern.reportId, at: c.now() };
  await c.close(c.has('closureApproval'), 'cancelled');
  await c.record(
    'closure.withdrawn',
    'system',
    { reason, reportId: concern.reportId },
    closureId ? [{ kind: 'closureStatus', closureId, status: 'withdrawn', reportId: concern.reportId }] : [],
  );
  return {
    kind: 'closureWithdrawn',
    caseId: state.caseId,
    closureId: closureId ?? '',
    reportId: concern.reportId,
    reason,
    concernReceivedAt: concern.receivedAt ?? c.now(),
  } as const;
}

/** Approved: every deadline and running referral is cancelled; leaving care or a check-back may follow. */
async function closeCase(c: CaseContext, actorId: string, closureStatus: CaseChange[]): Promise<void> {
  const { state } = c;
  const reason = state.closureReason ?? '';
  state.step = 'closed';
  for (const d of c.deadlines.open) await c.close(d, 'cancelled');
  const cancelled: ReferralSummary[] = [];
  for (const r of c.activeReferrals()) {
    await cancelReferral(r, actorId, 'caseClosed');
    if (r.status === 'cancelled') cancelled.push(r);
  }
  const pendingTransfer = state.transfer;
  state.transfer = null;
  await c.record('closure.approved', actorId, { reason }, [
    ...closureStatus,
    ...(cancelled.length
      ? [{ kind: 'referralsCancelled' as const, referralIds: cancelled.map((r) => r.referralId) }]
      : []),
    ...(pendingTransfer
      ? [{ kind: 'transferCancelled' as const, transferId: pendingTransfer.transferId }]
      : []),
  ]);
  // Facts pinned before leaving care existed lack these lists: such cases hand over nothing.
  const handOver = state.facts.leavingCareHandOver ?? [];
  if (handOver.includes(reason)) await enrolInLeavingCare(c, 'turned18', actorId);
  // The check-back follows a closure whose child is still reachable, for the risks it is for.
  const checkBack = state.facts.closure.reasons[reason]?.checkBack ?? false;
  if (checkBack && state.risk && state.facts.checkBackRisks.includes(state.risk)) {
    await c.open('closureCheckBack');
  }
}

/**
 * protocol.md §3 step 8, closure and evaluation: requested for a reason, approved or returned by the
 * supervisor, never over an open screening, emergency protection or judicial notification; an
 * optional check-back after closing.
 */
export function closure(c: CaseContext): void {
  c.onStep(
    closureUpdate,
    async (input) => {
      const { state } = c;
      state.stepBeforeClosure = state.step;
      state.step = 'closureApproval';
      state.closureReason = input.reason;
      state.closureId = input.closureId ?? null;
      await c.record('closure.requested', input.actorId, {
        reason: input.reason,
        ...(input.closureId ? { closureId: input.closureId } : {}),
      });
      await c.open('closureApproval');
      return c.view();
    },
    {
      validator: (input) => {
        const { state } = c;
        c.requireOpen();
        if (state.step === 'closureApproval')
          reject('a closure request is already waiting for the supervisor');
        const rule = closureRule(c, input.reason);
        if (!rule.fromSteps.includes(state.step)) {
          reject(
            `reason: a case at step '${state.step}' cannot be closed as '${input.reason}' (only from ${rule.fromSteps.map((s) => `'${s}'`).join(', ')})`,
          );
        }
        requireNoSafeguardingOpen(c, input.reason);
      },
    },
  );

  c.onStep(
    closureApprovalUpdate,
    async (input) => {
      const { state } = c;
      await c.close(c.has('closureApproval'));
      const closureId = state.closureId ?? null;
      const closureStatus = (status: 'approved' | 'returned'): CaseChange[] =>
        closureId ? [{ kind: 'closureStatus', closureId, status }] : [];
      if (input.decision === 'return') {
        state.step = state.stepBeforeClosure ?? 'followUp';
        state.closureReason = null;
        state.closureId = null;
        await c.record('closure.returned', input.actorId, {}, closureStatus('returned'));
        c.publish();
        return c.view();
      }
      await closeCase(c, input.actorId, closureStatus('approved'));
      return c.view();
    },
    {
      validator: (input) => {
        c.requireStep('closureApproval');
        if (input.decision === 'approve') requireNoSafeguardingOpen(c, c.state.closureReason ?? '');
      },
    },
  );

  c.onStep(
    checkBackUpdate,
    async (input) => {
      await c.close(c.has('closureCheckBack'));
      await c.record('closure.checkBack', input.actorId, { outcome: input.outcome });
      return c.view();
    },
    {
      validator: () => (c.has('closureCheckBack') ? undefined : reject('no check-back is due for this case')),
    },
  );
}
