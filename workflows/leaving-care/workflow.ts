import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { LeavingCareStep, OpenDeadline } from '../deadlines/types';
import { DeadlineKeeper, type CloseOutcome } from '../deadlines/keeper';
import { ProvinceKey } from '../search-attributes';
import { onUpdate } from '../updates';
import {
  accompanimentUpdate,
  birthDateRectifiedUpdate,
  exitPlanUpdate,
  integrationOutcomeUpdate,
  leavingCareViewQuery,
  mediatorAssignmentUpdate,
  mediatorContactUpdate,
  programmeReviewUpdate,
  programmeUpdate,
  protectionCaseClosedSignal,
  type AxisStatus,
  type LeavingCarePhase,
  type LeavingCareState,
  type LeavingCareView,
  type LeavingCareWorkflowInput,
  type Milestones,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

// Pathway storage: PostgreSQL outages are retried without limit; each call is idempotent. A
// non-retryable failure is a rejection only the database can make (e.g. not an active mediator).
const {
  openPathway,
  openPathwayDeadline,
  recordPathwayEvent,
  assignMediator,
  recordProgrammeReview,
  recordExitPlan,
  recordMediatorContact,
  setAccompaniment,
  recordIntegrationOutcome,
  replanPathway,
} = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const DEFAULT_MAX_HISTORY_EVENTS = 5_000;

function reject(reason: string): never {
  throw ApplicationFailure.create({ type: 'StepRejected', message: reason, nonRetryable: true });
}

/** Turns a database-side rejection into the update's own rejection (same reason, nothing changed). */
async function checked<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
      reject(err.cause.message);
    }
    throw err;
  }
}

/**
 * The leaving-care pathway of one child (protocol.md §4): from the 15th birthday, an autonomy
 * assessment and a five-axis programme reviewed every 3 months; an exit plan 6 months before 18;
 * exit at 18; a mediator's monthly contact for 12 months; then the outcome per axis. Every step's
 * deadline climbs the protocol's leaving-care ladder.
 *
 * The workflow carries the milestone instants its timers need, computed by an activity from the
 * date of birth. It never carries a name or the date of birth itself, but the birthdays among the
 * milestones reveal that date (see `Milestones`).
 */
