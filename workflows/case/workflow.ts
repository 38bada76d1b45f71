import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  ChildWorkflowFailure,
  type ChildWorkflowHandle,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import { TemporalFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createActivities } from '../../activities';
import type { DeadlineStep, OpenDeadline, RiskLevel } from '../deadlines/types';
import { deadlineAttributes, summarizeDeadlines } from '../deadlines/operator-view';
import { calendarChangedSignal, replanForCalendarChange } from '../deadlines/calendar';
import { atDeadline, watchDeadline } from '../deadlines/watch';
import {
  issuesOf,
  withIssues,
  type CaseNotice,
  type NotificationIssue,
  type NotificationOutcome,
} from '../notifications/types';
import { onUpdate } from '../updates';
import {
  referralCancelSignal,
  referralProvinceSignal,
  referralRiskSignal,
  referralWorkflowId,
} from '../referral/definitions';
import { referralWorkflow } from '../referral/workflow';
import { leavingCareWorkflowId, protectionCaseClosedSignal } from '../leaving-care/definitions';
import { leavingCareWorkflow } from '../leaving-care/workflow';
import { CaseStepKey, ProvinceKey, RiskLevelKey } from '../search-attributes';
import {
  assessmentUpdate,
  assignmentUpdate,
  caseViewQuery,
  checkBackUpdate,
  closureApprovalUpdate,
  closureUpdate,
  concernSignal,
  emergencyUpdate,
  judicialNotificationUpdate,
  planApprovalUpdate,
  planUpdate,
  referralChangedSignal,
  referralUpdate,
  reviewUpdate,
  screeningUpdate,
  transferAcceptanceUpdate,
  transferUpdate,
  type CaseChange,
  type CaseState,
  type CaseStep,
  type CaseView,
  type CaseWorkflowInput,
  type ConcernInput,
  type PlanItem,
  type ReferralCancelReason,
  type ReferralInput,
  type ReferralSummary,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

// Case storage: PostgreSQL outages are retried without limit; each call is idempotent.
const { loadCase, openDeadline, replanDeadline, closeDeadline, recordCaseAction, keepReferral } =
  proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
// Which child a case is about (an ID only), for the one leaving-care pathway of that child.
const { leavingCareChild } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// "Case opened" and the other notices: retried through an SMTP outage like an escalation, never
// holding up the case.
const { notifyCaseOpened, notifyCase } = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const DEFAULT_MAX_HISTORY_EVENTS = 5_000;

/** Rejects an update before anything changes; the API turns this into a 409 with the reason. */
function reject(reason: string): never {
  throw ApplicationFailure.create({ type: 'StepRejected', message: reason, nonRetryable: true });
}

/** A signal to a referral workflow that has already ended: nothing to do there (false). */
function referralEnded(err: unknown): false {
  if (err instanceof TemporalFailure) return false;
  throw err;
}

/** The protection circuit for one case (protocol.md §3): screening to closure, every deadline watched. */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  // Handlers are registered before the case is loaded, so nothing sent early is rejected or lost.
  let state: CaseState;
  let loaded = false;
  const onStep: typeof onUpdate = (definition, handler, options) =>
    onUpdate(definition, handler, options, () => loaded);
  const maxEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const now = () => new Date().toISOString();
  const has = (step: DeadlineStep, subjectId?: string) =>
    state.deadlines.find((d) => d.step === step && (subjectId === undefined || d.subjectId === subjectId));
  const riskRank = (risk: RiskLevel | null) => (risk ? state.facts.riskOrder.indexOf(risk) : -1);

  // --- deadlines ---------------------------------------------------------------------------
  const watch = (deadline: OpenDeadline) => {
    void watchDeadline(
      state.caseId,
      deadline,
      () => state.deadlines.includes(deadline),
      (record) => {
        state.escalations.push(record);
        const outcome = {
          notified: record.notified,
          delivery: record.delivery ?? (record.notified ? 'sent' : 'failed'),
          fellThrough: record.fellThrough ?? [],
        } as const;
        noteIssues(issuesOf(record.step, record.level, [record.role], outcome, record.firedAt));
        publish();
      },
    );
    // Overdue turns true at the deadline itself, not when the first rung's mail has gone.
    void atDeadline(deadline, () => state.deadlines.includes(deadline), publish);
  };
  type DeadlineOptions = {
    service?: string;
    subjectId?: string;
    province?: string;
    from?: string;
    /** Screening only: the report (or concern) is urgent. */
    urgent?: boolean;
  };
  const request = (step: DeadlineStep, extra: DeadlineOptions) => {
    // The approved plan may ask for reviews more often than the protocol's interval for the risk.
    const every = step === 'review' ? state.reviewEveryDays : null;
    return {
      caseId: state.caseId,
      step,
      province: extra.province ?? state.province,
      protocolVersion: state.facts.version,
      risk: state.risk,
      urgent: extra.urgent ?? false,
      from: extra.from ?? now(),
      ...(extra.service ? { service: extra.service } : {}),
      ...(extra.subjectId ? { subjectId: extra.subjectId } : {}),
      ...(every ? { atMost: { days: every } } : {}),
    };
  };
  const open = async (step: DeadlineStep, extra: DeadlineOptions = {}) => {
    const deadline = await openDeadline(request(step, extra));
    state.deadlines.push(deadline);
    watch(deadline);
    publish();
    return deadline;
  };
  /**
   * Plans an open deadline again from its own clock (the risk changed, an urgent concern came in)
   * and moves it: the old watcher stops, a new one climbs the new ladder. Rungs already fired stay
   * fired (the moved deadline shares the fired levels) and are not sent again.
   */
  const replan = async (
    deadline: OpenDeadline,
    step: DeadlineStep,
    because: 'riskChanged' | 'urgentConcern',
    actorId: string,
    extra: DeadlineOptions & { onlyIfEarlier?: boolean } = {},
  ) => {
    const { onlyIfEarlier, ...options } = extra;
    const planned = await replanDeadline({
      ...request(step, { from: deadline.openedAt, province: deadline.province, ...options }),
      ...(deadline.subjectId ? { subjectId: deadline.subjectId } : {}),
      deadlineId: deadline.id,
      dueAt: deadline.dueAt,
      ladder: deadline.ladder,
      fired: deadline.fired,
      ...(onlyIfEarlier ? { onlyIfEarlier } : {}),
      because,
      actorId,
    });
    if (!planned || !state.deadlines.includes(deadline)) return;
    const moved: OpenDeadline = { ...deadline, ...planned, fired: deadline.fired };
    state.deadlines = state.deadlines.map((d) => (d === deadline ? moved : d));
    watch(moved);
    publish();
  };
  /**
   * A change of risk: every open deadline whose span follows the risk is planned again from its own
   * clock, here and in the running referrals (protocol.md §3 step 7).
   */
  const replanForRisk = async (actorId: string) => {
    for (const deadline of [...state.deadlines]) {
      const step = state.facts.riskDependentSteps.find((s) => s === deadline.step);
      if (step) await replan(deadline, step, 'riskChanged', actorId);
    }
    const change = { risk: state.risk ?? 'LOW', riskDependentSteps: state.facts.riskDependentSteps, actorId };
    for (const r of activeReferrals()) {
      await getExternalWorkflowHandle(referralWorkflowId(r.referralId))
        .signal(referralRiskSignal, change)
        .catch(referralEnded);
    }
  };
  /** Closes a deadline in state at once (so a racing update sees it closed), then records lateness. */
  const close = async (deadline: OpenDeadline | undefined, outcome: 'done' | 'cancelled' = 'done') => {
    if (!deadline) return;
    state.deadlines = state.deadlines.filter((d) => d !== deadline);
    state.escalations = state.escalations.filter((e) => e.deadlineId !== deadline.id);
    publish();
    const result = await closeDeadline({ caseId: state.caseId, deadlineId: deadline.id, at: now(), outcome });
    if (outcome === 'done') {
      if (result.late) state.stepsLate += 1;
      else state.stepsOnTime += 1;
    }
  };
  const record = (
    action: string,
    actorId: string,
    details: Record<string, unknown> = {},
    changes: CaseChange[] = [],
  ) => {
    // Inside a human step's update: the activity confirms the rows the API wrote for it.
    const updateId = currentUpdateInfo()?.id;
    return recordCaseAction({
      caseId: state.caseId,
      action,
      actorId,
      step: state.step,
      risk: state.risk,
      province: state.province,
      assigneeId: state.assigneeId,
      details,
      ...(updateId ? { updateId } : {}),
      ...(changes.length ? { changes } : {}),
    });
  };

  /** Mail problems stay in the case view after the step is done (the audit trail has them all). */
  const noteIssues = (issues: NotificationIssue[]) => {
    if (issues.length) state.notificationIssues = withIssues(state.notificationIssues, issues);
  };

  // --- operator view ------------------------------------------------------------------------
  let published = '';
  function publish(): void {
    const summary = summarizeDeadlines(
      state.deadlines,
      state.escalations.map((e) => e.level),
    );
    const { level, overdue, nextDue } = summary;
    const signature = JSON.stringify([state.step, state.risk, state.province, level, overdue, nextDue]);
    if (signature === published) return;
    published = signature;
    upsertSearchAttributes([
      { key: CaseStepKey, value: state.step },
      { key: RiskLevelKey, value: state.risk ?? 'UNSCREENED' },
      { key: ProvinceKey, value: state.province },
      ...deadlineAttributes(summary),
    ]);
    upsertMemo({
      summary: `${state.reference}: ${state.step}, risk ${state.risk ?? 'not screened'}, ${state.deadlines.length} open deadline(s)${level >= 0 ? `, escalated to level ${level}` : ''}`,
    });
  }
  const view = (): CaseView => ({
    caseId: state.caseId,
    reference: state.reference,
    province: state.province,
    assigneeId: state.assigneeId,
    step: state.step,
    risk: state.risk,
    protocolVersion: state.facts.version,
    openDeadlines: state.deadlines.map((d) => ({
      step: d.step,
      dueAt: d.dueAt,
      overdue: Date.parse(d.dueAt) <= Date.now(),
      escalationLevel: Math.max(-1, ...d.fired),
      ...(d.subjectId ? { subjectId: d.subjectId } : {}),
    })),
    openEscalations: state.escalations,
    referrals: state.referrals,
    transferTo: state.transfer?.toProvince ?? null,
    closureReason: state.closureReason,
    closureWithdrawn: state.closureWithdrawn ?? null,
    stepsOnTime: state.stepsOnTime,
    stepsLate: state.stepsLate,
    notificationIssues: state.notificationIssues ?? [],
  });
  const requireStep = (...steps: CaseStep[]) => {
    if (!steps.includes(state.step)) {
      reject(
        `the case is at step '${state.step}'; this action needs step ${steps.map((s) => `'${s}'`).join(' or ')}`,
      );
    }
  };
  const requireOpen = () => {
    if (state.step === 'closed') reject('the case is closed');
  };

  // --- referrals (child workflows, abandoned on continue-as-new, they report by signal) -------
  /** Referrals started by this run: a closed case ends only once they have (their cancellation recorded). */
  const referralsOfThisRun: ChildWorkflowHandle<typeof referralWorkflow>[] = [];
  /** A referral's row is written with the step that sends it (`referralsRequested`), then its workflow starts. */
  const refer = async (item: ReferralInput & { referralId: string }) => {
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
    referralsOfThisRun.push(child);
  };
  /**
   * The screening clock starts when the report was received (which a handler may record after the
   * fact), never later than now (a clock running a little ahead on the API's side).
   */
  const screeningFrom = (receivedAt: string | null | undefined): { from?: string } => {
    if (!receivedAt) return {};
    return { from: Date.parse(receivedAt) < Date.now() ? receivedAt : now() };
  };
  const activeReferrals = () =>
    state.referrals.filter((r) => !['declined', 'completed', 'cancelled'].includes(r.status));
  /** The live referral a new one would duplicate: same plan item, else same service and partner. */
  const liveReferralFor = (item: { planItemId?: string; serviceType: string; partnerId: string }) =>
    activeReferrals().find((r) =>
      item.planItemId
        ? r.planItemId === item.planItemId
        : r.serviceType === item.serviceType && r.partnerId === item.partnerId,
    );
  /**
   * Cancels a running referral (the case closes, a plan revision drops its item): its workflow
   * records the cancellation, closes its deadlines and ends. One that has just ended on its own is
   * left as it is: its last change is on its way to the case.
   */
  const cancelReferral = async (r: ReferralSummary, actorId: string, reason: ReferralCancelReason) => {
    const signalled = await getExternalWorkflowHandle(referralWorkflowId(r.referralId))
      .signal(referralCancelSignal, { actorId, reason })
      .then(
        () => true,
        (err: unknown) => referralEnded(err),
      );
    if (!signalled) return;
    r.status = 'cancelled';
    r.cancelReason = reason;
  };
  /**
   * A revised plan, approved: a running referral whose service and partner the plan keeps goes on
   * (now carrying out the new item), one whose item the plan drops is cancelled; the new items are
   * returned to be referred (protocol.md §3 step 6: one referral per service of the plan).
   */
  const revisePlanReferrals = async (items: PlanItem[], actorId: string) => {
    const remaining = [...items];
    for (const r of activeReferrals()) {
      const i = remaining.findIndex((it) => it.serviceType === r.serviceType && it.partnerId === r.partnerId);
      const item = remaining[i];
      if (item) {
        remaining.splice(i, 1);
        if (r.planItemId === item.planItemId) continue;
        r.planItemId = item.planItemId;
        await keepReferral({
          caseId: state.caseId,
          referralId: r.referralId,
          planItemId: item.planItemId,
          actorId,
        });
      } else if (r.planItemId) {
        await cancelReferral(r, actorId, 'planRevised');
      }
    }
    return remaining.map((item) => ({ ...item, referralId: uuid4() }));
  };

  // --- closure (protocol.md §3 step 8) ---------------------------------------------------------
  const closureRule = (reason: string) => {
    const rule = Object.prototype.hasOwnProperty.call(state.facts.closure.reasons, reason)
      ? state.facts.closure.reasons[reason]
      : undefined;
    return rule ?? reject(`reason: unknown closure reason '${reason}'`);
  };
  /** Never closed over an open safeguarding step, except the ones the reason itself ends. */
  const requireNoSafeguardingOpen = (reason: string) => {
    const { notBlockedBy } = closureRule(reason);
    const pending = state.deadlines.find(
      (d) =>
        state.facts.closure.blockedBy.some((s) => s === d.step) && !notBlockedBy.some((s) => s === d.step),
    );
    if (pending) {
      reject(
        `the ${pending.step} step is still open (due ${pending.dueAt}): a case is not closed before it is done`,
      );
    }
  };
  /** A new concern while the supervisor decides on a closure: the request is withdrawn, recorded. */
  const withdrawClosure = async (concern: ConcernInput) => {
    const reason = state.closureReason ?? '';
    const closureId = state.closureId ?? null;
    // Screened first, then the case resumes where it was (a first screening still leads to assessment).
    state.resumeStep = state.stepBeforeClosure === 'screening' ? null : state.stepBeforeClosure;
    state.step = 'screening';
    state.stepBeforeClosure = null;
    state.closureReason = null;
    state.closureId = null;
    state.closureWithdrawn = { reason, reportId: concern.reportId, at: now() };
    await close(has('closureApproval'), 'cancelled');
    await record(
      'closure.withdrawn',
      'system',
      { reason, reportId: concern.reportId },
      closureId
        ? [{ kind: 'closureStatus', closureId, status: 'withdrawn', reportId: concern.reportId }]
        : [],
    );
    return {
      kind: 'closureWithdrawn',
      caseId: state.caseId,
      closureId: closureId ?? '',
      reportId: concern.reportId,
      reason,
      concernReceivedAt: concern.receivedAt ?? now(),
    } as const;
  };

  // --- concerns -------------------------------------------------------------------------------
  /**
   * A new concern is screened on its own clock, from its receipt, urgent or not (urgency belongs
   * to each report); an urgent one arriving while a normal screening is pending moves that
   * screening earlier.
   */
  const screenConcern = async (concern: ConcernInput) => {
    const from = screeningFrom(concern.receivedAt);
    const pending = has('screening');
    if (!pending) {
      await open('screening', { ...from, urgent: concern.urgent });
    } else if (concern.urgent) {
      await replan(pending, 'screening', 'urgentConcern', 'system', {
        ...from,
        urgent: true,
        onlyIfEarlier: true,
      });
    }
  };

  /** Tells the people an event concerns, once (outbox); a failure is shown on the case. */
  const notice = async (about: CaseNotice, roles: NotificationIssue['roles']) => {
    const outcome = await notifyCase(about).catch((err: unknown): NotificationOutcome => {
      if (!(err instanceof ActivityFailure)) throw err;
      return { notified: false, delivery: 'failed', fellThrough: [] };
    });
    noteIssues(issuesOf(about.kind, null, roles, outcome, now()));
  };

  // --- leaving care (protocol.md §4): a placement enrols the child, one pathway per child ------
  const enrolInLeavingCare = async (trigger: 'placement' | 'turned18', actorId: string) => {
    const { childId } = await leavingCareChild({ caseId: state.caseId });
    const workflowId = leavingCareWorkflowId(childId);
    if (trigger === 'turned18') {
      // A running pathway takes the young person over; otherwise one is started (it records why
      // not, for someone already past the exit age).
      const running = await getExternalWorkflowHandle(workflowId)
        .signal(protectionCaseClosedSignal, { caseId: state.caseId, reason: state.closureReason ?? '' })
        .then(
          () => true,
          () => false,
        );
      if (running) return record('leavingCare.handedOver', actorId);
    }
    try {
      await startChild(leavingCareWorkflow, {
        workflowId,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `leaving care for a child of ${state.reference}`,
        args: [{ childId, caseId: state.caseId, trigger, actorId }],
      });
      await record('leavingCare.enrolment', actorId, { trigger, outcome: 'started' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await record('leavingCare.enrolment', actorId, { trigger, outcome: 'alreadyEnrolled' });
    }
  };

  // --- steps -------------------------------------------------------------------------------
  setHandler(caseViewQuery, () => {
    if (!loaded) throw new Error('the case is still opening; ask again in a moment');
    return view();
  });

  onStep(
    screeningUpdate,
    async (input) => {
      // Where the case is in the circuit (behind a closure awaiting approval, the step it was at).
      const awaitingClosure = state.step === 'closureApproval';
      let at = awaitingClosure ? (state.stepBeforeClosure ?? 'followUp') : state.step;
      // A first screening moves the case on to assessment; a case screened again after a withdrawn
      // closure resumes the step it was at; any other re-screening leaves the step as it is.
      const first = at === 'screening' && !state.resumeStep;
      const previousRisk = state.risk;
      await close(has('screening'));
      state.risk = input.risk;
      state.categories = [...new Set([...state.categories, ...input.categories])];
      if (at === 'screening') at = state.resumeStep ?? 'assessment';
      state.resumeStep = null;
      const riskRose = !first && riskRank(input.risk) < riskRank(previousRisk);
      if (riskRose && ['followUp', 'planDraft', 'planApproval'].includes(at)) {
        await close(has('review'), 'cancelled');
        await close(has('planDraft'), 'cancelled');
        await close(has('planApproval'), 'cancelled');
        at = 'assessment';
      }
      if (awaitingClosure) state.stepBeforeClosure = at;
      else state.step = at;
      if (!first && input.risk !== previousRisk) await replanForRisk(input.actorId);
      await record('screening', input.actorId, {
        screeningId: input.screeningId,
        categories: input.categories,
      });
      const needsEmergency =
        state.facts.emergencyRisks.includes(input.risk) ||
        (input.immediateNeeds && state.facts.emergencyWhenImmediateNeeds.includes(input.risk));
      if (needsEmergency && !has('emergency')) await open('emergency');
      const needsJudicial = input.categories.some(
        (c) =>
          state.facts.judicialNotificationCategories.includes(c) ||
          (input.injury === true && state.facts.judicialNotificationIfInjured.includes(c)),
      );
      if (needsJudicial && !has('judicialNotification')) await open('judicialNotification');
      if (at === 'assessment' && !has('assessment')) await open('assessment');
      return view();
    },
    {
      validator: (input) => {
        requireOpen();
        if (!has('screening')) reject('there is no report waiting to be screened');
        if (!state.facts.riskOrder.includes(input.risk)) reject(`unknown risk level '${input.risk}'`);
      },
    },
  );

  onStep(
    emergencyUpdate,
    async (input) => {
      await close(has('emergency'));
      await record('emergency', input.actorId, { measures: input.measures });
      return view();
    },
    {
      validator: (input) => {
        requireOpen();
        if (!has('emergency')) reject('no emergency protection is pending for this case');
        if (input.measures.length === 0) reject('measures: at least one emergency measure is required');
      },
    },
  );

  onStep(
    judicialNotificationUpdate,
    async (input) => {
      if (input.status === 'acknowledged') await close(has('judicialNotification'));
      await record(`judicialNotification.${input.status}`, input.actorId);
      return view();
    },
    {
      validator: () => {
        requireOpen();
        if (!has('judicialNotification')) reject('no judicial notification is pending for this case');
      },
    },
  );

  onStep(
    assessmentUpdate,
    async (input) => {
      state.step = 'planDraft';
      await close(has('assessment'));
      if (input.risk && input.risk !== state.risk) {
        state.risk = input.risk;
        await replanForRisk(input.actorId);
      }
      await record('assessment', input.actorId, { assessmentId: input.assessmentId });
      await open('planDraft');
      return view();
    },
    {
      validator: (input) => {
        requireStep('assessment');
        if (input.risk && !state.facts.riskOrder.includes(input.risk))
          reject(`unknown risk level '${input.risk}'`);
      },
    },
  );

  onStep(
    planUpdate,
    async (input) => {
      state.step = 'planApproval';
      state.planId = input.planId;
      state.planItems = input.items;
      state.planReviewEveryDays = input.reviewFrequencyDays ?? null;
      await close(has('planDraft'));
      await record('plan.submitted', input.actorId, { planId: input.planId, items: input.items.length });
      await open('planApproval');
      return view();
    },
    {
      validator: (input) => {
        requireStep('planDraft');
        if (input.items.length === 0) reject('items: a plan needs at least one service');
        const unknown = input.items.find((i) => !state.facts.serviceTypes.includes(i.serviceType));
        if (unknown) reject(`items: unknown service type '${unknown.serviceType}'`);
      },
    },
  );
  onStep(
    planApprovalUpdate,
    async (input) => {
      await close(has('planApproval'));
      if (input.decision === 'return') {
        state.step = 'planDraft';
        await record('plan.returned', input.actorId, { planId: state.planId });
        await open('planDraft');
        return view();
      }
      state.step = 'followUp';
      state.reviewEveryDays = state.planReviewEveryDays ?? null;
      const referrals = await revisePlanReferrals(state.planItems, input.actorId);
      await record('plan.approved', input.actorId, { planId: state.planId }, [
        { kind: 'referralsRequested', referrals },
      ]);
      for (const item of referrals) await refer({ ...item, actorId: input.actorId });
      state.planItems = [];
      await open('review');
      return view();
    },
    { validator: () => requireStep('planApproval') },
  );

  onStep(
    referralUpdate,
    async (input) => {
      const reassignment = input.replaces ? has('referralReassignment', input.replaces) : undefined;
      await close(reassignment);
      // The API names it (so a retried request is the same referral and its answer names the row).
      const referralId = input.referralId ?? uuid4();
      const row = {
        referralId,
        serviceType: input.serviceType,
        partnerId: input.partnerId,
        ...(input.planItemId ? { planItemId: input.planItemId } : {}),
      };
      await record(
        'referral.requested',
        input.actorId,
        { referralId, serviceType: input.serviceType, replaces: input.replaces },
        [{ kind: 'referralsRequested', referrals: [row] }],
      );
      await refer({ ...input, referralId });
      return view();
    },
    {
      validator: (input) => {
        requireStep('followUp', 'planApproval', 'planDraft', 'assessment');
        if (!state.facts.serviceTypes.includes(input.serviceType)) {
          reject(`serviceType: unknown service type '${input.serviceType}'`);
        }
        if (input.replaces && !has('referralReassignment', input.replaces)) {
          reject(`referral ${input.replaces} is not waiting to be re-referred`);
        }
        const live = liveReferralFor(input);
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

  onStep(
    reviewUpdate,
    async (input) => {
      const rose = riskRank(input.risk) < riskRank(state.risk);
      const changed = input.risk !== state.risk;
      await close(has('review'));
      state.risk = input.risk;
      if (changed) await replanForRisk(input.actorId);
      await record('review', input.actorId, { reviewId: input.reviewId, decision: input.decision });
      if (input.decision === 'reassess' || rose) {
        state.step = 'assessment';
        await open('assessment');
      } else if (input.decision === 'revisePlan') {
        state.step = 'planDraft';
        await open('planDraft');
      } else {
        await open('review');
      }
      return view();
    },
    {
      validator: (input) => {
        requireStep('followUp');
        if (!state.facts.riskOrder.includes(input.risk)) reject(`risk: unknown risk level '${input.risk}'`);
        // protocol.md §3 step 7: a change of risk sends the case back to assessment or plan revision.
        if (input.decision === 'continue' && input.risk !== state.risk) {
          reject(
            `decision: the risk changes (${state.risk ?? 'none'} → ${input.risk}), so the case goes back to assessment or plan revision: decide 'reassess' or 'revisePlan', not 'continue'`,
          );
        }
      },
    },
  );

  onStep(
    assignmentUpdate,
    async (input) => {
      // Deadlines are deliberately untouched: reassignment never resets the clock.
      state.assigneeId = input.assigneeId;
      await record('assignment', input.actorId, { assigneeId: input.assigneeId });
      publish();
      return view();
    },
    { validator: () => requireOpen() },
  );

  onStep(
    transferUpdate,
    async (input) => {
      const transferId = uuid4();
      const transfer = { transferId, fromProvince: state.province, toProvince: input.toProvince };
      await record('transfer.requested', input.actorId, { toProvince: input.toProvince, transferId }, [
        { kind: 'transferRequested', transferId, toProvince: input.toProvince },
      ]);
      // The acceptance deadline is about the transfer (its subject) and climbs the receiving
      // province's ladder, from its supervisors up.
      const deadline = await open('transferAcceptance', {
        province: input.toProvince,
        subjectId: transferId,
      });
      state.transfer = { transferId, toProvince: input.toProvince, deadlineId: deadline.id };
      // The receiving province's supervisors are told now, not only when the deadline passes.
      await notice({ kind: 'transferRequested', caseId: state.caseId, ...transfer, dueAt: deadline.dueAt }, [
        'supervisor',
      ]);
      return view();
    },
    {
      validator: (input) => {
        requireOpen();
        if (state.transfer) reject(`a transfer to ${state.transfer.toProvince} is already pending`);
        if (input.toProvince === state.province) reject('toProvince: the case is already in this province');
      },
    },
  );

  onStep(
    transferAcceptanceUpdate,
    async (input) => {
      const transfer = state.transfer;
      if (!transfer) return view();
      state.transfer = null;
      await close(state.deadlines.find((d) => d.id === transfer.deadlineId));
      if (input.accept) {
        state.province = transfer.toProvince;
        state.assigneeId = null;
        // Open deadlines keep their instants but now climb the receiving province's ladder.
        for (const d of state.deadlines) d.province = transfer.toProvince;
      }
      await record(
        input.accept ? 'transfer.accepted' : 'transfer.refused',
        input.actorId,
        { toProvince: transfer.toProvince, transferId: transfer.transferId },
        [
          {
            kind: 'transferDecided',
            transferId: transfer.transferId,
            accepted: input.accept,
            deadlineIds: state.deadlines.map((d) => d.id),
          },
        ],
      );
      // So do the running referrals' deadlines (a late partner is the receiving coordinator's).
      if (input.accept) {
        for (const r of activeReferrals()) {
          await getExternalWorkflowHandle(referralWorkflowId(r.referralId))
            .signal(referralProvinceSignal, { province: state.province })
            .catch(referralEnded);
        }
      }
      publish();
      return view();
    },
    { validator: () => (state.transfer ? undefined : reject('no transfer is pending for this case')) },
  );

  onStep(
    closureUpdate,
    async (input) => {
      state.stepBeforeClosure = state.step;
      state.step = 'closureApproval';
      state.closureReason = input.reason;
      state.closureId = input.closureId ?? null;
      await record('closure.requested', input.actorId, {
        reason: input.reason,
        ...(input.closureId ? { closureId: input.closureId } : {}),
      });
      await open('closureApproval');
      return view();
    },
    {
      validator: (input) => {
        requireOpen();
        if (state.step === 'closureApproval')
          reject('a closure request is already waiting for the supervisor');
        const rule = closureRule(input.reason);
        if (!rule.fromSteps.includes(state.step)) {
          reject(
            `reason: a case at step '${state.step}' cannot be closed as '${input.reason}' (only from ${rule.fromSteps.map((s) => `'${s}'`).join(', ')})`,
          );
        }
        requireNoSafeguardingOpen(input.reason);
      },
    },
  );

  onStep(
    closureApprovalUpdate,
    async (input) => {
      await close(has('closureApproval'));
      const reason = state.closureReason ?? '';
      const closureId = state.closureId ?? null;
      const closureStatus = (status: 'approved' | 'returned'): CaseChange[] =>
        closureId ? [{ kind: 'closureStatus', closureId, status }] : [];
      if (input.decision === 'return') {
        state.step = state.stepBeforeClosure ?? 'followUp';
        state.closureReason = null;
        state.closureId = null;
        await record('closure.returned', input.actorId, {}, closureStatus('returned'));
        publish();
        return view();
      }
      state.step = 'closed';
      for (const d of [...state.deadlines]) await close(d, 'cancelled');
      const cancelled: ReferralSummary[] = [];
      for (const r of activeReferrals()) {
        await cancelReferral(r, input.actorId, 'caseClosed');
        if (r.status === 'cancelled') cancelled.push(r);
      }
      const pendingTransfer = state.transfer;
      state.transfer = null;
      await record('closure.approved', input.actorId, { reason }, [
        ...closureStatus('approved'),
        ...(cancelled.length
          ? [{ kind: 'referralsCancelled' as const, referralIds: cancelled.map((r) => r.referralId) }]
          : []),
        ...(pendingTransfer
          ? [{ kind: 'transferCancelled' as const, transferId: pendingTransfer.transferId }]
          : []),
      ]);
      // Facts pinned before leaving care existed lack these lists: such cases hand over nothing.
      const handOver = state.facts.leavingCareHandOver ?? [];
      if (handOver.includes(reason)) {
        await enrolInLeavingCare('turned18', input.actorId);
      }
      // The check-back follows a closure whose child is still reachable, for the risks it is for.
      const checkBack = state.facts.closure.reasons[reason]?.checkBack ?? false;
      if (checkBack && state.risk && state.facts.checkBackRisks.includes(state.risk)) {
        await open('closureCheckBack');
      }
      return view();
    },
    {
      validator: (input) => {
        requireStep('closureApproval');
        if (input.decision === 'approve') requireNoSafeguardingOpen(state.closureReason ?? '');
      },
    },
  );

  onStep(
    checkBackUpdate,
    async (input) => {
      await close(has('closureCheckBack'));
      await record('closure.checkBack', input.actorId, { outcome: input.outcome });
      return view();
    },
    { validator: () => (has('closureCheckBack') ? undefined : reject('no check-back is due for this case')) },
  );

  setHandler(concernSignal, async (concern) => {
    await condition(() => loaded);
    state.concerns += 1;
    if (state.step === 'closed') return;
    if (state.step !== 'closureApproval') return screenConcern(concern);
    // protocol.md §3 step 8: a new concern withdraws a pending closure; the supervisor is told.
    const withdrawal = await withdrawClosure(concern);
    await screenConcern(concern);
    await notice(withdrawal, ['supervisor']);
  });

  // The holiday calendar changed: every open deadline it touches moves (issue 16).
  setHandler(calendarChangedSignal, async (change) => {
    await condition(() => loaded);
    await replanForCalendarChange(
      state.caseId,
      change,
      () => state.deadlines,
      (before, moved) => {
        state.deadlines = state.deadlines.map((d) => (d === before ? moved : d));
        watch(moved);
        publish();
      },
    );
  });

  setHandler(referralChangedSignal, async (change) => {
    await condition(() => loaded);
    const referral = state.referrals.find((r) => r.referralId === change.referralId);
    if (!referral || referral.status === 'cancelled') return;
    referral.status = change.status;
    if (change.declineReason) referral.declineReason = change.declineReason;
    // A decline puts the handler on the clock to refer the child elsewhere.
    if (change.status === 'declined' && state.step !== 'closed') {
      await open('referralReassignment', { subjectId: change.referralId, service: referral.serviceType });
    }
    const placements = state.facts.placementServices ?? [];
    if (change.status === 'started' && placements.includes(referral.serviceType)) {
      await enrolInLeavingCare('placement', 'system');
    }
  });

  // --- life ---------------------------------------------------------------------------------
  state = input.carried ?? (await loadCase({ caseId: input.caseId }));
  // Steps sent right after the case opens wait until it is fully open (its screening deadline
  // exists): `loaded` turns true below.
  let openingNotice: Promise<void> = Promise.resolve();
  if (!input.carried) {
    await record('case.opened', 'system');
    // Not awaited: the screening clock starts now whatever the mail server is doing.
    openingNotice = notifyCaseOpened({ caseId: state.caseId }).then(
      (outcome) => noteIssues(issuesOf('caseOpened', null, ['supervisor', 'handler'], outcome, now())),
      () =>
        noteIssues([
          {
            about: 'caseOpened',
            level: null,
            problem: 'failed',
            roles: ['supervisor', 'handler'],
            at: now(),
          },
        ]),
    );
    await open('screening', { ...screeningFrom(state.reportReceivedAt), urgent: state.urgent });
  }
  loaded = true;
  for (const deadline of input.carried?.deadlines ?? []) watch(deadline);
  publish();

  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxEvents;
  const finished = () => state.step === 'closed' && state.deadlines.length === 0;
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
      for (const child of referralsOfThisRun) {
        await child.result().catch((err: unknown) => {
          // A referral that failed is shown failed in Temporal; the case only waits for it to end.
          if (!(err instanceof ChildWorkflowFailure)) throw err;
        });
      }
      return view();
    }
    // Only a really long history continues as new (a closure opening the check-back looks
    // finished for a moment, and that is no reason to).
    if (historyTooLong()) {
      return await continueAsNew<typeof caseWorkflow>({ ...input, carried: state });
    }
  }
}
