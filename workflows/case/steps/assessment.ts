import { assessmentUpdate } from '../definitions';
import { reject, type CaseContext } from '../context';

/** protocol.md §3 step 4, assessment: it may change the risk; the plan is drafted next. */
export function assessment(c: CaseContext): void {
  c.onStep(
    assessmentUpdate,
    async (input) => {
      const { state } = c;
      state.step = 'planDraft';
      await c.close(c.has('assessment'));
      if (input.risk && input.risk !== state.risk) {
        state.risk = input.risk;
        await c.replanForRisk(input.actorId);
      }
      await c.record('assessment', input.actorId, { assessmentId: input.assessmentId });
      await c.open('planDraft');
      return c.view();
    },
    {
      validator: (input) => {
        c.requireStep('assessment');
        if (input.risk && !c.state.facts.riskOrder.includes(input.risk))
          reject(`unknown risk level '${input.risk}'`);
      },
    },
  );
}