export async function leavingCareWorkflow(input: LeavingCareWorkflowInput): Promise<LeavingCareView> {
  // Handlers are registered before the pathway is loaded, so nothing sent early is rejected or lost.
  let state: LeavingCareState;
  let loaded = false;
  const onStep: typeof onUpdate = (definition, handler, options) =>
    onUpdate(definition, handler, options, () => loaded);
  const maxEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const now = () => new Date().toISOString();
  const has = (step: LeavingCareStep) => deadlines.find(step);
  const milestones = (): Milestones => {
    if (!state.milestones) throw new Error('the child is not enrolled');
    return state.milestones;
  };
  const ref = (actorId: string) => {
    // Inside a human step's update: the activity confirms the rows the API wrote for it.
    const updateId = currentUpdateInfo()?.id;
    return {
      pathwayId: state.pathwayId,
      caseId: state.caseId,
      actorId,
      at: now(),
      ...(updateId ? { updateId } : {}),
    };
  };
  // Bumped when the accompaniment is lengthened or shortened, so a pending wait re-reads the plan.
  let planRevision = 0;

  // --- deadlines ---------------------------------------------------------------------------
  type Due = { from: string; dueAt?: string };
  const deadlines = new DeadlineKeeper<LeavingCareStep, Due>({
    book: () => state,
    plan: (step, due) =>
      openPathwayDeadline({
        pathwayId: state.pathwayId,
        caseId: state.caseId,
        province: state.province,
        protocolVersion: state.facts.protocolVersion,
        step,
        from: due?.from ?? now(),
        ...(due?.dueAt ? { dueAt: due.dueAt } : {}),
        ...(state.mediatorId ? { assignee: { role: 'mediator' as const, staffId: state.mediatorId } } : {}),
      }),
    operatorView: ({ level }) => ({
      key: [state.phase, state.province],
      attributes: [{ key: ProvinceKey, value: state.province }],
      memo: `leaving care ${state.pathwayId}: ${state.phase}, ${state.deadlines.length} open deadline(s)${level >= 0 ? `, escalated to level ${level}` : ''}`,
    }),
  });
  const open = async (step: LeavingCareStep, from: string, dueAt?: string) => {
    await deadlines.openDeadline(step, { from, ...(dueAt ? { dueAt } : {}) });
  };
  const close = (deadline: OpenDeadline | undefined, outcome: CloseOutcome = 'done') =>
    deadlines.close(deadline, outcome);
  /** What a stage leaves open when the next begins: overdue steps were missed, the others are superseded. */
  const closeLeftOpen = async (...steps: LeavingCareStep[]) => {
    for (const d of deadlines.open.filter((open) => (steps as string[]).includes(open.step))) {
      await close(d, Date.parse(d.dueAt) <= Date.now() ? 'missed' : 'cancelled');
    }
  };
  const publish = () => deadlines.publish();
  const enter = (phase: LeavingCarePhase, since: string) => {
    state.phase = phase;
    state.phaseSince = since;
    publish();
  };

  // --- operator view ------------------------------------------------------------------------
  const view = (): LeavingCareView => ({
    pathwayId: state.pathwayId,
    childId: state.childId,
    caseId: state.caseId,
    province: state.province,
    phase: state.phase,
    phaseSince: state.phaseSince,
    notEnrolledReason: state.notEnrolledReason,
    mediatorId: state.mediatorId,
    protocolVersion: state.facts.protocolVersion,
    milestones: state.milestones,
    accompanimentMonths: state.accompanimentMonths,
    programmeAt: state.programmeAt,
    reviews: state.reviews,
    exitPlanAt: state.exitPlanAt,
    contacts: state.contacts,
    handedOverBy: state.handedOverBy,
    openDeadlines: state.deadlines.map((d) => {
      const month = d.step === 'mediatorContact' ? milestones().contactDueAt.indexOf(d.dueAt) + 1 : 0;
      return {
        step: d.step,
        dueAt: d.dueAt,
        overdue: Date.parse(d.dueAt) <= Date.now(),
        escalationLevel: Math.max(-1, ...d.fired),
        ...(month > 0 ? { month } : {}),
      };
    }),
    openEscalations: state.escalations,
    stepsOnTime: state.stepsOnTime,
    stepsLate: state.stepsLate,
    stepsMissed: state.stepsMissed,
  });

  // --- validation ---------------------------------------------------------------------------
  const requirePhase = (...phases: LeavingCarePhase[]) => {
    if (!phases.includes(state.phase)) {
      reject(
        `the pathway is in phase '${state.phase}'; this action needs ${phases.map((p) => `'${p}'`).join(' or ')}`,
      );
    }
  };
  /** Exactly one entry per code of `known`, each with a value from `values`. */
  const requireEach = (field: string, entries: [string, string][], known: string[], values: string[]) => {
    const seen = new Set<string>();
    for (const [code, value] of entries) {
      if (!known.includes(code)) reject(`${field}: unknown code '${code}' (expected ${known.join(', ')})`);
      if (seen.has(code)) reject(`${field}: '${code}' is given twice`);
      if (!values.includes(value))
        reject(`${field}: '${code}' has unknown value '${value}' (expected ${values.join(', ')})`);
      seen.add(code);
    }
    const missing = known.filter((c) => !seen.has(c));
    if (missing.length > 0) reject(`${field}: missing ${missing.join(', ')}`);
  };
  const requireAxes = (axes: AxisStatus[]) =>
    requireEach(
      'axes',
      axes.map((a) => [a.axis, a.status]),
      state.facts.axes,
      state.facts.progressStatuses,
    );

  // --- human steps --------------------------------------------------------------------------
  setHandler(leavingCareViewQuery, () => {
    if (!loaded) throw new Error('the pathway is still opening; ask again in a moment');
    return view();
  });

  onStep(
    mediatorAssignmentUpdate,
    async (update) => {
      await checked(assignMediator({ ...ref(update.actorId), mediatorId: update.mediatorId }));
      state.mediatorId = update.mediatorId;
      // Open steps now remind the new mediator; their instants do not move.
      for (const d of state.deadlines) d.assignee = { role: 'mediator', staffId: update.mediatorId };
      return view();
    },
    {
      validator: (update) => {
        requirePhase('waiting', 'preparation', 'accompaniment', 'outcome');
        if (!update.mediatorId) reject('mediatorId: required');
      },
    },
  );

  onStep(
    programmeUpdate,
    async (update) => {
      const recorded = ref(update.actorId);
      await checked(
        recordProgrammeReview({
          ...recorded,
          reviewId: update.reviewId ?? uuid4(),
          kind: 'assessment',
          axes: update.axes,
        }),
      );
      // The assessment's instant as the database has it.
      state.programmeAt = recorded.at;
      await close(has('programme'));
      if (state.phase === 'preparation') await open('programmeReview', state.programmeAt);
      return view();
    },
    {
      validator: (update) => {
        requirePhase('preparation');
        if (state.programmeAt) reject('the programme is already set; record a review instead');
        requireAxes(update.axes);
        // The objectives themselves are written by the API in the transaction waiting on this update.
        const without = update.axes.filter((a) => !((a.objectives ?? 0) > 0)).map((a) => a.axis);
        if (without.length > 0) reject(`axes: no objective recorded yet for ${without.sort().join(', ')}`);
      },
    },
  );

  onStep(
    programmeReviewUpdate,
    async (update) => {
      await recordProgrammeReview({
        ...ref(update.actorId),
        reviewId: update.reviewId ?? uuid4(),
        kind: 'review',
        axes: update.axes,
      });
      state.reviews += 1;
      await close(has('programmeReview'));
      if (state.phase === 'preparation') await open('programmeReview', now());
      return view();
    },
    {
      validator: (update) => {
        requirePhase('preparation');
        if (!state.programmeAt) reject('the programme is not set yet: record the autonomy assessment first');
        requireAxes(update.axes);
      },
    },
  );

  onStep(
    exitPlanUpdate,
    async (update) => {
      const recorded = ref(update.actorId);
      await recordExitPlan({ ...recorded, items: update.items, mediatorId: state.mediatorId ?? '' });
      state.exitPlanAt = recorded.at;
      await close(has('exitPlan'));
      return view();
    },
    {
      validator: (update) => {
        requirePhase('preparation');
        if (!state.programmeAt) reject('the programme is not set yet: record the autonomy assessment first');
        if (state.exitPlanAt) reject('the exit plan is already recorded');
        if (!state.mediatorId) reject('mediatorId: assign a mediator before recording the exit plan');
        requireEach(
          'items',
          update.items.map((i) => [i.item, i.status]),
          state.facts.exitPlanItems,
          state.facts.progressStatuses,
        );
      },
    },
  );

  onStep(
    mediatorContactUpdate,
    async (update) => {
      // The contact counts for the month it falls in, and brings any earlier missed month up to date.
      const month = Math.max(1, state.contactPeriods);
      await recordMediatorContact({ ...ref(update.actorId), contactId: uuid4(), month });
      state.contacts += 1;
      for (const d of deadlines.open.filter((open) => open.step === 'mediatorContact')) await close(d);
      return view();
    },
    {
      validator: () => {
        if (state.phase !== 'accompaniment' && !has('mediatorContact')) {
          reject(
            `the pathway is in phase '${state.phase}'; contacts are recorded during accompaniment, after exit`,
          );
        }
      },
    },
  );

  onStep(
    accompanimentUpdate,
    async (update) => {
      const plan = await setAccompaniment({ ...ref(update.actorId), months: update.months });
      state.accompanimentMonths = update.months;
      state.milestones = { ...milestones(), ...plan };
      planRevision += 1;
      return view();
    },
    {
      validator: (update) => {
        requirePhase('waiting', 'preparation', 'accompaniment');
        const max = state.facts.accompanimentMaxMonths;
        if (!Number.isInteger(update.months) || update.months < 1 || update.months > max) {
          reject(`months: expected a whole number from 1 to ${max}`);
        }
        if (update.months < state.contactPeriods) {
          reject(`months: ${state.contactPeriods} months of accompaniment have already begun`);
        }
      },
    },
  );

  onStep(
    integrationOutcomeUpdate,
    async (update) => {
      const recorded = ref(update.actorId);
      await recordIntegrationOutcome({ ...recorded, outcomes: update.outcomes });
      await close(has('integrationOutcome'));
      await closeLeftOpen('mediatorContact');
      // The instant the database has for the completion.
      enter('completed', recorded.at);
      return view();
    },
    {
      validator: (update) => {
        requirePhase('outcome');
        requireEach(
          'outcomes',
          update.outcomes.map((o) => [o.axis, o.outcome]),
          state.facts.axes,
          state.facts.outcomes,
        );
      },
    },
  );

  onStep(
    birthDateRectifiedUpdate,
    async (update) => {
      const result = await replanPathway({ ...ref(update.actorId), phase: state.phase });
      if (!result.replanned) return view();
      const before = milestones();
      // Preparation already begun keeps its instant; the exit and what depends on it move.
      state.milestones = {
        ...result.milestones,
        ...(state.phase === 'waiting' ? {} : { preparationAt: before.preparationAt }),
      };
      const exitPlan = has('exitPlan');
      if (exitPlan && exitPlan.dueAt !== result.milestones.exitPlanDueAt) {
        await close(exitPlan, 'cancelled');
        await open('exitPlan', exitPlan.openedAt, result.milestones.exitPlanDueAt);
      }
      // A pending wait (the 15th or the 18th birthday) re-reads the plan.
      planRevision += 1;
      return view();
    },
    {
      validator: () => {
        requirePhase('waiting', 'preparation');
        if (!state.milestones) reject('the child is not enrolled');
      },
    },
  );

  deadlines.followCalendar(() => loaded); // a holiday announced: open deadlines move

  setHandler(protectionCaseClosedSignal, async (closed) => {
    await condition(() => loaded);
    state.handedOverBy = closed.caseId;
    await recordPathwayEvent({
      ...ref('system'),
      action: 'leavingCare.handedOver',
      handedOverBy: closed.caseId,
      details: { fromCase: closed.caseId, reason: closed.reason },
    });
  });

  // --- the stages -------------------------------------------------------------------------
  // Each stage opens its deadlines before the phase changes, so an update can never reach a step
  // whose deadline is not open yet; leaving a stage changes the phase first, then closes.
  async function beginPreparation(): Promise<void> {
    const m = milestones();
    await recordPathwayEvent({
      ...ref('system'),
      action: 'leavingCare.preparation',
      phase: 'preparation',
      since: m.preparationAt,
    });
    await open('programme', m.preparationAt);
    await open('exitPlan', m.preparationAt, m.exitPlanDueAt);
    enter('preparation', m.preparationAt);
  }
  async function leaveCare(): Promise<void> {
    const m = milestones();
    enter('accompaniment', m.exitAt);
    await closeLeftOpen('programme', 'programmeReview', 'exitPlan');
    await recordPathwayEvent({
      ...ref('system'),
      action: 'leavingCare.exit',
      phase: 'accompaniment',
      since: m.exitAt,
    });
  }
  async function openContactPeriod(month: number, startsAt: string): Promise<void> {
    await open('mediatorContact', startsAt, milestones().contactDueAt[month - 1]);
    state.contactPeriods = month;
  }
  async function endAccompaniment(): Promise<void> {
    const m = milestones();
    await recordPathwayEvent({
      ...ref('system'),
      action: 'leavingCare.accompanimentEnded',
      phase: 'outcome',
      since: m.accompanimentEndsAt,
    });
    await open('integrationOutcome', m.accompanimentEndsAt);
    enter('outcome', m.accompanimentEndsAt);
  }

  /** The next stage and when it begins, read from the state (so a carried state resumes where it was). */
  function next(): { at: string; begin: () => Promise<void> } | null {
    const m = state.milestones;
    if (!m) return null;
    switch (state.phase) {
      case 'waiting':
        return { at: m.preparationAt, begin: beginPreparation };
      case 'preparation':
        return { at: m.exitAt, begin: leaveCare };
      case 'accompaniment': {
        const month = state.contactPeriods + 1;
        const startsAt = month === 1 ? m.exitAt : m.contactDueAt[month - 2];
        if (month <= m.contactDueAt.length && startsAt) {
          return { at: startsAt, begin: () => openContactPeriod(month, startsAt) };
        }
        return { at: m.accompanimentEndsAt, begin: endAccompaniment };
      }
      default:
        return null;
    }
  }

  // --- life ---------------------------------------------------------------------------------
  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxEvents;
  const carryOn = async (): Promise<never> => {
    await condition(allHandlersFinished);
    return continueAsNew<typeof leavingCareWorkflow>({ ...input, carried: state });
  };
  /** Sleeps until `instant`; false if the plan changed meanwhile. Years-long waits stay one timer. */
  const reached = async (instant: string): Promise<boolean> => {
    const revision = planRevision;
    for (;;) {
      const left = Date.parse(instant) - Date.now();
      if (left <= 0) return true;
      await condition(() => planRevision !== revision || historyTooLong(), left);
      if (historyTooLong()) await carryOn();
      if (planRevision !== revision) return false;
    }
  };

  state =
    input.carried ??
    (await openPathway({
      childId: input.childId,
      caseId: input.caseId,
      trigger: input.trigger,
      actorId: input.actorId,
      at: now(),
      ...(input.accompanimentMonths ? { accompanimentMonths: input.accompanimentMonths } : {}),
    }));
  loaded = true;
  if (input.carried) deadlines.resume();
  publish();

  for (let stage = next(); stage; stage = next()) {
    if (await reached(stage.at)) await stage.begin();
  }
  // The outcome ends the pathway (a child not enrolled has nothing to wait for).
  const ended = () => state.phase === 'completed' || state.phase === 'notEnrolled';
  await condition(() => ended() || historyTooLong());
  if (!ended()) await carryOn();
  await condition(allHandlersFinished);
  return view();
}
