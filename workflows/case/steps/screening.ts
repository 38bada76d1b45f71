import { screeningUpdate, type ConcernInput } from '../definitions';
import { reject, type CaseContext } from '../context';

/**
 * The screening clock starts when the report was received (which a handler may record after the
 * fact), never later than now (a clock running a little ahead on the API's side).
 */
export function screeningFrom(c: CaseContext, receivedAt: string | null | undefined): { from?: string } {
  if (!receivedAt) return {};
  return { from: Date.parse(receivedAt) < Date.now() ? receivedAt : c.now() };
}

/**
 * A new concern is screened on its own clock, from its receipt, urgent or not (urgency belongs
 * to each report); an urgent one arriving while a normal screening is pending moves that
 * screening earlier.
 */
export async function screenConcern(c: CaseContext, concern: ConcernInput): Promise<void> {
  const from = screeningFrom(c, concern.receivedAt);
  const pending = c.has('screening');
  if (!pending) {
    await c.open('screening', { ...from, urgent: concern.urgent });
  } else if (concern.urgent) {
    await c.deadlines.replan(pending, 'urgentConcern', 'system', { ...from, urgent: true }, true);
  }
}

/**
 * protocol.md §3 step 2, reception, listening and screening: the risk level is set, and with it
 * emergency protection (3) and the judicial notification (3b) when the protocol asks for them.
 */
export function screening(c: CaseContext): void {
  c.onStep(
    screeningUpdate,
    async (input) => {
      const { state } = c;
      // Where the case is in the circuit (behind a closure awaiting approval, the step it was at).
      const awaitingClosure = state.step === 'closureApproval';
      let at = awaitingClosure ? (state.stepBeforeClosure ?? 'followUp') : state.step;
      // A first screening moves the case on to assessment; a case screened again after a withdrawn
      // closure resumes the step it was at; any other re-screening leaves the step as it is.
      const first = at === 'screening' && !state.resumeStep;
      const previousRisk = state.risk;
      await c.close(c.has('screening'));
      state.risk = input.risk;
      state.categories = [...new Set([...state.categories, ...input.categories])];
      if (at === 'screening') at = state.resumeStep ?? 'assessment';
      state.resumeStep = null;
      const riskRose = !first && c.riskRank(input.risk) < c.riskRank(previousRisk);
      if (riskRose && ['followUp', 'planDraft', 'planApproval'].includes(at)) {
        await c.close(c.has('review'), 'cancelled');
        await c.close(c.has('planDraft'), 'cancelled');
        await c.close(c.has('planApproval'), 'cancelled');
        at = 'assessment';
      }
      if (awaitingClosure) state.stepBeforeClosure = at;
      else state.step = at;
      if (!first && input.risk !== previousRisk) await c.replanForRisk(input.actorId);
      await c.record('screening', input.actorId, {
        screeningId: input.screeningId,
        categories: input.categories,
      });
      const { facts } = state;
      const needsEmergency =
        facts.emergencyRisks.includes(input.risk) ||
        (input.immediateNeeds && facts.emergencyWhenImmediateNeeds.includes(input.risk));
      if (needsEmergency && !c.has('emergency')) await c.open('emergency');
      const needsJudicial = input.categories.some(
        (category) =>
          facts.judicialNotificationCategories.includes(category) ||
          (input.injury === true && facts.judicialNotificationIfInjured.includes(category)),
      );
      if (needsJudicial && !c.has('judicialNotification')) await c.open('judicialNotification');
      if (at === 'assessment' && !c.has('assessment')) await c.open('assessment');
      return c.view();
    },
    {
      validator: (input) => {
        c.requireOpen();
        if (!c.has('screening')) reject('there is no report waiting to be screened');
        if (!c.state.facts.riskOrder.includes(input.risk)) reject(`unknown risk level '${input.risk}'`);
      },
    },
  );
}
