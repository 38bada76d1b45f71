import { reviewUpdate } from '../definitions';
import { reject, type CaseContext } from '../context';

/**
 * protocol.md §3 step 7, follow-up: a periodic review; a change of risk sends the case back to
 * assessment or plan revision (and re-plans every deadline that follows the risk).
 */
export function review(c: CaseContext): void {
  c.onStep(
    reviewUpdate,
    async (input) => {
      const { state } = c;
      const rose = c.riskRank(input.risk) < c.riskRank(state.risk);
      const changed = input.risk !== state.risk;
      await c.close(c.has('review'));
      state.risk = input.risk;
      if (changed) await c.replanForRisk(input.actorId);
      await c.record('review', input.actorId, { reviewId: input.reviewId, decision: input.decision });
      if (input.decision === 'reassess' || rose) {
        state.step = 'assessment';
        await c.open('assessment');
      } else if (input.decision === 'revisePlan') {
        state.step = 'planDraft';
        await c.open('planDraft');
      } else {
        await c.open('review');
      }
      return c.view();
    },
    {
      validator: (input) => {
        const { state } = c;
        c.requireStep('followUp');
        if (!state.facts.riskOrder.includes(input.risk)) reject(`risk: unknown risk level '${input.risk}'`);
        if (input.decision === 'continue' && input.risk !== state.risk) {
          reject(
            `decision: the risk changes (${state.risk ?? 'none'} → ${input.risk}), so the case goes back to assessment or plan revision: decide 'reassess' or 'revisePlan', not 'continue'`,
          );
        }
      },
    },
  );
}
